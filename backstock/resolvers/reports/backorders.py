"""Outstanding backorders per product (DESIGN.md 7.4): waiting units desc, then SKU."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backstock import rules
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.reports.base import ReportPage, Sql, check_first, incoming_cte, instant, page

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
    """Products with units waiting in the channel's stock, read from the units the database keeps per
    product (`report_waiting`, migration 0016) through an index in the report's order, so the first
    page reads its own rows; open orders, the oldest order and incoming units for those rows only."""
    check_first(first)
    stock_id = await stock_of_channel(channel)
    sql = Sql()
    incoming = incoming_cte(sql, stock_id)
    report = (
        'SELECT w."product_id" AS "id", w."sku", w."units" AS backordered FROM "report_waiting" w '  # noqa: S608
        f'WHERE w."stock_id" = {sql(stock_id)} AND w."units" > 0'
    )

    def waiting(columns: str) -> str:
        return (
            f'(SELECT {columns} FROM "order_line" ol JOIN "sales_order" o ON o."id" = ol."order_id" '  # noqa: S608
            f'WHERE ol."stock_id" = {sql(stock_id)} AND ol."product_id" = r."id" '
            'AND ol."backordered" > 0 AND ol."stock_tracked")'
        )

    def details() -> str:
        return (
            f", {waiting('COUNT(DISTINCT ol.order_id)')} AS open_orders, {waiting('MIN(o.created_at)')} AS oldest, "  # noqa: S608
            'COALESCE((SELECT i.incoming FROM incoming i WHERE i."product_id" = r."id"), 0) AS incoming, '
            '(SELECT i.next_date FROM incoming i WHERE i."product_id" = r."id") AS next_date'
        )

    return await page(
        sql,
        stock_id,
        [incoming],
        report,
        ("backordered", True),
        KIND,
        first,
        after,
        lambda found: _row(found, today),
        rules.backorder_report_key,
        materialized=False,
        details=details,
    )
