"""Where units live and who may sell them: sources, stocks (pools of sources), sales channels.

Units on hand live only in source items; what orders promise (reserved units, the low-stock
latch) lives per stock in stock items, the row checkout locks. A source belongs to one stock
at most (`StockSource.source` is unique), so no two stocks can sell the same units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from backstock.models.catalog import Product

DEFAULT_CODE = "default"


class Source(Model):
    """A place that holds units: a warehouse, a shop, a dropshipper."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=255)
    enabled = fields.BooleanField(default=True)
    email = fields.CharField(max_length=254, null=True)

    stock_link: fields.BackwardOneToOneRelation[StockSource]

    class Meta:
        table = "source"


class Stock(Model):
    """A pool of sources, sold through the channels bound to it."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=255)

    source_links: fields.ReverseRelation[StockSource]
    channels: fields.ReverseRelation[Channel]

    class Meta:
        table = "stock"


class StockSource(Model):
    """A source's place in its one stock: lower priority numbers ship first."""

    id = fields.IntField(primary_key=True)
    stock: fields.ForeignKeyRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="source_links", on_delete=fields.CASCADE
    )
    stock_id: int
    source: fields.OneToOneRelation[Source] = fields.OneToOneField(
        "models.Source", related_name="stock_link", on_delete=fields.CASCADE
    )
    source_id: int
    priority = fields.IntField()

    class Meta:
        table = "stock_source"


class Channel(Model):
    """A sales channel (a website, a market) and the one stock it sells from."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    stock: fields.ForeignKeyRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="channels", on_delete=fields.RESTRICT
    )
    stock_id: int

    class Meta:
        table = "channel"


class SourceItem(Model):
    """One product at one source: units on hand (never below 0) and Magento's source item status."""

    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="source_items", on_delete=fields.CASCADE
    )
    product_id: int
    source: fields.ForeignKeyRelation[Source] = fields.ForeignKeyField(
        "models.Source", related_name="items", on_delete=fields.CASCADE
    )
    source_id: int
    quantity = fields.IntField(default=0)
    in_stock = fields.BooleanField(default=True)
    notify_for_quantity_below = fields.IntField(null=True)
    low_stock_alerted = fields.BooleanField(default=False)

    class Meta:
        table = "source_item"
        unique_together = (("product", "source"),)


class StockItem(Model):
    """One product in one stock: the units its orders reserve, and its low-stock latch.

    Every (stock, product) pair has a row, so checkout always has one to lock and
    conditionally update, and two stocks never contend for the same row.
    """

    id = fields.IntField(primary_key=True)
    stock: fields.ForeignKeyRelation[Stock] = fields.ForeignKeyField(
        "models.Stock", related_name="items", on_delete=fields.CASCADE
    )
    stock_id: int
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="stock_items", on_delete=fields.CASCADE
    )
    product_id: int
    reserved = fields.IntField(default=0)
    low_stock_alerted = fields.BooleanField(default=False)

    class Meta:
        table = "stock_item"
        unique_together = (("stock", "product"),)
