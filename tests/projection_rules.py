"""The dates and builders that the projection rule tables and properties share."""

from __future__ import annotations

from datetime import date, timedelta

from backstock import rules
from backstock.rules import DateChange, Incoming, PurchaseOrderStatus, WaitingLine

TODAY = date(2026, 11, 30)
OPEN, DRAFT, RECEIVED, CANCELED = (
    PurchaseOrderStatus.OPEN,
    PurchaseOrderStatus.DRAFT,
    PurchaseOrderStatus.RECEIVED,
    PurchaseOrderStatus.CANCELED,
)
DELAYED, FIRST_DATE, UNCHANGED = DateChange.DELAYED, DateChange.FIRST_DATE, DateChange.UNCHANGED


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def po(number: str, offset: int, units: int, status: PurchaseOrderStatus = OPEN) -> Incoming:
    return Incoming(number, day(offset), units, status)


def lines(*waiting: int) -> list[WaitingLine]:
    return [WaitingLine(i + 1, w) for i, w in enumerate(waiting)]


def dates(projection: rules.Projection) -> list[int | None]:
    """Each line's date as days after TODAY, so the tables read as offsets."""
    return [None if ln.expected_ship_date is None else (ln.expected_ship_date - TODAY).days for ln in projection.lines]
