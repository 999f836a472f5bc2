"""Suppliers (DESIGN.md 7.4): created or updated by code, named by purchase orders and products."""

from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import Supplier
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput


class Keep(Enum):
    """An update's omitted supplier: the product keeps the one it has (None clears it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


async def list_suppliers() -> list[Supplier]:
    return await Supplier.all().order_by("code")


async def upsert_supplier(data: dict[str, Any]) -> Supplier:
    """Creates or replaces by code: every field of the input is the supplier's new value, checked as
    `rules.supplier_violations` says (an email is refused, not trimmed: it ends up in a mail header)."""
    code, email, lead_time_days = data["code"], data.get("email"), data.get("lead_time_days")
    for violation in rules.supplier_violations(code, email, lead_time_days):
        raise BadUserInput(violation.message, field=violation.field)
    values = {"name": validation.name(data["name"]), "email": email, "lead_time_days": lead_time_days}
    async with in_transaction():
        supplier, _ = await Supplier.update_or_create(values, code=code)
    return supplier


async def find_supplier(code: str | None) -> Supplier | None:
    """The supplier a purchase order or product names; an unknown code is BAD_USER_INPUT naming `supplier`."""
    if code is None:
        return None
    well_formed = not rules.supplier_violations(code, None, None)
    supplier = await Supplier.get_or_none(code=code) if well_formed else None
    if supplier is None:
        raise BadUserInput(f"supplier: no supplier {code!r}", field="supplier")
    return supplier
