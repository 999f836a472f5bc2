"""The append-only stock ledger: every change of on-hand or reserved units, with why."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from backstock.models.catalog import Product
    from backstock.models.inventory import Source, Stock
    from backstock.models.orders import Order, Shipment


class MovementReason(StrEnum):
    INITIAL_STOCK = "INITIAL_STOCK"
    STOCK_COUNT = "STOCK_COUNT"
    ADJUSTMENT = "ADJUSTMENT"
    CHECKOUT = "CHECKOUT"
    SHIPMENT = "SHIPMENT"
    CANCELLATION = "CANCELLATION"
    TRANSFER = "TRANSFER"


class StockMovement(Model):
    """An on-hand delta names its source, a reserved delta its stock: each counter sums its own rows."""

    id = fields.BigIntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="movements", on_delete=fields.CASCADE
    )
    product_id: int
    source: fields.ForeignKeyNullableRelation[Source] = fields.ForeignKeyField(
        "models.Source", related_name="movements", null=True, on_delete=fields.RESTRICT
    )
    source_id: int | None
    stock: fields.ForeignKeyNullableRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="movements", null=True, on_delete=fields.RESTRICT
    )
    stock_id: int | None
    on_hand_delta = fields.IntField(default=0)
    reserved_delta = fields.IntField(default=0)
    reason = fields.CharEnumField(MovementReason, max_length=20)
    note = fields.CharField(max_length=255, null=True)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="movements", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="movements", null=True, on_delete=fields.SET_NULL
    )
    shipment_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stock_movement"
