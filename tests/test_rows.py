"""`models.rows` writes what tortoise's `create` would: every model's defaults as `__init__` gives them,
and a row written by each path reads back the same, on the database under test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tortoise.fields.base import DatabaseDefault
from tortoise.models import Model

from backstock import models
from backstock.models import Order, OutboxMessage, Payment, PaymentKind, rows

MODELS = [getattr(models, name) for name in models.__all__ if isinstance(getattr(models, name), type)]
MODELS = [m for m in MODELS if issubclass(m, Model)]
STAMPS = {"created_at", "updated_at"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_defaults_are_those_of_init(model: type[Model], orm: None) -> None:
    made = rows.made(model, rows.completed(model, {}))
    built = model()
    for name in model._meta.fields_db_projection.keys() - STAMPS:  # the time of the write, `save` sets it
        mine, theirs = getattr(made, name), getattr(built, name)
        if isinstance(theirs, DatabaseDefault):  # left to the database, which fills in the constant
            theirs = model._meta.fields_map[name].db_default
        if name == "uid":
            mine, theirs = type(mine), type(theirs)
        assert (mine, type(mine)) == (theirs, type(theirs)), name
    assert made._saved_in_db is False


async def _read(model: type[Model], id: int) -> dict[str, Any]:
    found = await model.get(id=id)
    return {name: getattr(found, name) for name in model._meta.fields_db_projection if name not in {"id", *STAMPS}}


async def test_rows_read_back_as_tortoise_writes_them(db: None) -> None:
    """The channel and the customer group are left out: `db_default` columns, which `create` leaves to the
    database and `rows` fills with the same constant."""
    order: rows.Values = {"customer_email": "a@example.com", "grand_total": Decimal("12.50")}
    order |= {"request_fingerprint": "-", "customer_name": "Ä ö"}
    written = (await rows.insert(Order, [order | {"number": "BS-ROWS"}], returning=("id",)))[0]["id"]
    twin = await Order.create(**order, number="BS-TWIN")
    assert await _read(Order, written) == await _read(Order, twin.pk) | {"number": "BS-ROWS"}
    assert (await _read(Order, written))["channel"] == "default"

    outbox: rows.Values = {"kind": "k", "reference": "r", "recipients": ["x@example.com"], "subject": "s"}
    outbox |= {"text_body": "t", "html_body": "<p>", "next_attempt_at": twin.created_at}
    outbox |= {"attachments": [{"filename": "a.csv", "content_type": "text/csv", "content": "a,b"}]}
    payment: rows.Values = {"order_id": written, "kind": PaymentKind.REFUND, "amount": Decimal("1.00")}
    for model, values in [(OutboxMessage, outbox), (Payment, payment)]:
        row = (await rows.insert(model, [dict(values)], returning=("id",)))[0]["id"]
        created = await model.create(**values)
        assert await _read(model, row) == await _read(model, created.pk)
