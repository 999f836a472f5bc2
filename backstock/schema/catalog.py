"""Catalog types: Product with its stock fields, StockSettings, InventoryConfig, and the connection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from backstock import rules
from backstock.models import StoreConfig
from backstock.resolvers import alternatives
from backstock.resolvers.catalog import Page, ProductView, encode_cursor
from backstock.resolvers.keys import Access
from backstock.schema import dates
from backstock.schema.context import Context
from backstock.schema.descriptions import SETTINGS, described
from backstock.schema.inventory import SourceItem
from backstock.schema.permissions import ADMIN
from backstock.schema.preorder_types import Preorder
from backstock.schema.suppliers import Supplier


@described(SETTINGS)
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
    backorder_lead_time_days: int | None
    backorder_customer_groups: list[str] | None
    max_backorder_quantity_per_order: int | None
    max_backorder_quantity_per_customer: int | None
    overridden: list[str] = strawberry.field(
        description="Names (as spelled above) of the settings this product overrides."
    )


def _caps(caps: rules.CapSettings) -> dict[str, Any]:
    """The 7.3 settings as the GraphQL types carry them (a list, not a tuple)."""
    groups = caps.backorder_customer_groups
    return {**vars(caps), "backorder_customer_groups": None if groups is None else list(groups)}


@described(SETTINGS)
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
    backorder_lead_time_days: int | None
    low_stock_recipients: list[str] = strawberry.field(
        description="Addresses the low-stock email goes to; empty: none is sent."
    )
    customers_may_cancel_backorders: bool = strawberry.field(
        description="Whether customers may cancel their own units that still wait for stock."
    )
    backorder_customer_groups: list[str] | None
    max_backorder_quantity_per_order: int | None
    max_backorder_quantity_per_customer: int | None

    @classmethod
    def of(cls, config: StoreConfig) -> InventoryConfig:
        settings = config.stock_settings()
        return cls(
            **vars(settings),
            low_stock_recipients=list(config.low_stock_recipients),
            customers_may_cancel_backorders=config.customers_may_cancel_backorders,
            **_caps(config.cap_settings()),
        )


# The [admin] fields `Product.of` decides from the request's access instead of a permission class.
ADMIN_VALUES = ("quantity", "reserved_quantity", "backordered_quantity", "in_stock", "is_low_stock")


@strawberry.type(
    description="A product with its stock as a storefront reads it; [admin] fields need the admin token "
    "and are null with an UNAUTHENTICATED error without it."
)
class Product:
    """Built from a ProductView with every stock field computed once, so fields are plain reads.

    The [admin] stock fields are plain reads too, of values decided once per product from the request's
    access: for any other caller each holds the refusal, an exception that graphql-core raises where it
    finds one as a field's value (null and the error at that path, as a permission class gives), without
    the per-field resolver, Info and permission calls a permission class costs on every row.
    """

    view: strawberry.Private[ProductView]
    sku: str = strawberry.field(description="The product's unique stock keeping unit (1 to 64 characters).")
    name: str = strawberry.field(description="The name shoppers see, also used in notices and emails.")
    price: Decimal = strawberry.field(description="Unit price, 2 decimals.")
    stock_status: rules.StockStatus = strawberry.field(description="What a shopper can do with the product right now.")
    is_salable: bool = strawberry.field(description="Whether an order of at least one unit can be placed now.")
    salable_quantity: int | None = strawberry.field(
        description="How many more units can be sold. null means unlimited "
        "(stock not managed, or backorders with threshold 0 or above)."
    )
    only_x_left: int | None = strawberry.field(
        description="The salable quantity when it is above 0 and at or below onlyXLeftThreshold; else null."
    )
    quantity: int | None = strawberry.field(description="[admin] Units on hand.")
    reserved_quantity: int | None = strawberry.field(
        description="[admin] Units ordered and not yet shipped or cancelled."
    )
    backordered_quantity: int | None = strawberry.field(
        description="[admin] Ordered units that wait for stock (sum over open order lines)."
    )
    in_stock: bool | None = strawberry.field(
        description="[admin] The manual stock status flag; false makes the product OUT_OF_STOCK whatever its quantity.",
    )
    is_low_stock: bool | None = strawberry.field(
        description="[admin] Whether free units (on hand minus reserved) are at or below notifyForQuantityBelow.",
    )

    @strawberry.field(description="The notice a shopper ordering `quantity` units must see, or null when none is due.")
    def backorder_message(
        self,
        quantity: Annotated[
            int | None, strawberry.argument(description="Units the shopper would order; null means 1.")
        ] = 1,
    ) -> str | None:
        return self.view.decide(1 if quantity is None else quantity).notice

    @strawberry.field(
        permission_classes=ADMIN, description="[admin] One row per source holding or having held this product."
    )
    async def source_items(self, info: Info[Context, None]) -> list[SourceItem] | None:
        rows = await info.context.source_items_loader.load(self.view.product.id)
        return [SourceItem.of(row, self.view.settings) for row in rows]

    @strawberry.field(
        permission_classes=ADMIN, description="[admin] The product's effective stock settings, and which it overrides."
    )
    def stock_settings(self) -> StockSettings | None:
        product = self.view.product
        return StockSettings(
            **vars(self.view.settings),
            **_caps(self.view.caps),
            overridden=rules.overridden(product.overrides()) + rules.overridden_caps(product.cap_overrides()),
        )

    @strawberry.field(permission_classes=ADMIN, description="[admin] Who the product is bought from, or null.")
    async def supplier(self, info: Info[Context, None]) -> Supplier | None:
        supplier_id = self.view.product.supplier_id
        row = None if supplier_id is None else await info.context.suppliers_loader.load(supplier_id)
        return None if row is None else Supplier.of(row)

    @strawberry.field(description="What an order of `quantity` units would get now, with its expected ship date.")
    async def availability(
        self,
        info: Info[Context, None],
        quantity: Annotated[int | None, strawberry.argument(description="Units asked for; null means 1.")] = 1,
    ) -> dates.Availability:
        return await dates.availability(info, self.view, 1 if quantity is None else quantity)

    @strawberry.field(
        description="The earliest expected date of open incoming stock (a past date reads as today), or null."
    )
    async def next_restock_date(self, info: Info[Context, None]) -> date | None:
        return await dates.next_restock_date(info, self.view)

    @strawberry.field(description="The pre-order while the release date is ahead; null otherwise.")
    def preorder(self) -> Preorder | None:
        return Preorder.of(self.view)

    @strawberry.field(permission_classes=ADMIN, description="[admin] Units on open purchase orders not yet received.")
    async def incoming_quantity(self, info: Info[Context, None]) -> int | None:
        return await dates.incoming_quantity(info, self.view)

    @strawberry.field(
        description="Alternatives the merchant listed, in order; only salable ones (for this request's group and "
        "channel) unless onlyAvailable is false."
    )
    async def alternatives(
        self,
        info: Info[Context, None],
        only_available: Annotated[
            bool | None, strawberry.argument(description="false: every listed one; null or true: salable ones.")
        ] = True,
        first: Annotated[
            int | None,
            strawberry.argument(description="How many, 0 to 100, counted after the salable filter; null means 5."),
        ] = 5,
    ) -> list[Product]:
        view = self.view
        listed = await info.context.alternatives_loader.load(
            alternatives.Shelf(view.product.sku, view.stock_id, view.store)
        )
        picked = alternatives.pick(listed, only_available is not False, 5 if first is None else first)
        return [Product.of(v, info.context.access) for v in picked]

    @strawberry.field(permission_classes=ADMIN, description="[admin] Active back-in-stock alerts.")
    async def stock_alert_subscribers(self, info: Info[Context, None]) -> int | None:
        return await info.context.alert_counts_loader.load(self.view.product.id)

    @classmethod
    def of(cls, view: ProductView, access: Access) -> Product:
        product, available, counts = view.product, view.availability, view.counts
        if access.is_admin:
            admin: tuple[Any, ...] = (
                counts.held or 0,
                counts.reserved,
                available.backordered,
                counts.in_stock,
                view.is_low_stock,
            )
        else:
            admin = tuple(access.admin_refusal() for _ in ADMIN_VALUES)
        quantity, reserved, backordered, in_stock, low = admin
        return cls(
            view=view,
            sku=product.sku,
            name=product.name,
            price=product.price,
            stock_status=available.stock_status,
            is_salable=available.is_salable,
            salable_quantity=available.salable_quantity,
            only_x_left=available.only_x_left,
            quantity=quantity,
            reserved_quantity=reserved,
            backordered_quantity=backordered,
            in_stock=in_stock,
            is_low_stock=low,
        )


@strawberry.type(description="Where a page stands in a listing (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether more items follow the last one of this page (fetch them with after: endCursor)."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page: true when it was asked for `after` a cursor "
        "(items are never deleted, so the cursor's own item precedes it)."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of this page's first item, or null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of this page's last item, or null on an empty page."
    )

    @classmethod
    def of(cls, cursors: list[str], has_next_page: bool, after: str | None) -> PageInfo:
        return cls(
            has_next_page=has_next_page,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="A product and its cursor.")
class ProductEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to list the products after this one.")
    node: Product = strawberry.field(description="The product.")


@strawberry.type(description="One page of products, in creation order.")
class ProductConnection:
    edges: list[ProductEdge] = strawberry.field(description="The page's products, in creation order.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the whole listing.")
    total_count: int = strawberry.field(description="How many products match the filter, over all pages.")

    @classmethod
    def of(cls, page: Page, access: Access, *, after: str | None) -> ProductConnection:
        edges = [ProductEdge(cursor=encode_cursor(v.product.id), node=Product.of(v, access)) for v in page.views]
        return cls(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
            total_count=page.total_count or 0,  # None only when the query does not select it
        )
