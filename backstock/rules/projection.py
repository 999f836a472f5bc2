"""Incoming stock and expected dates (DESIGN.md section 7.1): the projection and the delay decision.

For ONE product in ONE stock: the units that wait for stock (open order lines, oldest order
first) are matched one by one to the units still due on OPEN purchase orders, earliest date
first. Everything here is plain values in, plain values out; "today" is always an argument.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from backstock.rules.settings import BackorderMode, SettingViolation, StockSettings
from backstock.rules.stock import LineDecision

UNKNOWN_DATE_TEXT = "unknown"


class PurchaseOrderStatus(StrEnum):
    """The contract's `PurchaseOrderStatus`: DRAFT → OPEN → RECEIVED, or CANCELED."""

    DRAFT = "DRAFT"
    OPEN = "OPEN"
    RECEIVED = "RECEIVED"
    CANCELED = "CANCELED"


@dataclass(frozen=True)
class Incoming:
    """One purchase order's line for this product: its units ordered and not yet received."""

    number: str
    expected_date: date
    units_due: int
    status: PurchaseOrderStatus

    def __post_init__(self) -> None:
        if self.units_due < 0:
            raise ValueError(f"purchase order {self.number!r}: units due must be 0 or more, got {self.units_due}")

    def counts(self) -> bool:
        """Only OPEN purchase orders count (a DRAFT counts for nothing); a line received in full leaves."""
        return self.status is PurchaseOrderStatus.OPEN and self.units_due > 0

    def counted_date(self, today: date) -> date:
        """An expectedDate in the past (a late delivery) counts as today, in the projection and nextRestockDate."""
        return max(self.expected_date, today)


@dataclass(frozen=True)
class WaitingLine:
    """An open order line of this product and its units still waiting for stock; lines come oldest order first."""

    line_id: int
    waiting: int

    def __post_init__(self) -> None:
        if self.waiting < 0:
            raise ValueError(f"order line {self.line_id}: waiting units must be 0 or more, got {self.waiting}")


@dataclass(frozen=True)
class ProjectedLine:
    """A waiting line's share of incoming stock; `expected_ship_date` is OrderLine.expectedShipDate (None: unknown)."""

    line_id: int
    waiting: int
    covered: int
    expected_ship_date: date | None

    @property
    def uncovered(self) -> int:
        return self.waiting - self.covered


@dataclass(frozen=True)
class Projection:
    """One product's projection: every waiting line's date, and the incoming units nobody waits for yet."""

    lines: tuple[ProjectedLine, ...]
    uncovered_date: date | None
    free_incoming: tuple[tuple[date, int], ...]

    @property
    def uncovered_quantity(self) -> int:
        """Waiting units no open purchase order covers: BackorderReportRow.uncoveredQuantity."""
        return sum(line.uncovered for line in self.lines)

    def by_line(self) -> dict[int, ProjectedLine]:
        """Lines by id; the wiring merges these over the products a change touched before `order_notices`."""
        return {line.line_id: line for line in self.lines}


def _add_days(today: date, days: int) -> date:
    """today + days, held at the calendar's last day: a 32-bit lead time must not crash a listing."""
    try:
        return today + timedelta(days=days)
    except OverflowError:
        return date.max


def uncovered_date(incoming: Iterable[Incoming], today: date, lead_time_days: int | None) -> date | None:
    """The date of waiting units no purchase order covers.

    With backorderLeadTimeDays set: the later of today + lead time and the latest date of the
    open purchase orders of the product, so a newer order is never promised an earlier date
    than an older one. Unset: None (unknown).
    """
    if lead_time_days is None:
        return None
    dates = [po.counted_date(today) for po in incoming if po.counts()]
    return max([_add_days(today, lead_time_days), *dates])


def project(
    waiting: Sequence[WaitingLine], incoming: Iterable[Incoming], today: date, lead_time_days: int | None
) -> Projection:
    """Matches waiting units one by one to incoming units sorted by (counted date, number).

    A line's expectedShipDate is the date of the incoming unit covering its LAST waiting unit;
    if that unit is uncovered, the uncovered date; a line with nothing waiting has None.
    Called once per product for OrderLine.expectedShipDate, Product.availability and quote lines.
    """
    pos = [po for po in incoming if po.counts()]
    slots = deque((po.counted_date(today), po.units_due) for po in sorted(pos, key=lambda po: _order_key(po, today)))
    late = uncovered_date(pos, today, lead_time_days)
    lines = tuple(_project_line(line, slots, late) for line in waiting)
    return Projection(lines, late, tuple(slots))


def _order_key(po: Incoming, today: date) -> tuple[date, str]:
    return po.counted_date(today), po.number


def _project_line(line: WaitingLine, slots: deque[tuple[date, int]], late: date | None) -> ProjectedLine:
    covered, last = _take(slots, line.waiting)
    when = last if covered == line.waiting else late  # nothing waiting: nothing taken, no date
    return ProjectedLine(line.line_id, line.waiting, covered, when)


def _take(slots: deque[tuple[date, int]], units: int) -> tuple[int, date | None]:
    """Takes up to `units` from the front of `slots` (in place): (units covered, date of the last one taken)."""
    covered, last = 0, None
    while covered < units and slots:
        when, left = slots.popleft()
        share = min(left, units - covered)
        covered, last = covered + share, when
        if share < left:
            slots.appendleft((when, left - share))
    return covered, last


def request_ship_date(projection: Projection, backordered: int) -> date | None:
    """The date of a new request's waiting units, projected after every unit that already waits.

    Called by `request_availability` (Product.availability, quote lines) and by checkout, whose
    new line is told this date by the confirmation (the same date its line then projects to).
    """
    if backordered <= 0:
        return None
    covered, last = _take(deque(projection.free_incoming), backordered)
    return last if covered == backordered else projection.uncovered_date


@dataclass(frozen=True)
class RequestAvailability:
    """The contract's `Availability`: what a request of q units would get now."""

    in_stock: int
    backordered: int
    expected_ship_date: date | None
    message: str | None


def request_availability(projection: Projection, decision: LineDecision) -> RequestAvailability:
    """Product.availability(quantity) and quote lines: the split of `decide_line`, the date of the projection.

    A request checkout would refuse gets 0 in stock, 0 waiting, a null date and a null message
    (a quote line carries the refusal itself, from `decision.error`).
    """
    if decision.error is not None:
        return RequestAvailability(0, 0, None, None)
    when = request_ship_date(projection, decision.backordered)
    return RequestAvailability(decision.in_stock, decision.backordered, when, decision.notice)


def next_restock_date(incoming: Iterable[Incoming], today: date) -> date | None:
    """Product.nextRestockDate and the backorder report: earliest date of open incoming stock, past dates as today."""
    return min((po.counted_date(today) for po in incoming if po.counts()), default=None)


def incoming_quantity(incoming: Iterable[Incoming]) -> int:
    """Product.incomingQuantity and the backorder report: units on open purchase orders not yet received."""
    return sum(po.units_due for po in incoming if po.counts())


def shopper_sees_dates(settings: StockSettings) -> bool:
    """Silent mode (ALLOW_QTY_BELOW_ZERO) shows shoppers no line dates and sends no date or delay email.

    The wiring sets `ToldLine.silent` from it (nextRestockDate stays public: it is not a backorder's date).
    """
    return settings.manage_stock and settings.backorders is BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY


def visible_date(expected: date | None, settings: StockSettings, admin: bool) -> date | None:
    """expectedShipDate of quote lines, order lines and availability: admins always see it, shoppers per mode."""
    return expected if admin or shopper_sees_dates(settings) else None


def date_text(expected: date | None) -> str:
    """How emails write a date: `YYYY-MM-DD`, or "unknown" (the confirmation states one or the other per line)."""
    return UNKNOWN_DATE_TEXT if expected is None else expected.isoformat()


def lead_time_violation(value: int | None) -> SettingViolation | None:
    """Saving backorderLeadTimeDays (store or product): null is allowed (unknown), else 0 or more."""
    if value is None or value >= 0:
        return None
    return SettingViolation("backorderLeadTimeDays", f"backorderLeadTimeDays must be 0 or more, got {value}")


class DateChange(StrEnum):
    """What a change does to one line's promise."""

    DELAYED = "DELAYED"  # a "backorder delayed" email
    FIRST_DATE = "FIRST_DATE"  # an "expected date" email
    UNCHANGED = "UNCHANGED"  # nothing sent; the told date stays


@dataclass(frozen=True)
class ToldLine:
    """What the customer was last told of one order line (by the confirmation or a later email).

    `told` None means told "unknown". `pushed_back_from_ready`: this change (a stock count or a
    shrinkage) pushed units of this line from ready back to waiting; the customer was never
    told a date for them. `silent`: the product is in silent mode (`not shopper_sees_dates`).
    """

    order_id: int
    line_id: int
    told: date | None
    pushed_back_from_ready: bool = False
    silent: bool = False


def date_change(line: ToldLine, projected: ProjectedLine | None) -> DateChange:
    """The delay rule for one line, given its projection after the change (None: the line no longer waits).

    - Nothing waits any more: nothing (the ready-to-ship email comes anyway). Silent mode: nothing.
    - Units pushed back from ready to waiting count as told today, so any date they get is a
      delay, and so is unknown.
    - Told unknown, now a date: the first date. Still unknown: nothing.
    - Told a date, now later or unknown: a delay. Earlier or the same: nothing.
    """
    if projected is None or projected.waiting == 0 or line.silent:
        return DateChange.UNCHANGED
    new = projected.expected_ship_date
    if line.pushed_back_from_ready:
        return DateChange.DELAYED
    if line.told is None:
        return DateChange.UNCHANGED if new is None else DateChange.FIRST_DATE
    return DateChange.DELAYED if new is None or new > line.told else DateChange.UNCHANGED


@dataclass(frozen=True)
class LineNotice:
    """A line an email names, with the date it states: the line's new told date (None: "unknown")."""

    line_id: int
    expected_ship_date: date | None


@dataclass(frozen=True)
class OrderNotice:
    """One email to one order's customer for one change: "backorder delayed" or "expected date"."""

    order_id: int
    kind: DateChange
    lines: tuple[LineNotice, ...]


def order_notices(told: Iterable[ToldLine], projected: Mapping[int, ProjectedLine]) -> list[OrderNotice]:
    """After a change (reschedule, cancelled purchase order, stock count, shrinkage, partial receipt):
    one email per order per kind, each naming its lines and their new dates, which the wiring
    stores as told dates in the same transaction. Lines whose date does not move later send nothing
    and keep their told date. Orders come in the order their first line came in.
    """
    grouped: dict[tuple[int, DateChange], list[LineNotice]] = {}
    for line in told:
        now = projected.get(line.line_id)
        change = date_change(line, now)
        if change is not DateChange.UNCHANGED and now is not None:
            notice = LineNotice(line.line_id, now.expected_ship_date)
            grouped.setdefault((line.order_id, change), []).append(notice)
    return [OrderNotice(order_id, kind, tuple(lines)) for (order_id, kind), lines in grouped.items()]
