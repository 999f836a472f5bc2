"""Demand (DESIGN.md 7.4): units sold over the last `days` days, velocity, cover and what to reorder,
suggestion desc, then SKU.

The row values come from `rules.reports.demand`. Sorting and paging 100,000 products by their
suggestion must happen in the database, so the statement also computes the suggestion, with the
same integer arithmetic as `rules.suggested_reorder_quantity` (ceil(sold x lead / days) as
(sold x lead + days - 1) / days, exact on integers); the page is then sorted by the rule's value
and tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from backstock import rules
from backstock.models import StockAlertStatus
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.reports.base import ReportPage, Sql, check_days, check_first, incoming_cte, page
from backstock.rules import reports as rule

KIND = "demandReport"


@dataclass(frozen=True)
class DemandReportRow:
    product_id: int
    sku: str
    sold_quantity: int
    daily_velocity: Fraction
    backordered_quantity: int
    stock_alert_subscribers: int
    days_of_cover: Fraction | None
    suggested_reorder_quantity: int


def _positive(expression: str) -> str:
    return f"CASE WHEN {expression} > 0 THEN {expression} ELSE 0 END"


def sold_ctes(sql: Sql, stock_id: int, since: datetime) -> list[str]:
    """Units ordered and cancelled per product in orders created since `since`, in two parts: `sold`,
    whole UTC days from the daily counts the database keeps (`report_sales`, migration 0016), read in
    its key order so it groups as it reads; `partial`, the lines of the orders of the window's partial
    first day, [since, the next midnight), read through the orders' `created_at` index, so the window
    is exactly `since` onwards however many lines it holds (`+ 0` keeps SQLite, which has no
    statistics, from reading every line of the stock through the line's stock index instead).
    `since` goes to the driver as a datetime: tortoise's sqlite adapter writes it as it stores the column
    (ISO text in UTC).
    """
    midnight = datetime.combine(since.date() + timedelta(days=1), time(), UTC)
    first_day: date | str = midnight.date() if sql.postgres else midnight.date().isoformat()
    return [
        'sold AS (SELECT "product_id", SUM("ordered") AS ordered, SUM("cancelled") AS cancelled '  # noqa: S608
        f'FROM "report_sales" WHERE "stock_id" = {sql(stock_id)} AND "day" >= {sql(first_day)} GROUP BY "product_id")',
        'partial AS MATERIALIZED (SELECT ol."product_id", SUM(ol."ordered") AS ordered, '  # noqa: S608
        'SUM(ol."cancelled") AS cancelled FROM "order_line" ol '
        f'WHERE ol."stock_id" + 0 = {sql(stock_id)} AND ol."order_id" IN (SELECT o."id" FROM "sales_order" o '
        f'WHERE o."created_at" >= {sql(since)} AND o."created_at" < {sql(midnight)}) GROUP BY ol."product_id")',
    ]


def candidates(sql: Sql, stock_id: int, since: datetime) -> list[str]:
    """The per-product values `rule.DemandInput` holds, and the active back-in-stock alerts, for the
    report's rows: products ordered in the window, waiting, or watched by an active alert.

    Every product has a stock item in every stock, so the rows start from the stock's items, a table
    with statistics, and meet each per-product count by key: PostgreSQL then hashes each once
    (grouping candidates from a union first, it misjudged their number and looked each up 100,000
    times: 1.3 s at 100,000 products). Units on hand and waiting are the ones the database keeps per
    (stock, product) (`stock_on_hand`, `report_waiting`); alerts are per product, not per stock.
    """
    ordered = "COALESCE(s.ordered, 0) + COALESCE(pa.ordered, 0)"
    return [
        incoming_cte(sql, stock_id),
        *sold_ctes(sql, stock_id, since),
        'alerts AS MATERIALIZED (SELECT "product_id", COUNT(*) AS subscribers FROM "stock_alert" '  # noqa: S608
        f'WHERE "status" = {sql(StockAlertStatus.ACTIVE.value)} GROUP BY "product_id")',
        f'inputs AS (SELECT p."id", p."sku", {ordered} AS ordered, '  # noqa: S608
        'COALESCE(s.cancelled, 0) + COALESCE(pa.cancelled, 0) AS cancelled, COALESCE(w."units", 0) AS waiting, '
        'COALESCE(a.subscribers, 0) AS subscribers, COALESCE(h."on_hand", 0) - st."reserved" AS free, '
        'COALESCE(i.incoming, 0) AS incoming, sup."lead_time_days" AS lead_time_days, sup."code" AS supplier '
        'FROM "stock_item" st JOIN "product" p ON p."id" = st."product_id" '
        'LEFT JOIN sold s ON s."product_id" = st."product_id" '
        'LEFT JOIN partial pa ON pa."product_id" = st."product_id" '
        'LEFT JOIN "report_waiting" w ON w."stock_id" = st."stock_id" AND w."product_id" = st."product_id" '
        'LEFT JOIN alerts a ON a."product_id" = st."product_id" '
        'LEFT JOIN "stock_on_hand" h ON h."stock_id" = st."stock_id" AND h."product_id" = st."product_id" '
        'LEFT JOIN incoming i ON i."product_id" = st."product_id" '
        'LEFT JOIN "supplier" sup ON sup."id" = p."supplier_id" '
        f'WHERE st."stock_id" = {sql(stock_id)} AND ({ordered} > 0 OR w."units" > 0 OR a.subscribers > 0))',
    ]


def suggestion(sql: Sql, days: int) -> str:
    """`rules.suggested_reorder_quantity` on the columns of `inputs`, for the ORDER BY (see the module docstring).

    The lead time's demand is a column of an inner SELECT so each placeholder appears once.
    """
    lead_demand = f"((ordered - cancelled) * COALESCE(lead_time_days, 0) + {sql(days)} - 1) / {sql(days)}"
    uncovered = _positive("waiting - incoming")
    unpromised = _positive("incoming - waiting")
    total = f"(lead_demand + {uncovered} - {_positive('free')} - {unpromised})"
    inner = f"SELECT *, {lead_demand} AS lead_demand FROM inputs"  # noqa: S608
    return f"SELECT *, {_positive(total)} AS suggestion FROM ({inner}) d"  # noqa: S608


def demand_input(found: dict[str, Any]) -> rule.DemandInput:
    lead = found["lead_time_days"]
    return rule.DemandInput(
        sku=str(found["sku"]),
        ordered=int(found["ordered"]),
        cancelled=int(found["cancelled"]),
        free=int(found["free"]),
        waiting=int(found["waiting"]),
        incoming=int(found["incoming"]),
        lead_time_days=None if lead is None else int(lead),
    )


def _row(found: dict[str, Any], days: int) -> DemandReportRow:
    given = demand_input(found)
    computed = rule.demand(given, days)
    return DemandReportRow(
        product_id=int(found["id"]),
        sku=computed.sku,
        sold_quantity=computed.sold_quantity,
        daily_velocity=computed.daily_velocity,
        backordered_quantity=given.waiting,
        stock_alert_subscribers=int(found["subscribers"]),
        days_of_cover=computed.days_of_cover,
        suggested_reorder_quantity=computed.suggested_reorder_quantity,
    )


async def demand_report(days: int, first: int, after: str | None, channel: str | None) -> ReportPage[DemandReportRow]:
    """One statement whatever the catalog size; the window is the last `days` x 24 h."""
    check_days(days)
    check_first(first)
    stock_id = await stock_of_channel(channel)
    sql = Sql()
    ctes = candidates(sql, stock_id, datetime.now(UTC) - timedelta(days=days))
    return await page(
        sql,
        stock_id,
        ctes,
        suggestion(sql, days),
        ("suggestion", True),
        KIND,
        first,
        after,
        lambda r: _row(r, days),
        rules.demand_report_key,
    )
