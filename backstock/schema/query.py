"""The Query root: thin calls into resolvers, wrapped into contract types."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from backstock.models import OutboxStatus
from backstock.resolvers import admin, catalog, checkout, orders
from backstock.schema.admin import OutboxMessage, StockMovement
from backstock.schema.catalog import InventoryConfig, Product, ProductConnection
from backstock.schema.context import Context
from backstock.schema.inputs import ProductFilter, QuoteInput
from backstock.schema.keys import KeyQuery
from backstock.schema.order_list import OrderListQuery
from backstock.schema.orders import Order, Quote, QuoteLine
from backstock.schema.permissions import ADMIN
from backstock.schema.webhooks import WebhookQuery

AppInfo = Info[Context, None]


@strawberry.type
class Query(KeyQuery, WebhookQuery, OrderListQuery):
    @strawberry.field
    async def product(self, info: AppInfo, sku: str) -> Product | None:
        view = await catalog.find_product(sku, await info.context.store())
        return Product.of(view) if view else None

    @strawberry.field
    async def products(
        self, info: AppInfo, first: int = 20, after: str | None = None, filter: ProductFilter | None = None
    ) -> ProductConnection:
        page = await catalog.list_products(
            await info.context.store(),
            first,
            after,
            filter.skus if filter else None,
            filter.stock_status if filter else None,
        )
        return ProductConnection.of(page)

    @strawberry.field(description="Dry run of checkout: what each line would get, reserving nothing.")
    async def quote(self, info: AppInfo, input: QuoteInput) -> Quote:
        decisions = await checkout.quote([(ln.sku, ln.quantity) for ln in input.lines], await info.context.store())
        return Quote(lines=[QuoteLine.of(d) for d in decisions], is_orderable=all(d.error is None for d in decisions))

    @strawberry.field(
        description="With `email`, anyone holding the order's number and email may read it; without it, [admin]."
    )
    async def order(self, info: AppInfo, number: str, email: str | None = None) -> Order | None:
        found = await orders.find_order(number, email, info.context.access)
        return Order.of(found) if found else None

    @strawberry.field(permission_classes=ADMIN, description="[admin] Emails, newest first; filter by status.")
    async def outbox_messages(self, status: OutboxStatus | None = None, first: int = 50) -> list[OutboxMessage]:
        return [OutboxMessage.of(row) for row in await admin.outbox(status, first)]

    @strawberry.field(permission_classes=ADMIN, description="[admin] A product's stock ledger, newest first.")
    async def stock_movements(self, sku: str, since: date | None = None, first: int = 100) -> list[StockMovement]:
        return [StockMovement.of(row) for row in await admin.movements(sku, since, first)]

    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    async def inventory_config(self, info: AppInfo) -> InventoryConfig:
        return InventoryConfig.of(await info.context.store_config())
