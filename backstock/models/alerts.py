"""Back-in-stock alerts (DESIGN.md 7.2): an email waiting for a product to become salable again."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from backstock.models.catalog import Product


class StockAlertStatus(StrEnum):
    ACTIVE = "ACTIVE"
    NOTIFIED = "NOTIFIED"
    UNSUBSCRIBED = "UNSUBSCRIBED"


class StockAlert(Model):
    """`active_key` is `<product id>:<email in lower case>` while ACTIVE and NULL after: its unique
    index makes "one active alert per (product, email)" the database's decision, so two concurrent
    subscriptions cannot both win (NULLs never collide, so inactive alerts stay as history)."""

    id = fields.BigIntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="stock_alerts", on_delete=fields.CASCADE
    )
    product_id: int
    email = fields.CharField(max_length=254)
    status = fields.CharEnumField(StockAlertStatus, max_length=12, default=StockAlertStatus.ACTIVE)
    active_key = fields.CharField(max_length=280, null=True, unique=True)
    token = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    notified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "stock_alert"
        indexes = (("product_id", "status"),)


class StockAlertEmail(Model):
    """How many ACTIVE alerts one email (lower case) holds. The per-email limit is a conditional
    update of this counter (`active < limit`), whose row lock serialises one email's subscriptions
    on PostgreSQL: counting alerts instead would let concurrent subscriptions all see room."""

    email = fields.CharField(max_length=254, primary_key=True)
    active = fields.IntField(default=0)

    class Meta:
        table = "stock_alert_email"
