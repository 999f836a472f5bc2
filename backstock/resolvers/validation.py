"""Checks of client input that are not stock rules: each failure names the field and the rule."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.models import Model

from backstock import rules
from backstock.models import Product
from backstock.resolvers.errors import BadUserInput

_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
# Used with fullmatch: `$` would let a trailing newline through.
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_CODE = re.compile(r"[a-z0-9_-]{1,32}")
MAX_PRICE = Decimal("9999999999.99")
MAX_FILTER_SKUS = 500
MAX_RECIPIENTS = 20


def fits(model: type[Model], field: str, value: str) -> bool:
    """Whether `value` could be stored in that column: a longer lookup can only find nothing.

    Tortoise validates filter values against the column's max_length and raises on a longer
    one, so every lookup by client text asks this first and answers "not found" itself.
    """
    max_length: int | None = model._meta.fields_map[field].max_length  # type: ignore[attr-defined]
    return max_length is None or len(value) <= max_length


def idempotency_key(value: str) -> str:
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise BadUserInput(
            "idempotencyKey must be 1 to 128 letters, digits or . _ : - characters", field="idempotencyKey"
        )
    return value


def possible_skus(values: Iterable[str]) -> list[str]:
    """The SKUs that could exist: the others are simply not found."""
    return [value for value in values if fits(Product, "sku", value)]


def filter_skus(values: list[str]) -> list[str]:
    """A product filter's SKUs; more than MAX_FILTER_SKUS is refused before any query."""
    if len(values) > MAX_FILTER_SKUS:
        raise BadUserInput(
            f"filter.skus may hold at most {MAX_FILTER_SKUS} SKUs, got {len(values)}", field="filter.skus"
        )
    return possible_skus(values)


def email(value: str, field: str) -> str:
    """One @, no spaces or control characters (no CR/LF can reach a mail header), a dotted domain."""
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise BadUserInput(f"{field} must be a valid email address, got {value!r}", field=field)
    return value


def emails(values: list[str], field: str) -> list[str]:
    """A list of recipients: each a valid address, and a handful at most (every email goes to all of them)."""
    if len(values) > MAX_RECIPIENTS:
        raise BadUserInput(f"{field} may hold at most {MAX_RECIPIENTS} addresses, got {len(values)}", field=field)
    return [email(value, field) for value in values]


def sku(value: str, field: str = "sku") -> str:
    if not _SKU.fullmatch(value):
        raise BadUserInput(
            f"{field} must be 1 to 64 letters, digits or . _ / - starting with a letter or digit, got {value!r}",
            field=field,
        )
    return value


def code(value: str, field: str) -> str:
    """Codes of sources, stocks and channels."""
    if not _CODE.fullmatch(value):
        raise BadUserInput(f"{field} must be 1 to 32 of a-z, 0-9, _ and -, got {value!r}", field=field)
    return value


def name(value: str, field: str = "name", max_length: int = 255) -> str:
    value = value.strip()
    if not value or len(value) > max_length or any(ord(c) < 32 for c in value):
        raise BadUserInput(f"{field} must be 1 to {max_length} printable characters, got {value!r}", field=field)
    return value


def price(value: Decimal, field: str = "price") -> Decimal:
    """No sign at all: "-0" is 0 to arithmetic, but not what a merchant meant to type."""
    try:
        exact = value.quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise BadUserInput(f"{field} must be a decimal amount, got {value!r}", field=field) from exc
    if not value.is_finite() or value.is_signed() or exact != value or not Decimal(0) <= value <= MAX_PRICE:
        raise BadUserInput(
            f"{field} must be between 0 and {MAX_PRICE} with at most 2 decimals, got {value}", field=field
        )
    return value


def not_negative(value: int, field: str) -> int:
    if value < 0:
        raise BadUserInput(f"{field} must be 0 or more, got {value}", field=field)
    return value


def counters_fit(settings: rules.StockSettings, level: rules.StockLevel, field: str) -> None:
    """Refuses a change before it is written when a counter it leads to could not be read back as an Int."""
    if (counter := rules.out_of_int_range(settings, level)) is not None:
        raise BadUserInput(
            f"{field}: this change would make the {counter}, past {rules.MAX_INT}, the largest Int GraphQL carries",
            field=field,
        )


def stock_settings(level: Mapping[str, Any], effective: rules.StockSettings) -> None:
    """Raises the first violated setting rule (see rules.validate_settings) as BAD_USER_INPUT."""
    for violation in rules.validate_settings(level, effective):
        raise BadUserInput(violation.message, field=violation.field)
    if (lead_time := rules.lead_time_violation(level.get("backorder_lead_time_days"))) is not None:
        raise BadUserInput(lead_time.message, field=lead_time.field)
