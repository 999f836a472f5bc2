"""The event table: what happened, written in the same transaction as its cause and never changed."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class EventKind(StrEnum):
    """The contract's WebhookEvent."""

    STOCK_CHANGED = "STOCK_CHANGED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    BACK_IN_STOCK = "BACK_IN_STOCK"
    LOW_STOCK = "LOW_STOCK"
    ORDER_PLACED = "ORDER_PLACED"
    BACKORDER_ALLOCATED = "BACKORDER_ALLOCATED"
    BACKORDER_DELAYED = "BACKORDER_DELAYED"
    ORDER_SHIPPED = "ORDER_SHIPPED"
    ORDER_CANCELED = "ORDER_CANCELED"


# No semicolon in a model docstring's first line: it becomes the table comment, and tortoise's SQLite
# migration splits its script on ";" (a syntax error at migrate time).
class Event(Model):
    """Append-only. `uid` is the public id receivers deduplicate on, `id` gives the order of events.

    `order_number`, `sku` and `channel` repeat what `data` says so events can be found by them.
    """

    id = fields.BigIntField(primary_key=True)
    uid = fields.UUIDField(unique=True, default=uuid.uuid4)
    kind = fields.CharEnumField(EventKind, max_length=24)
    data: fields.Field[dict[str, object]] = fields.JSONField()
    order_number = fields.CharField(max_length=32, null=True, db_index=True)
    sku = fields.CharField(max_length=64, null=True, db_index=True)
    channel = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event"
