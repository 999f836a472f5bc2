"""Checks of client input that are not stock rules: each failure names the field and the rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from backstock import rules
from backstock.resolvers.errors import BadUserInput

_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_CODE = re.compile(r"^[a-z0-9_-]{1,32}$")
MAX_PRICE = Decimal("9999999999.99")


def email(value: str, field: str) -> str:
    """One @, no spaces or control characters (no CR/LF can reach a mail header), a dotted domain."""
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise BadUserInput(f"{field} must be a valid email address, got {value!r}", field=field)
    return value


def emails(values: Iterable[str], field: str) -> list[str]:
    return [email(value, field) for value in values]


def sku(value: str, field: str = "sku") -> str:
    if not _SKU.match(value):
        raise BadUserInput(
            f"{field} must be 1 to 64 letters, digits or . _ / - starting with a letter or digit, got {value!r}",
            field=field,
        )
    return value


def code(value: str, field: str) -> str:
    """Codes of sources, stocks and channels."""
    if not _CODE.match(value):
        raise BadUserInput(f"{field} must be 1 to 32 of a-z, 0-9, _ and -, got {value!r}", field=field)
    return value


def name(value: str, field: str = "name") -> str:
    value = value.strip()
    if not value or len(value) > 255 or any(ord(c) < 32 for c in value):
        raise BadUserInput(f"{field} must be 1 to 255 printable characters, got {value!r}", field=field)
    return value


def price(value: Decimal, field: str = "price") -> Decimal:
    try:
        exact = value.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise BadUserInput(f"{field} must be a decimal amount, got {value!r}", field=field) from exc
    if not value.is_finite() or exact != value or not Decimal(0) <= value <= MAX_PRICE:
        raise BadUserInput(
            f"{field} must be between 0 and {MAX_PRICE} with at most 2 decimals, got {value}", field=field
        )
    return value


def not_negative(value: int, field: str) -> int:
    if value < 0:
        raise BadUserInput(f"{field} must be 0 or more, got {value}", field=field)
    return value


def stock_settings(level: Mapping[str, Any], effective: rules.StockSettings) -> None:
    """Raises the first violated setting rule (see rules.validate_settings) as BAD_USER_INPUT."""
    for violation in rules.validate_settings(level, effective):
        raise BadUserInput(violation.message, field=violation.field)
