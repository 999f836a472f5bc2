"""The report sections of the dashboard: what a report hands the page, whichever report it is.

Each report (backorders, low stock, demand; backstock/resolvers/reports/) becomes one
`ReportSection` of its first SECTION_ROWS rows and a link to its CSV export; the template
`_report.html` draws any of them the same way. The rows are read by the same functions as the
GraphQL reports and the CSV exports, so the page, the API and the download always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from backstock.resolvers import config, projection, reports
from backstock.rules import DEMAND_WINDOW_DAYS
from backstock.settings import Settings
from backstock.web import exports

SECTION_ROWS = 20


@dataclass(frozen=True)
class ReportSection:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    """At most SECTION_ROWS rows, each with one value per column (shown as text, escaped)."""
    csv_url: str
    """The report's export, e.g. `/reports/backorders.csv`."""
    total: int | None = None
    """How many rows the whole report has, when the report counts them."""


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _decimal(value: Fraction | None, places: int) -> str | None:
    return None if value is None else f"{float(value):.{places}f}"


def _backorders(page: reports.ReportPage[reports.BackorderRow]) -> ReportSection:
    return ReportSection(
        title="Outstanding backorders",
        columns=["SKU", "Waiting", "Open orders", "Oldest order (UTC)", "Incoming", "Next restock", "Uncovered"],
        rows=[
            [
                row.sku,
                row.backordered_quantity,
                row.open_orders,
                _when(row.oldest_order_at),
                row.incoming_quantity,
                _day(row.next_restock_date),
                row.uncovered_quantity,
            ]
            for row in page.rows
        ],
        csv_url=exports.path("backorders"),
        total=page.total_count,
    )


def _low_stock(page: reports.ReportPage[reports.LowStockRow]) -> ReportSection:
    return ReportSection(
        title="Low stock",
        columns=["SKU", "Free", "Notify below"],
        rows=[[row.sku, row.free_quantity, row.notify_for_quantity_below] for row in page.rows],
        csv_url=exports.path("low-stock"),
        total=page.total_count,
    )


def _demand(page: reports.ReportPage[reports.DemandReportRow]) -> ReportSection:
    return ReportSection(
        title=f"Demand, last {DEMAND_WINDOW_DAYS} days",
        columns=["SKU", "Sold", "Per day", "Waiting", "Alerts", "Days of cover", "Reorder"],
        rows=[
            [
                row.sku,
                row.sold_quantity,
                _decimal(row.daily_velocity, 2),
                row.backordered_quantity,
                row.stock_alert_subscribers,
                _decimal(row.days_of_cover, 1),
                row.suggested_reorder_quantity,
            ]
            for row in page.rows
        ],
        csv_url=exports.path("demand"),
        total=page.total_count,
    )


async def report_sections(settings: Settings) -> list[ReportSection]:
    """The three reports of the default stock, in the order a merchant acts on them: what customers
    wait for, what runs out next, what to reorder. The demand window is the CSV link's default."""
    store = (await config.load_store_config()).stock_settings()
    today = projection.today(settings.timezone)
    return [
        _backorders(await reports.backorder_report(SECTION_ROWS, None, None, today)),
        _low_stock(await reports.low_stock_report(SECTION_ROWS, None, None, store)),
        _demand(await reports.demand_report(DEMAND_WINDOW_DAYS, SECTION_ROWS, None, None)),
    ]
