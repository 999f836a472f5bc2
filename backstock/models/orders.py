"""Orders, their lines' unit counts, shipments and the payment record."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from backstock.models.catalog import Product
from backstock.models.inventory import DEFAULT_CODE, Source, Stock


class Order(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    customer_email = fields.CharField(max_length=254)
    customer_name = fields.CharField(max_length=255, null=True)
    grand_total = fields.DecimalField(max_digits=14, decimal_places=2)
    idempotency_key = fields.CharField(max_length=255, unique=True, null=True)
    request_fingerprint = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    channel = fields.CharField(max_length=32, db_default=DEFAULT_CODE)
    customer_group = fields.CharField(max_length=32, db_default="GUEST")
    # Nullable only because SQLite cannot add a NOT NULL foreign key to a filled table; always set.
    stock: fields.ForeignKeyNullableRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    stock_id: int | None

    lines: fields.ReverseRelation[OrderLine]
    shipments: fields.ReverseRelation[Shipment]
    payments: fields.ReverseRelation[Payment]

    class Meta:
        table = "sales_order"


class OrderLine(Model):
    """Unit counts of one line: ordered = shipped + cancelled + ready + backordered always holds.

    `stock` repeats the order's stock so allocation in one stock is one indexed query.
    A line of a product whose stock is not managed (stock_tracked false) is all ready at checkout
    and never moves the counters, even if the merchant starts managing its stock later.
    """

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="lines", on_delete=fields.CASCADE
    )
    order_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="order_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    stock: fields.ForeignKeyNullableRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="order_lines", null=True, on_delete=fields.RESTRICT
    )
    stock_id: int | None
    sku = fields.CharField(max_length=64)
    name = fields.CharField(max_length=255)
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    ordered = fields.IntField()
    ready = fields.IntField(default=0)
    backordered = fields.IntField(default=0)
    shipped = fields.IntField(default=0)
    cancelled = fields.IntField(default=0)
    backorder_message = fields.TextField(null=True)
    stock_tracked = fields.BooleanField(default=True)
    # The expected ship date the customer was last told (DESIGN.md 7.1); None: told "unknown", or never told.
    told_ship_date = fields.DateField(null=True)
    # Ordered before the product's release date (DESIGN.md 7.2): never counted by backorder caps.
    is_preorder = fields.BooleanField(default=False, db_default=False)
    # Held back until the release: these units wait even while units are on hand, and count toward the cap.
    preorder_held = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "order_line"
        indexes = (("stock_id", "product_id", "backordered"), ("stock_id", "product_id", "ready"))


class Shipment(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=40, unique=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="shipments", on_delete=fields.CASCADE
    )
    order_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    lines: fields.ReverseRelation[ShipmentLine]
    sources: fields.ReverseRelation[ShipmentSource]

    class Meta:
        table = "shipment"


class ShipmentLine(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="lines", on_delete=fields.CASCADE
    )
    shipment_id: int
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "models.OrderLine", related_name="shipment_lines", on_delete=fields.CASCADE
    )
    order_line_id: int
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()

    class Meta:
        table = "shipment_line"


class ShipmentSource(Model):
    """Where shipped units were taken from: one row per source and SKU of a shipment."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="sources", on_delete=fields.CASCADE
    )
    shipment_id: int
    source: fields.ForeignKeyRelation[Source] = fields.ForeignKeyField(
        "models.Source", related_name="shipments", on_delete=fields.RESTRICT
    )
    source_id: int
    sku = fields.CharField(max_length=64)
    quantity = fields.IntField()

    class Meta:
        table = "shipment_source"


class PaymentKind(StrEnum):
    CAPTURE = "CAPTURE"
    REFUND = "REFUND"


class Payment(Model):
    """One money movement of an order: the capture at checkout, then any refunds."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="payments", on_delete=fields.CASCADE
    )
    order_id: int
    kind = fields.CharEnumField(PaymentKind, max_length=10)
    amount = fields.DecimalField(max_digits=14, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment"
