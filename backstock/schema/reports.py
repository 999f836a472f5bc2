"""The report types and queries (DESIGN.md 7.4), mixed into Query; the rows come from `resolvers.reports`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from fractions import Fraction
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.types import Info

from backstock.resolvers import reports
from backstock.resolvers.catalog import ProductView
from backstock.resolvers.reports.base import product_views
from backstock.rules import DEMAND_WINDOW_DAYS, MAX_REPORT_FIRST
from backstock.schema.catalog import PageInfo, Product
from backstock.schema.context import Context
from backstock.schema.permissions import ADMIN

AppInfo = Info[Context, None]
DEFAULT_FIRST = 50
FIRST = strawberry.argument(
    description=f"Page size, 0 to {MAX_REPORT_FIRST}; else BAD_USER_INPUT. null: {DEFAULT_FIRST}."
)
AFTER = strawberry.argument(description="pageInfo.endCursor of the previous page: list what follows it.")
CHANNEL = strawberry.argument(description='The sales channel whose stock the report reads; default "default".')
Report = TypeVar("Report")


@strawberry.type(description="A product with units waiting for stock.")
class BackorderReportRow:
    product: Product = strawberry.field(description="The product, read in the report's channel.")
    backordered_quantity: int = strawberry.field(description="Units waiting for stock on open orders.")
    open_orders: int = strawberry.field(description="Open orders with at least one unit of the product waiting.")
    oldest_order_at: datetime | None = strawberry.field(description="When the oldest of those orders was placed.")
    incoming_quantity: int = strawberry.field(description="Units on open purchase orders not yet received.")
    next_restock_date: date | None = strawberry.field(
        description="The earliest expected date of open purchase orders (a past date reads as today), or null."
    )
    uncovered_quantity: int = strawberry.field(description="Waiting units no open purchase order covers.")


@strawberry.type(description="A product whose free units are at or below its notifyForQuantityBelow.")
class LowStockReportRow:
    product: Product = strawberry.field(description="The product, read in the report's channel.")
    free_quantity: int = strawberry.field(description="Units on hand minus units reserved (below 0 when backordered).")
    notify_for_quantity_below: int = strawberry.field(description="The product's effective low-stock threshold.")


@strawberry.type(description="A product's demand over the report's window and what to reorder.")
class DemandReportRow:
    product: Product = strawberry.field(description="The product, read in the report's channel.")
    sold_quantity: int = strawberry.field(
        description="Units ordered in the report's window minus units of those orders cancelled."
    )
    daily_velocity: float = strawberry.field(description="soldQuantity / days.")
    backordered_quantity: int = strawberry.field(description="Units waiting for stock on open orders.")
    stock_alert_subscribers: int = strawberry.field(description="Active back-in-stock alerts of the product.")
    days_of_cover: float | None = strawberry.field(
        description="Days the free units last at the daily velocity; null when velocity is 0."
    )
    suggested_reorder_quantity: int = strawberry.field(
        description="What covers the supplier's lead time plus the uncovered backorders, minus what is on hand "
        "and incoming."
    )


@strawberry.type(description="Products with units waiting, most waiting units first, then SKU.")
class BackorderReport:
    rows: list[BackorderReportRow] = strawberry.field(description="This page's rows.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the whole report.")
    total_count: int = strawberry.field(description="Rows of every page together.")


@strawberry.type(description="Products with isLowStock, fewest free units first, then SKU.")
class LowStockReport:
    rows: list[LowStockReportRow] = strawberry.field(description="This page's rows.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the whole report.")
    total_count: int = strawberry.field(description="Rows of every page together.")


@strawberry.type(description="Products ordered in the window, waiting or watched, largest suggestion first, then SKU.")
class DemandReport:
    rows: list[DemandReportRow] = strawberry.field(description="This page's rows.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the whole report.")
    total_count: int = strawberry.field(description="Rows of every page together.")


async def _products(info: AppInfo, page: reports.ReportPage[Any]) -> dict[int, ProductView]:
    return await product_views(page, await info.context.store())


def _fields(row: object) -> dict[str, Any]:
    """A report row's own figures as GraphQL carries them: the product apart, fractions as Float."""
    return {
        name: float(value) if isinstance(value, Fraction) else value
        for name, value in vars(row).items()
        if name not in ("product_id", "sku")
    }


async def _report(
    info: AppInfo,
    page: reports.ReportPage[Any],
    after: str | None,
    report: Callable[..., Report],
    row: Callable[..., object],
) -> Report:
    """Every report answers the same way: its rows with their products read in the report's stock."""
    views = await _products(info, page)
    access = info.context.access
    rows = [row(product=Product.of(views[found.product_id], access), **_fields(found)) for found in page.rows]
    return report(rows=rows, page_info=_page_info(page, after), total_count=page.total_count)


def _first(first: int | None) -> int:
    return DEFAULT_FIRST if first is None else first


def _page_info(page: reports.ReportPage[Any], after: str | None) -> PageInfo:
    return PageInfo.of(page.cursors, page.has_next_page, after)


@strawberry.type
class ReportQuery:
    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    async def backorder_report(
        self,
        info: AppInfo,
        first: Annotated[int | None, FIRST] = DEFAULT_FIRST,
        after: Annotated[str | None, AFTER] = None,
        channel: Annotated[str | None, CHANNEL] = None,
    ) -> BackorderReport:
        page = await reports.backorder_report(_first(first), after, channel, info.context.today())
        return await _report(info, page, after, BackorderReport, BackorderReportRow)

    @strawberry.field(permission_classes=ADMIN, description="[admin]")
    async def low_stock_report(
        self,
        info: AppInfo,
        first: Annotated[int | None, FIRST] = DEFAULT_FIRST,
        after: Annotated[str | None, AFTER] = None,
        channel: Annotated[str | None, CHANNEL] = None,
    ) -> LowStockReport:
        store = await info.context.store()
        page = await reports.low_stock_report(_first(first), after, channel, store.settings)
        return await _report(info, page, after, LowStockReport, LowStockReportRow)

    @strawberry.field(permission_classes=ADMIN, description="[admin] Over the last `days` days.")
    async def demand_report(
        self,
        info: AppInfo,
        days: Annotated[
            int | None,
            strawberry.argument(
                description=f"The window in days, 1 to 365; else BAD_USER_INPUT. null: {DEMAND_WINDOW_DAYS}."
            ),
        ] = DEMAND_WINDOW_DAYS,
        first: Annotated[int | None, FIRST] = DEFAULT_FIRST,
        after: Annotated[str | None, AFTER] = None,
        channel: Annotated[str | None, CHANNEL] = None,
    ) -> DemandReport:
        page = await reports.demand_report(DEMAND_WINDOW_DAYS if days is None else days, _first(first), after, channel)
        return await _report(info, page, after, DemandReport, DemandReportRow)
