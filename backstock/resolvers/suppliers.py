"""Suppliers (DESIGN.md 7.4): created or updated by code, named by purchase orders and products."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from backstock.models import Supplier
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput

_SUPPLIER_CODE = re.compile(r"[A-Z0-9_-]{1,32}")


class Keep(Enum):
    """An update's omitted supplier: the product keeps the one it has (None clears it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


async def list_suppliers() -> list[Supplier]:
    return await Supplier.all().order_by("code")


async def upsert_supplier(data: dict[str, Any]) -> Supplier:
    """Creates or replaces by code: every field of the input is the supplier's new value."""
    code = data["code"]
    if not _SUPPLIER_CODE.fullmatch(code):
        raise BadUserInput(f"code must be 1 to 32 of A-Z, 0-9, _ and -, got {code!r}", field="code")
    values = {
        "name": validation.name(data["name"]),
        "email": None if data.get("email") is None else validation.email(data["email"], "email"),
        "lead_time_days": None
        if data.get("lead_time_days") is None
        else validation.not_negative(data["lead_time_days"], "leadTimeDays"),
    }
    async with in_transaction():
        supplier, _ = await Supplier.update_or_create(values, code=code)
    return supplier


async def find_supplier(code: str | None) -> Supplier | None:
    """The supplier a purchase order or product names; an unknown code is BAD_USER_INPUT naming `supplier`."""
    if code is None:
        return None
    supplier = await Supplier.get_or_none(code=code) if _SUPPLIER_CODE.fullmatch(code) else None
    if supplier is None:
        raise BadUserInput(f"supplier: no supplier {code!r}", field="supplier")
    return supplier
