"""Outstanding backorders per product (DESIGN.md 7.4): waiting units desc, then SKU."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backstock import rules
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.reports.base import ReportPage, Sql, check_first, incoming_cte, instant, page, waiting_cte

KIND = "backorderReport"


@dataclass(frozen=True)
class BackorderRow:
    product_id: int
    sku: str
    backordered_quantity: int
    open_orders: int
    oldest_order_at: datetime | None
    incoming_quantity: int
    next_restock_date: date | None
    uncovered_quantity: int


def _row(found: dict[str, Any], today: date) -> BackorderRow:
    backordered, incoming = int(found["backordered"]), int(found["incoming"])
    next_date = found["next_date"]
    due = (
        [rules.Incoming(KIND, date.fromisoformat(str(next_date)), incoming, rules.PurchaseOrderStatus.OPEN)]
        if next_date is not None
        else []
    )
    return BackorderRow(
        product_id=int(found["id"]),
        sku=str(found["sku"]),
        backordered_quantity=backordered,
        open_orders=int(found["open_orders"]),
        oldest_order_at=instant(found["oldest"]),
        incoming_quantity=incoming,
        next_restock_date=rules.next_restock_date(due, today),
        uncovered_quantity=rules.uncovered_waiting_units(backordered, incoming),
    )


async def backorder_report(first: int, after: str | None, channel: str | None, today: date) -> ReportPage[BackorderRow]:
    """Products with units waiting in the channel's stock: one statement whatever the catalog size."""
    check_first(first)
    stock_id = await stock_of_channel(channel)
    sql = Sql()
    report = (
        'SELECT p."id", p."sku", w.backordered, w.open_orders, w.oldest, COALESCE(i.incoming, 0) AS incoming, '
        'i.next_date FROM waiting w JOIN "product" p ON p."id" = w."product_id" '
        'LEFT JOIN incoming i ON i."product_id" = w."product_id"'
    )
    return await page(
        sql,
        stock_id,
        [waiting_cte(sql, stock_id), incoming_cte(sql, stock_id)],
        report,
        ("backordered", True),
        KIND,
        first,
        after,
        lambda found: _row(found, today),
        rules.backorder_report_key,
    )
