"""Every row of a report as CSV, page after page: the one writer behind `backstock export-report` and
`GET /reports/<name>.csv`. The header is the report's GraphQL field names, `sku` in place of `product`."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from backstock import rules
from backstock.resolvers.reports.backorders import backorder_report
from backstock.resolvers.reports.base import ReportPage, check_days
from backstock.resolvers.reports.demand import demand_report
from backstock.resolvers.reports.lowstock import low_stock_report

PAGE = rules.MAX_REPORT_FIRST
Fetch = Callable[[str | None], Any]


# Each report's CSV columns as (header, row attribute).
EXPORTS: dict[str, Sequence[tuple[str, str]]] = {
    "backorders": [
        ("sku", "sku"),
        ("backorderedQuantity", "backordered_quantity"),
        ("openOrders", "open_orders"),
        ("oldestOrderAt", "oldest_order_at"),
        ("incomingQuantity", "incoming_quantity"),
        ("nextRestockDate", "next_restock_date"),
        ("uncoveredQuantity", "uncovered_quantity"),
    ],
    "low-stock": [
        ("sku", "sku"),
        ("freeQuantity", "free_quantity"),
        ("notifyForQuantityBelow", "notify_for_quantity_below"),
    ],
    "demand": [
        ("sku", "sku"),
        ("soldQuantity", "sold_quantity"),
        ("dailyVelocity", "daily_velocity"),
        ("backorderedQuantity", "backordered_quantity"),
        ("stockAlertSubscribers", "stock_alert_subscribers"),
        ("daysOfCover", "days_of_cover"),
        ("suggestedReorderQuantity", "suggested_reorder_quantity"),
    ],
}


def _cell(value: object) -> object:
    """As the GraphQL answer writes it: Floats as floats, dates and times in ISO 8601, null as empty."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fetch(name: str, days: int, store: rules.StockSettings, today: date) -> Fetch:
    if name == "backorders":
        return lambda after: backorder_report(PAGE, after, None, today)
    if name == "low-stock":
        return lambda after: low_stock_report(PAGE, after, None, store)
    return lambda after: demand_report(days, PAGE, after, None)


async def csv_chunks(name: str, days: int, store: rules.StockSettings, today: date) -> AsyncIterator[str]:
    """The header, then one chunk of CSV per page of `PAGE` rows, in the report's order (default stock).

    A bad `days` is refused (BAD_USER_INPUT) before the first chunk, so nothing half-written goes out:
    callers check it first with `check_days` to answer with an error instead of a stream.
    """
    check_days(days)
    columns = EXPORTS[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in columns])
    fetch = _fetch(name, days, store, today)
    after: str | None = None
    while True:
        page: ReportPage[Any] = await fetch(after)
        writer.writerows([_cell(getattr(row, attribute)) for _, attribute in columns] for row in page.rows)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if not page.has_next_page or not page.cursors:
            return
        after = page.cursors[-1]
