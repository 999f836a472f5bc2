"""Stock the merchant expects: suppliers, purchase orders and their lines (DESIGN.md 7.1, 7.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from backstock.rules import PurchaseOrderStatus

if TYPE_CHECKING:
    from backstock.models.catalog import Product
    from backstock.models.inventory import Source


class Supplier(Model):
    """Who a purchase order is placed with (`lead_time_days` null: unknown)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=255)
    email = fields.CharField(max_length=254, null=True)
    lead_time_days = fields.IntField(null=True)

    class Meta:
        table = "supplier"


class PurchaseOrder(Model):
    """Units expected at `source` on `expected_date`, counted in projections only while OPEN."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=64, unique=True)
    supplier: fields.ForeignKeyNullableRelation[Supplier] = fields.ForeignKeyField(
        "models.Supplier", related_name="purchase_orders", null=True, on_delete=fields.RESTRICT
    )
    supplier_id: int | None
    source: fields.ForeignKeyRelation[Source] = fields.ForeignKeyField(
        "models.Source", related_name="purchase_orders", on_delete=fields.RESTRICT
    )
    source_id: int
    expected_date = fields.DateField()
    status = fields.CharEnumField(PurchaseOrderStatus, max_length=10, default=PurchaseOrderStatus.DRAFT)
    created_at = fields.DatetimeField(auto_now_add=True)

    lines: fields.ReverseRelation[PurchaseOrderLine]

    class Meta:
        table = "purchase_order"


class PurchaseOrderLine(Model):
    """One SKU of a purchase order: units due = ordered - received."""

    id = fields.IntField(primary_key=True)
    purchase_order: fields.ForeignKeyRelation[PurchaseOrder] = fields.ForeignKeyField(
        "models.PurchaseOrder", related_name="lines", on_delete=fields.CASCADE
    )
    purchase_order_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="purchase_order_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    quantity_ordered = fields.IntField()
    quantity_received = fields.IntField(default=0)

    class Meta:
        table = "purchase_order_line"
        unique_together = (("purchase_order", "product"),)
