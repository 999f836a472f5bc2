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
from fractions import Fraction
from typing import Any

from backstock import rules
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.reports.base import ReportPage, Sql, check_days, check_first, page
from backstock.resolvers.reports.window import Window, window_of
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


def partial_cte(sql: Sql, stock_id: int, window: Window) -> str:
    """Units ordered and cancelled per product in the orders of the window's partial first day,
    [since, midnight), read from their lines through the orders' `created_at` index, so the
    window is exactly `since` onwards however many lines it holds (`+ 0` keeps SQLite, which has no
    statistics, from reading every line of the stock through the line's stock index instead).
    The instants go to the driver as datetimes: tortoise's sqlite adapter writes them as it stores the
    column (ISO text in UTC).
    """
    return (
        'partial AS MATERIALIZED (SELECT ol."product_id", SUM(ol."ordered") AS ordered, '  # noqa: S608
        'SUM(ol."cancelled") AS cancelled FROM "order_line" ol '
        f'WHERE ol."stock_id" + 0 = {sql(stock_id)} AND ol."order_id" IN (SELECT o."id" FROM "sales_order" o '
        f'WHERE o."created_at" >= {sql(window.since)} AND o."created_at" < {sql(window.midnight)}) '
        'GROUP BY ol."product_id")'
    )


KEPT_COLUMNS = (
    'k."product_id" AS "id", k."sku", k."waiting", k."subscribers", k."on_hand" - k."reserved" AS free, '
    'k."incoming", k."supplier_id"'
)


def _kept_with_sales(sql: Sql, stock_id: int, window: Window) -> str:
    """The stock's kept rows (`demand_inputs`, migration 0018) with their units ordered and cancelled
    in the window's whole days, one row per product: the sums kept beside them (migration 0020) when
    the database keeps this window, else the window's days of `report_sales` (migration 0016), which
    SQLite sums per row by key as it reads the rows in key order and PostgreSQL groups once and hashes
    into the rows (summed per row it sorted or looked up 100,000 times: 440 ms against 250 ms in
    `EXPLAIN ANALYZE`), where SQLite would index the grouped days again (0.22-0.27 s against 0.17-0.2 s)."""
    if window.kept:
        return (
            f'SELECT {KEPT_COLUMNS}, k."window_ordered" AS ordered, k."window_cancelled" AS cancelled '  # noqa: S608
            f'FROM "demand_inputs" k WHERE k."stock_id" = {sql(stock_id)}'
        )
    first_day = window.midnight.date()
    if sql.postgres:
        return (
            f"SELECT {KEPT_COLUMNS}, COALESCE(s.ordered, 0) AS ordered, COALESCE(s.cancelled, 0) AS cancelled "  # noqa: S608
            'FROM "demand_inputs" k LEFT JOIN (SELECT "product_id", SUM("ordered") AS ordered, '
            f'SUM("cancelled") AS cancelled FROM "report_sales" WHERE "stock_id" = {sql(stock_id)} '
            f'AND "day" >= {sql.day(first_day)} GROUP BY "product_id") s ON s."product_id" = k."product_id" '
            f'WHERE k."stock_id" = {sql(stock_id)}'
        )
    return (
        f'SELECT {KEPT_COLUMNS}, COALESCE(SUM(s."ordered"), 0) AS ordered, '  # noqa: S608
        'COALESCE(SUM(s."cancelled"), 0) AS cancelled '
        'FROM "demand_inputs" k LEFT JOIN "report_sales" s ON s."stock_id" = k."stock_id" '
        f'AND s."product_id" = k."product_id" AND s."day" >= {sql.day(first_day)} '
        f'WHERE k."stock_id" = {sql(stock_id)} GROUP BY k."stock_id", k."product_id"'
    )


def candidates(sql: Sql, stock_id: int, window: Window) -> list[str]:
    """The per-product values `rule.DemandInput` holds, the active back-in-stock alerts and the supplier's
    code, for the report's rows: products ordered in the window, waiting, or watched by an active alert.

    Everything but the window's sales is one narrow row per stock item the database keeps; the rows
    meet the window's whole days of sales (`_kept_with_sales`), the partial first day's lines
    (`partial_cte`) and the supplier (lead time and code).
    """
    partial = partial_cte(sql, stock_id, window)  # placeholders in the statement's order
    ordered = "g.ordered + COALESCE(pa.ordered, 0)"
    return [
        partial,
        f'inputs AS (SELECT g."id", g."sku", {ordered} AS ordered, '  # noqa: S608
        'g.cancelled + COALESCE(pa.cancelled, 0) AS cancelled, g."waiting", g."subscribers", g.free, g."incoming", '
        'sup."lead_time_days" AS lead_time_days, sup."code" AS supplier '
        f'FROM ({_kept_with_sales(sql, stock_id, window)}) g LEFT JOIN partial pa ON pa."product_id" = g."id" '
        'LEFT JOIN "supplier" sup ON sup."id" = g."supplier_id" '
        f'WHERE {ordered} > 0 OR g."waiting" > 0 OR g."subscribers" > 0)',
    ]


def count(sql: Sql, stock_id: int, window: Window) -> str:
    """The number of `inputs`' rows without meeting suppliers or computing suggestions. With the window's
    sums kept, one filter over the kept rows and the partial first day. Else without summing anyone's
    sales: the kept rows waiting or watched, then of the others those with a positive day in the window,
    then those with only a positive partial first day (units ordered are never negative, so a positive
    sum has a positive part). Each part is a filter and a semi- or anti-join on both databases, cheap
    where the first part holds most rows: as one OR, PostgreSQL estimated a subplan per row and
    JIT-compiled (330 ms for 100,000 rows).
    """
    if window.kept:
        return (
            'SELECT COUNT(*) AS total FROM "demand_inputs" k LEFT JOIN partial pa ON pa."product_id" = k."product_id" '  # noqa: S608
            f'WHERE k."stock_id" = {sql(stock_id)} '
            'AND (k."window_ordered" + COALESCE(pa.ordered, 0) > 0 OR k."waiting" > 0 OR k."subscribers" > 0)'
        )
    first_day = window.midnight.date()
    quiet = 'FROM "demand_inputs" k WHERE k."stock_id" = {} AND k."waiting" <= 0 AND k."subscribers" <= 0'
    day = (
        'SELECT 1 FROM "report_sales" s WHERE s."stock_id" = k."stock_id" AND s."product_id" = k."product_id" '
        'AND s."day" >= {} AND s."ordered" > 0'
    )
    return (
        f'SELECT (SELECT COUNT(*) FROM "demand_inputs" k WHERE k."stock_id" = {sql(stock_id)} '  # noqa: S608
        'AND (k."waiting" > 0 OR k."subscribers" > 0)) + '
        f"(SELECT COUNT(*) {quiet.format(sql(stock_id))} AND EXISTS ({day.format(sql.day(first_day))})) + "
        f"(SELECT COUNT(*) {quiet.format(sql(stock_id))} AND NOT EXISTS ({day.format(sql.day(first_day))}) "
        'AND EXISTS (SELECT 1 FROM partial pa WHERE pa."product_id" = k."product_id" AND pa.ordered > 0)) AS total'
    )


def suggestion(sql: Sql, days: int) -> str:
    """`rules.suggested_reorder_quantity` on the columns of `inputs`, for the ORDER BY (see the module docstring).

    Its uncovered waiting units less its unpromised incoming ones, max(0, w - i) - max(0, i - w), are
    w - i whatever their signs, so the statement computes max(0, lead demand + waiting - incoming - max(0, free)).
    The lead time's demand is a column of an inner SELECT so each placeholder appears once.
    """
    lead_demand = f"((ordered - cancelled) * COALESCE(lead_time_days, 0) + {sql(days)} - 1) / {sql(days)}"
    inner = f"SELECT *, {lead_demand} AS lead_demand FROM inputs"  # noqa: S608
    total = _positive(f"lead_demand + waiting - incoming - {_positive('free')}")
    return f"SELECT *, {total} AS suggestion FROM ({inner}) d"  # noqa: S608


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
    """One statement whatever the catalog size, after the window's first day is checked (`window_of`)."""
    check_days(days)
    check_first(first)
    stock_id = await stock_of_channel(channel)
    sql = Sql()
    span = await window_of(days)
    ctes = candidates(sql, stock_id, span)
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
        materialized=False,
        count=lambda: count(sql, stock_id, span),
    )
