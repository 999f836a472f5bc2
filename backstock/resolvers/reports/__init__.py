"""The merchant's reports (DESIGN.md 7.4): plain async functions returning plain rows and a page,
read alike by GraphQL, the CSV exports and the dashboard."""

from backstock.resolvers.reports.backorders import BackorderRow, backorder_report
from backstock.resolvers.reports.base import ReportPage
from backstock.resolvers.reports.demand import DemandReportRow, demand_report
from backstock.resolvers.reports.lowstock import LowStockRow, low_stock_report

__all__ = [
    "BackorderRow",
    "DemandReportRow",
    "LowStockRow",
    "ReportPage",
    "backorder_report",
    "demand_report",
    "low_stock_report",
]
