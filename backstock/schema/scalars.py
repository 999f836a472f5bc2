"""The contract's scalars, with the specification each follows (`@specifiedBy`).

Decimal replaces strawberry's own, which hands any string or number to `decimal.Decimal`
and so accepts "1_000.00", full-width digits, exponents, NaN and Infinity: a price must
be exactly what a person reads, so only plain ASCII decimal strings get through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from operator import methodcaller

from strawberry.schema.types.base_scalars import wrap_parser
from strawberry.types.scalar import ScalarDefinition, scalar

# The lexical form of XML Schema's decimal, which this format narrows (no "+", no ".5" or "5.").
DECIMAL_FORMAT_URL = "https://www.w3.org/TR/xmlschema11-2/#decimal"
RFC_3339_URL = "https://datatracker.ietf.org/doc/html/rfc3339"
_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?", re.ASCII)


def parse_decimal(value: object) -> decimal.Decimal:
    if not isinstance(value, str) or not _PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(  # graphql-core adds the value and where it was found (variable path or location)
            'Decimal must be a string of ASCII digits with an optional leading "-" and "." '
            'and at most 20 digits on each side, e.g. "19.90" (no exponent, "_", spaces or other digits)'
        )
    return decimal.Decimal(value)


SCALARS: dict[object, ScalarDefinition] = {
    decimal.Decimal: scalar(
        name="Decimal",
        description='An exact decimal number as a string of ASCII digits, e.g. "19.90" (money: 2 decimals).',
        specified_by_url=DECIMAL_FORMAT_URL,
        serialize=str,
        parse_value=parse_decimal,
    ),
    dt.date: scalar(
        name="Date",
        description='A calendar date, RFC 3339 full-date, e.g. "2026-12-05".',
        specified_by_url=RFC_3339_URL,
        serialize=methodcaller("isoformat"),
        parse_value=wrap_parser(dt.date.fromisoformat, "Date"),
    ),
    dt.datetime: scalar(
        name="DateTime",
        description='A moment with its UTC offset, RFC 3339 date-time, e.g. "2026-12-05T14:30:00+00:00".',
        specified_by_url=RFC_3339_URL,
        serialize=methodcaller("isoformat"),
        parse_value=wrap_parser(dt.datetime.fromisoformat, "DateTime"),
    ),
}
