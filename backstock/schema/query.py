"""The Query root: thin calls into resolvers, wrapped into contract types."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock.models import OutboxStatus
from backstock.resolvers import admin, catalog, checkout, orders, sources
from backstock.resolvers.groups import asserted_email
from backstock.resolvers.product_filter import ProductCriteria
from backstock.schema import dates
from backstock.schema.admin import OutboxMessage, StockMovement
from backstock.schema.catalog import InventoryConfig, Product, ProductConnection
from backstock.schema.context import Context
from backstock.schema.descriptions import Sku
from backstock.schema.inputs import ProductFilter, QuoteInput
from backstock.schema.inventory import Source, Stock
from backstock.schema.keys import KeyQuery
from backstock.schema.order_list import OrderListQuery
from backstock.schema.orders import Asked, Order, Quote, QuoteLine
from backstock.schema.permissions import ADMIN
from backstock.schema.purchasing import PurchasingQuery
from backstock.schema.reports import ReportQuery
from backstock.schema.selection import selects
from backstock.schema.webhooks import WebhookQuery

AppInfo = Info[Context, None]
CHANNEL = strawberry.argument(description='The sales channel whose stock answers; default "default".')
GROUP = strawberry.argument(
    description="The shopper's customer group (A-Z, 0-9, _; 1 to 32): every stock field is computed for it. "
    "Needs a STOREFRONT or ADMIN key (FORBIDDEN without); null: GUEST."
)


@strawberry.type(description="Catalog, quote and order reads for storefronts; operator reads need an ADMIN key.")
class Query(KeyQuery, WebhookQuery, OrderListQuery, PurchasingQuery, ReportQuery):
    @strawberry.field(description="A product by SKU, or null when there is none.")
    async def product(
        self,
        info: AppInfo,
        sku: Annotated[str, strawberry.argument(description="The product's SKU.")],
        channel: Annotated[str | None, CHANNEL] = None,
        customer_group: Annotated[str | None, GROUP] = None,
    ) -> Product | None:
        view = await catalog.find_product(sku, await info.context.store(customer_group), channel)
        return Product.of(view, info.context.access) if view else None

    @strawberry.field(description="The catalog, a page at a time, in creation order.")
    async def products(
        self,
        info: AppInfo,
        first: Annotated[
            int | None,
            strawberry.argument(
                description=f"Page size, 0 to {catalog.MAX_PAGE}; null means {catalog.DEFAULT_PAGE}. "
                "Outside the range: BAD_USER_INPUT."
            ),
        ] = catalog.DEFAULT_PAGE,
        after: Annotated[
            str | None,
            strawberry.argument(description="A cursor (an edge's cursor or pageInfo.endCursor): list what follows it."),
        ] = None,
        filter: Annotated[
            ProductFilter | None, strawberry.argument(description="Only the products that match it.")
        ] = None,
        channel: Annotated[str | None, CHANNEL] = None,
        customer_group: Annotated[str | None, GROUP] = None,
    ) -> ProductConnection:
        page = await catalog.list_products(
            await info.context.store(customer_group),
            catalog.DEFAULT_PAGE if first is None else first,
            after,
            (filter.criteria() if filter else ProductCriteria()).checked(info.context.access),
            channel,
            count=selects(info, "totalCount"),
        )
        return ProductConnection.of(page, info.context.access, after=after)

    @strawberry.field(description="Dry run of checkout: what each line would get, reserving nothing.")
    async def quote(
        self, info: AppInfo, input: Annotated[QuoteInput, strawberry.argument(description="The cart's lines.")]
    ) -> Quote:
        store = await info.context.store(input.customer_group)
        decisions = await checkout.quote(
            [(ln.sku, ln.quantity) for ln in input.lines],
            store,
            input.channel,
            asserted_email(info.context.access, input.customer_email, "customerEmail"),
        )
        when = await dates.quote_dates(info, decisions, input.channel)
        asked = Asked(input.channel, store)
        lines = [QuoteLine.of(d, w, asked) for d, w in zip(decisions, when, strict=True)]
        return Quote(lines=lines, is_orderable=all(d.error is None for d in decisions))

    @strawberry.field(
        description="With `email`, anyone holding the order's number and email may read it; without it, [admin]."
    )
    async def order(
        self,
        info: AppInfo,
        number: Annotated[str, strawberry.argument(description="The order's number.")],
        email: Annotated[
            str | None,
            strawberry.argument(
                description="The customer's email (any case); a wrong one answers null, as an unknown number does."
            ),
        ] = None,
    ) -> Order | None:
        found = await orders.find_order(number, email, info.context.access)
        return Order.of(found) if found else None

    @strawberry.field(permission_classes=ADMIN, description="[admin] Emails, newest first; filter by status.")
    async def outbox_messages(
        self,
        status: Annotated[
            OutboxStatus | None, strawberry.argument(description="Only emails in this status; null: all.")
        ] = None,
        first: Annotated[int, strawberry.argument(description=f"How many, 1 to {admin.MAX_ROWS}.")] = 50,
    ) -> list[OutboxMessage]:
        return [OutboxMessage.of(row) for row in await admin.outbox(status, first)]

    @strawberry.field(permission_classes=ADMIN, description="[admin] A product's stock ledger, newest first.")
    async def stock_movements(
        self,
        sku: Sku,
        since: Annotated[
            date | None, strawberry.argument(description="Only movements on or after this day (UTC).")
        ] = None,
        first: Annotated[int, strawberry.argument(description=f"How many, 1 to {admin.MAX_ROWS}.")] = 100,
    ) -> list[StockMovement]:
        return [StockMovement.of(row) for row in await admin.movements(sku, since, first)]

    @strawberry.field(permission_classes=ADMIN, description="[admin] The store-wide stock defaults.")
    async def inventory_config(self, info: AppInfo) -> InventoryConfig:
        return InventoryConfig.of(await info.context.store_config())

    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    async def sources(self) -> list[Source]:
        return [Source.of(row) for row in await sources.list_sources()]

    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    async def stocks(self) -> list[Stock]:
        return [Stock.of(record) for record in await sources.list_stocks()]
