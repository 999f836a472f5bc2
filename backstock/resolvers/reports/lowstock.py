"""Low stock (DESIGN.md 7.4): exactly the products whose `isLowStock` holds, free units asc, then SKU.

The filter is `rules.is_low_stock` (stock managed and free ≤ notifyForQuantityBelow, only where the
stock has an item of the product) written in SQL with the store defaults as parameters: a rule
evaluated per product in Python would read every row of a 100,000-product catalog for one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backstock import rules
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.reports.base import ReportPage, Sql, check_first, held_cte, page

KIND = "lowStockReport"


@dataclass(frozen=True)
class LowStockRow:
    product_id: int
    sku: str
    free_quantity: int
    notify_for_quantity_below: int


def _row(found: dict[str, Any]) -> LowStockRow:
    return LowStockRow(int(found["id"]), str(found["sku"]), int(found["free"]), int(found["threshold"]))


async def low_stock_report(
    first: int, after: str | None, channel: str | None, store: rules.StockSettings
) -> ReportPage[LowStockRow]:
    """One statement whatever the catalog size; `store` holds the defaults a product without an override follows."""
    check_first(first)
    stock_id = await stock_of_channel(channel)
    sql = Sql()
    held = held_cte(sql, stock_id)
    threshold = f'COALESCE(p."notify_for_quantity_below", {sql(store.notify_for_quantity_below)})'
    free = 'h.on_hand - COALESCE(st."reserved", 0)'
    report = (
        f'SELECT p."id", p."sku", {free} AS free, {threshold} AS threshold '  # noqa: S608
        'FROM held h JOIN "product" p ON p."id" = h."product_id" '
        f'LEFT JOIN "stock_item" st ON st."product_id" = p."id" AND st."stock_id" = {sql(stock_id)} '
        f'WHERE COALESCE(p."manage_stock", {sql(store.manage_stock)}) '
        f'AND {free} <= COALESCE(p."notify_for_quantity_below", {sql(store.notify_for_quantity_below)})'
    )
    return await page(
        sql, stock_id, [held], report, ("free", False), KIND, first, after, _row, rules.low_stock_report_key
    )
