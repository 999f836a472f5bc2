"""The catalog: store-wide stock defaults and products with their overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from backstock.rules import CAP_FIELDS, SETTING_FIELDS, BackorderMode, CapSettings, StockSettings

if TYPE_CHECKING:
    from backstock.models.inventory import SourceItem, StockItem
    from backstock.models.purchasing import Supplier

STORE_CONFIG_ID = 1


class StoreConfig(Model):
    """The one row of store-wide defaults (id 1), absent until first saved, while Magento's defaults apply."""

    id = fields.IntField(primary_key=True)
    manage_stock = fields.BooleanField(default=True)
    backorders = fields.CharEnumField(BackorderMode, max_length=40, default=BackorderMode.NO_BACKORDERS)
    out_of_stock_threshold = fields.IntField(default=0)
    only_x_left_threshold = fields.IntField(default=0)
    notify_for_quantity_below = fields.IntField(default=1)
    min_sale_quantity = fields.IntField(default=1)
    max_sale_quantity = fields.IntField(default=10000)
    quantity_increments = fields.IntField(default=1)
    backorder_lead_time_days = fields.IntField(null=True)
    customers_may_cancel_backorders = fields.BooleanField(default=True, db_default=True)
    low_stock_recipients: fields.Field[list[str]] = fields.JSONField(default=list)
    backorder_customer_groups: fields.Field[list[str] | None] = fields.JSONField(null=True)
    max_backorder_quantity_per_order = fields.IntField(null=True)
    max_backorder_quantity_per_customer = fields.IntField(null=True)

    class Meta:
        table = "store_config"

    def stock_settings(self) -> StockSettings:
        return StockSettings(**{name: getattr(self, name) for name in SETTING_FIELDS})

    def cap_settings(self) -> CapSettings:
        return _caps(self)


class Product(Model):
    """A sellable item. Each setting column is an override: NULL follows the store default.

    Its units live per source (SourceItem), its reservations per stock (StockItem).
    """

    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=255)
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    manage_stock = fields.BooleanField(null=True)
    backorders = fields.CharEnumField(BackorderMode, max_length=40, null=True)
    out_of_stock_threshold = fields.IntField(null=True)
    only_x_left_threshold = fields.IntField(null=True)
    notify_for_quantity_below = fields.IntField(null=True)
    min_sale_quantity = fields.IntField(null=True)
    max_sale_quantity = fields.IntField(null=True)
    quantity_increments = fields.IntField(null=True)
    backorder_lead_time_days = fields.IntField(null=True)
    supplier: fields.ForeignKeyNullableRelation[Supplier] = fields.ForeignKeyField(
        "models.Supplier", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    supplier_id: int | None
    backorder_customer_groups: fields.Field[list[str] | None] = fields.JSONField(null=True)
    max_backorder_quantity_per_order = fields.IntField(null=True)
    max_backorder_quantity_per_customer = fields.IntField(null=True)
    # The pre-order (DESIGN.md 7.2) until it is released; NULL release date: none. On the product row, so
    # every read of a product (a listing, checkout's lock) has it without another query.
    preorder_release_date = fields.DateField(null=True)
    preorder_max_quantity = fields.IntField(null=True)
    preorder_message = fields.TextField(null=True)

    source_items: fields.ReverseRelation[SourceItem]
    stock_items: fields.ReverseRelation[StockItem]

    class Meta:
        table = "product"

    def overrides(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SETTING_FIELDS}

    def cap_overrides(self) -> CapSettings:
        return _caps(self)


def _caps(row: StoreConfig | Product) -> CapSettings:
    return cap_settings({name: getattr(row, name) for name in CAP_FIELDS})


def cap_settings(values: Mapping[str, Any]) -> CapSettings:
    """The 7.3 settings saved on a row (store or product, or its values read as a mapping); NULL columns
    are "not set here"."""
    groups = values["backorder_customer_groups"]
    return CapSettings(
        None if groups is None else tuple(groups),
        values["max_backorder_quantity_per_order"],
        values["max_backorder_quantity_per_customer"],
    )
