"""The report sections of the dashboard: what a report hands the page, whichever report it is.

Each report (backorders, low stock, demand; backstock/resolvers/reports.py) becomes one
`ReportSection` of its first SECTION_ROWS rows and a link to its CSV export; the template
`_report.html` draws any of them the same way. `report_sections` is the one place to add them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


async def report_sections() -> list[ReportSection]:
    """The reports shown, in order. None yet: the reports module lands separately (issue 14), and
    each of its three reports is added here as one `ReportSection`."""
    return []
