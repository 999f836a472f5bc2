"""Catalog types: Product with its stock fields, StockSettings, InventoryConfig, and the connection."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from backstock import rules
from backstock.models import StoreConfig
from backstock.resolvers.catalog import Page, ProductView, encode_cursor
from backstock.schema.context import Context
from backstock.schema.inventory import SourceItem
from backstock.schema.permissions import ADMIN


@strawberry.type(
    description="A product's effective settings: its own override where it has one, else the store default."
)
class StockSettings:
    manage_stock: bool
    backorders: rules.BackorderMode
    out_of_stock_threshold: int
    only_x_left_threshold: int
    notify_for_quantity_below: int
    min_sale_quantity: int
    max_sale_quantity: int
    quantity_increments: int
    overridden: list[str] = strawberry.field(
        description="Names (as spelled above) of the settings this product overrides."
    )


@strawberry.type(description="Store-wide defaults. [admin]")
class InventoryConfig:
    manage_stock: bool
    backorders: rules.BackorderMode
    out_of_stock_threshold: int
    only_x_left_threshold: int
    notify_for_quantity_below: int
    min_sale_quantity: int
    max_sale_quantity: int
    quantity_increments: int
    low_stock_recipients: list[str]

    @classmethod
    def of(cls, config: StoreConfig) -> InventoryConfig:
        settings = config.stock_settings()
        return cls(**vars(settings), low_stock_recipients=list(config.low_stock_recipients))


@strawberry.type
class Product:
    """Built from a ProductView with every stock field computed once, so fields are plain reads."""

    view: strawberry.Private[ProductView]
    sku: str
    name: str
    price: Decimal
    stock_status: rules.StockStatus
    is_salable: bool
    salable_quantity: int | None = strawberry.field(
        description="How many more units can be sold. null means unlimited "
        "(stock not managed, or backorders with threshold 0 or above)."
    )
    only_x_left: int | None = strawberry.field(
        description="The salable quantity when it is above 0 and at or below onlyXLeftThreshold; else null."
    )
    quantity: int = strawberry.field(permission_classes=ADMIN, description="[admin] Units on hand.")
    reserved_quantity: int = strawberry.field(
        permission_classes=ADMIN, description="[admin] Units ordered and not yet shipped or cancelled."
    )
    backordered_quantity: int = strawberry.field(
        permission_classes=ADMIN, description="[admin] Ordered units that wait for stock (sum over open order lines)."
    )
    in_stock: bool = strawberry.field(
        permission_classes=ADMIN,
        description="[admin] The manual stock status flag; false makes the product OUT_OF_STOCK whatever its quantity.",
    )
    is_low_stock: bool = strawberry.field(permission_classes=ADMIN, description="[admin]")

    @strawberry.field(description="The notice a shopper ordering `quantity` units must see, or null when none is due.")
    def backorder_message(self, quantity: int = 1) -> str | None:
        return rules.backorder_message(self.view.stock, quantity)

    @strawberry.field(
        permission_classes=ADMIN, description="[admin] One row per source holding or having held this product."
    )
    async def source_items(self, info: Info[Context, None]) -> list[SourceItem] | None:
        rows = await info.context.source_items_loader.load(self.view.product.id)
        return [SourceItem.of(row, self.view.settings) for row in rows]

    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    def stock_settings(self) -> StockSettings:
        return StockSettings(**vars(self.view.settings), overridden=rules.overridden(self.view.product.overrides()))

    @classmethod
    def of(cls, view: ProductView) -> Product:
        product, available = view.product, view.availability
        return cls(
            view=view,
            sku=product.sku,
            name=product.name,
            price=product.price,
            stock_status=available.stock_status,
            is_salable=available.is_salable,
            salable_quantity=available.salable_quantity,
            only_x_left=available.only_x_left,
            quantity=view.counts.held or 0,
            reserved_quantity=view.counts.reserved,
            backordered_quantity=available.backordered,
            in_stock=view.counts.in_stock,
            is_low_stock=view.is_low_stock,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page) -> ProductConnection:
        edges = [ProductEdge(cursor=encode_cursor(v.product.id), node=Product.of(v)) for v in page.views]
        end = edges[-1].cursor if edges else None
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=end),
            total_count=page.total_count,
        )
