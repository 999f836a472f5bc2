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
from backstock.resolvers.reports.base import ReportPage, Sql, check_days, check_first, held_cte, incoming_cte, page
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


def sold_cte(sql: Sql, stock_id: int, since: datetime) -> str:
    """Units ordered and cancelled per product in orders created since `since`: whole UTC days from the
    daily counts the database keeps (`report_sales`, migration 0016), and the lines of the orders of
    the window's partial first day, [since, the next midnight), read through the orders' `created_at`
    index, so the window is exactly `since` onwards however many lines it holds (`+ 0` keeps SQLite, which
    has no statistics, from reading every line of the stock through the line's stock index instead).
    `since` goes to the driver as a datetime: tortoise's sqlite adapter writes it as it stores the column
    (ISO text in UTC).
    """
    midnight = datetime.combine(since.date() + timedelta(days=1), time(), UTC)
    first_day: date | str = midnight.date() if sql.postgres else midnight.date().isoformat()
    return (
        'sold AS (SELECT "product_id", SUM("ordered") AS ordered, SUM("cancelled") AS cancelled '  # noqa: S608
        'FROM (SELECT "product_id", "ordered", "cancelled" FROM "report_sales" '
        f'WHERE "stock_id" = {sql(stock_id)} AND "day" >= {sql(first_day)} '
        'UNION ALL SELECT ol."product_id", ol."ordered", ol."cancelled" FROM "order_line" ol '
        f'WHERE ol."stock_id" + 0 = {sql(stock_id)} AND ol."order_id" IN (SELECT o."id" FROM "sales_order" o '
        f'WHERE o."created_at" >= {sql(since)} AND o."created_at" < {sql(midnight)})) s '
        'GROUP BY "product_id" HAVING SUM("ordered") > 0)'
    )


def candidates(sql: Sql, stock_id: int, since: datetime) -> list[str]:
    """The per-product aggregates `rule.DemandInput` holds, and the active back-in-stock alerts, for
    the report's rows: products ordered in the window, waiting, or watched by an active alert.

    Units waiting are the ones the database keeps per product (`report_waiting`); alerts are per
    product, not per stock. The three come together in one grouped union (a join of each to the
    candidates would meet an unindexed intermediate table).
    """
    return [
        held_cte(sql, stock_id),
        incoming_cte(sql, stock_id),
        sold_cte(sql, stock_id, since),
        'facts AS (SELECT "product_id", SUM(ordered) AS ordered, SUM(cancelled) AS cancelled, '  # noqa: S608
        "SUM(waiting) AS waiting, SUM(subscribers) AS subscribers FROM ("
        "SELECT product_id, ordered, cancelled, 0 AS waiting, 0 AS subscribers FROM sold "
        'UNION ALL SELECT "product_id", 0, 0, "units", 0 FROM "report_waiting" '
        f'WHERE "stock_id" = {sql(stock_id)} AND "units" > 0 '
        'UNION ALL SELECT "product_id", 0, 0, 0, 1 FROM "stock_alert" '
        f'WHERE "status" = {sql(StockAlertStatus.ACTIVE.value)}'
        ') f GROUP BY "product_id")',
        'inputs AS (SELECT p."id", p."sku", f.ordered, f.cancelled, f.waiting, f.subscribers, '  # noqa: S608
        'COALESCE(h.on_hand, 0) - COALESCE(st."reserved", 0) AS free, '
        'COALESCE(i.incoming, 0) AS incoming, sup."lead_time_days" AS lead_time_days, sup."code" AS supplier '
        'FROM facts f JOIN "product" p ON p."id" = f."product_id" '
        'LEFT JOIN incoming i ON i."product_id" = p."id" LEFT JOIN held h ON h."product_id" = p."id" '
        f'LEFT JOIN "stock_item" st ON st."product_id" = p."id" AND st."stock_id" = {sql(stock_id)} '
        'LEFT JOIN "supplier" sup ON sup."id" = p."supplier_id")',
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
