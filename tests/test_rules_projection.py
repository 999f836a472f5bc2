"""The projection and delay rules of DESIGN.md section 7.1, as tables."""

from __future__ import annotations

from datetime import date

import pytest

from backstock import rules
from backstock.rules import (
    BackorderMode,
    DateChange,
    Incoming,
    ProjectedLine,
    StockLevel,
    StockSettings,
    ToldLine,
    WaitingLine,
)
from tests.projection_rules import (
    CANCELED,
    DELAYED,
    DRAFT,
    FIRST_DATE,
    RECEIVED,
    TODAY,
    UNCHANGED,
    dates,
    day,
    lines,
    po,
)

# ---- the projection -------------------------------------------------------------------------------------------------

PROJECTIONS = {
    "one purchase order covers the line": ([2], [po("A", 5, 10)], None, [5]),
    "the last waiting unit decides the date": ([5], [po("A", 5, 3), po("B", 9, 2)], None, [9]),
    "oldest order first": ([3, 3], [po("A", 5, 3), po("B", 9, 3)], None, [5, 9]),
    "purchase orders by date, not by input order": ([3, 3], [po("B", 9, 3), po("A", 5, 3)], None, [5, 9]),
    "purchase orders by date, not by number": ([3, 3], [po("A", 9, 3), po("Z", 5, 3)], None, [5, 9]),
    "same date: ties broken by number": ([3, 3], [po("B", 5, 3), po("A", 5, 3)], None, [5, 5]),
    "a past purchase order counts as today": ([2], [po("A", -4, 2)], None, [0]),
    "a past purchase order sorts as today": ([1, 1], [po("A", 2, 1), po("B", -9, 1)], None, [0, 2]),
    "a DRAFT counts for nothing": ([2], [po("A", 3, 5, DRAFT)], None, [None]),
    "a CANCELED one counts for nothing": ([2], [po("A", 3, 5, CANCELED)], None, [None]),
    "a RECEIVED one counts for nothing": ([2], [po("A", 3, 5, RECEIVED)], None, [None]),
    "uncovered, lead time unset: unknown": ([2, 2], [po("A", 3, 2)], None, [3, None]),
    "uncovered, lead time set: today + lead time": ([2], [], 7, [7]),
    "uncovered, lead time 0: today": ([2], [], 0, [0]),
    "uncovered, lead time set: the later of it and the latest open purchase order": (
        [2, 2],
        [po("A", 3, 2), po("B", 20, 0, DRAFT), po("C", 12, 0, CANCELED)],
        7,
        [3, 7],
    ),
    "uncovered, after the latest open purchase order's date": (
        [2, 2, 2],
        [po("A", 3, 2), po("B", 12, 1)],
        7,
        [3, 12, 12],
    ),
    "a line partly covered takes the uncovered date": ([1, 3], [po("A", 3, 2)], 1, [3, 3]),
    "a line partly covered, lead time unset: unknown": ([1, 3], [po("A", 3, 2)], None, [3, None]),
    "a line received in full leaves the projection": ([2], [po("A", 3, 2), po("B", 30, 0)], 1, [3]),
    "a line with nothing waiting has no date": ([0, 2, 0], [po("A", 3, 5)], 1, [None, 3, None]),
    "no waiting lines at all": ([], [po("A", 3, 5)], 1, []),
}


@pytest.mark.parametrize(("waiting", "incoming", "lead", "expected"), list(PROJECTIONS.values()), ids=list(PROJECTIONS))
def test_projection(waiting: list[int], incoming: list[Incoming], lead: int | None, expected: list[int | None]) -> None:
    assert dates(rules.project(lines(*waiting), incoming, TODAY, lead)) == expected


def test_projection_counts_covered_and_uncovered_units() -> None:
    projection = rules.project(lines(2, 3, 4), [po("A", 3, 4)], TODAY, None)
    assert [(ln.covered, ln.uncovered) for ln in projection.lines] == [(2, 0), (2, 1), (0, 4)]
    assert projection.uncovered_quantity == 5
    assert projection.by_line()[2] == ProjectedLine(2, 3, 2, None)


def test_a_newer_order_is_never_promised_an_earlier_date_than_an_older_one() -> None:
    """Why the latest purchase order bounds the uncovered date: without it, line 2 (day 7) would beat line 1 (day 12)."""
    projection = rules.project(lines(2, 2), [po("A", 12, 2)], TODAY, 7)
    assert dates(projection) == [12, 12]


def test_a_huge_lead_time_holds_at_the_last_day() -> None:
    assert rules.project(lines(1), [], TODAY, 2**31 - 1).lines[0].expected_ship_date == date.max


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="units due"):
        po("A", 1, -1)
    with pytest.raises(ValueError, match="waiting units"):
        WaitingLine(1, -1)


# ---- a new request, nextRestockDate, incomingQuantity ---------------------------------------------------------------

REQUESTS = {
    "after every unit that already waits": ([3], [po("A", 2, 3), po("B", 6, 5)], None, 2, 6),
    "its last unit decides": ([3], [po("A", 2, 4), po("B", 6, 5)], None, 2, 6),
    "covered by what is left of the first order": ([3], [po("A", 2, 5)], None, 2, 2),
    "uncovered, lead time unset: unknown": ([3], [po("A", 2, 4)], None, 2, None),
    "uncovered, lead time set: the later of it and the latest order": ([3], [po("A", 9, 4)], 3, 2, 9),
    "uncovered, nothing incoming: today + lead time": ([], [], 3, 2, 3),
    "nothing waits: no date": ([3], [po("A", 2, 4)], 3, 0, None),
}


@pytest.mark.parametrize(
    ("waiting", "incoming", "lead", "backordered", "expected"), list(REQUESTS.values()), ids=list(REQUESTS)
)
def test_request_ship_date(
    waiting: list[int], incoming: list[Incoming], lead: int | None, backordered: int, expected: int | None
) -> None:
    projection = rules.project(lines(*waiting), incoming, TODAY, lead)
    assert rules.request_ship_date(projection, backordered) == (None if expected is None else day(expected))


def product(on_hand: int, reserved: int, mode: BackorderMode, **settings: object) -> rules.ProductStock:
    stock = StockSettings(backorders=mode, **settings)  # type: ignore[arg-type]
    return rules.ProductStock("BAG-1", "Bag", stock, StockLevel(on_hand, reserved))


AVAILABILITY = {
    "all in stock: no date": (product(10, 0, BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY), 4, (4, 0, None, False)),
    "partly waiting: the date and the notice": (
        product(2, 0, BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY),
        4,
        (2, 2, 5, True),
    ),
    "silent mode: the date, no notice": (product(2, 0, BackorderMode.ALLOW_QTY_BELOW_ZERO), 4, (2, 2, 5, False)),
    "a request checkout would refuse: zeros and nulls": (
        product(2, 0, BackorderMode.NO_BACKORDERS),
        4,
        (0, 0, None, False),
    ),
    "refused by a quantity rule: zeros and nulls": (
        product(0, 0, BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY, min_sale_quantity=5),
        4,
        (0, 0, None, False),
    ),
}


@pytest.mark.parametrize(("stock", "quantity", "expected"), list(AVAILABILITY.values()), ids=list(AVAILABILITY))
def test_request_availability(
    stock: rules.ProductStock, quantity: int, expected: tuple[int, int, int | None, bool]
) -> None:
    projection = rules.project([], [po("A", 5, 10)], TODAY, None)
    got = rules.request_availability(projection, rules.decide_line(stock.sku, quantity, stock))
    in_stock, backordered, offset, notice = expected
    assert (got.in_stock, got.backordered) == (in_stock, backordered)
    assert got.expected_ship_date == (None if offset is None else day(offset))
    assert (got.message is not None) == notice


RESTOCK = {
    "none incoming": ([], None, 0),
    "the earliest open date": ([po("A", 9, 3), po("B", 4, 2)], 4, 5),
    "a past date counts as today": ([po("A", 9, 3), po("B", -3, 2)], 0, 5),
    "only OPEN counts": ([po("A", 2, 3, DRAFT), po("B", 3, 1, CANCELED), po("C", 1, 4, RECEIVED), po("D", 8, 2)], 8, 2),
    "a line received in full leaves": ([po("A", 2, 0), po("B", 8, 2)], 8, 2),
}


@pytest.mark.parametrize(("incoming", "restock", "quantity"), list(RESTOCK.values()), ids=list(RESTOCK))
def test_next_restock_date_and_incoming_quantity(incoming: list[Incoming], restock: int | None, quantity: int) -> None:
    assert rules.next_restock_date(incoming, TODAY) == (None if restock is None else day(restock))
    assert rules.incoming_quantity(incoming) == quantity


# ---- what shoppers see, what emails write, the setting --------------------------------------------------------------

VISIBLE = {
    "notify mode: shoppers see the date": (BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY, True, False, True),
    "silent mode: shoppers see no date": (BackorderMode.ALLOW_QTY_BELOW_ZERO, True, False, False),
    "silent mode: admins still see it": (BackorderMode.ALLOW_QTY_BELOW_ZERO, True, True, True),
    "stock not managed: never a backorder, no date": (
        BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY,
        False,
        False,
        False,
    ),
}


@pytest.mark.parametrize(("mode", "managed", "admin", "shown"), list(VISIBLE.values()), ids=list(VISIBLE))
def test_visible_date(mode: BackorderMode, managed: bool, admin: bool, shown: bool) -> None:
    assert rules.visible_date(day(3), StockSettings(manage_stock=managed, backorders=mode), admin) == (
        day(3) if shown else None
    )


def test_emails_write_dates_as_iso_or_unknown() -> None:
    assert rules.date_text(date(2026, 1, 5)) == "2026-01-05"
    assert rules.date_text(None) == "unknown"


@pytest.mark.parametrize(("value", "refused"), [(None, False), (0, False), (30, False), (-1, True)])
def test_lead_time_is_null_or_zero_or_more(value: int | None, refused: bool) -> None:
    violation = rules.lead_time_violation(value)
    assert (violation is not None) == refused
    if violation is not None:
        assert violation.field == "backorderLeadTimeDays"
        assert "got -1" in violation.message


# ---- promises and delays ---------------------------------------------------------------------------------------------


CHANGES = {
    "told a date, now later: delayed": (5, False, False, 3, 8, DELAYED),
    "told a date, now unknown: delayed": (5, False, False, 3, None, DELAYED),
    "told a date, now the same: nothing": (5, False, False, 3, 5, UNCHANGED),
    "told a date, now earlier: nothing": (5, False, False, 3, 2, UNCHANGED),
    "told unknown, now a date: the first date": (None, False, False, 3, 8, FIRST_DATE),
    "told unknown, still unknown: nothing": (None, False, False, 3, None, UNCHANGED),
    "pushed back from ready, any date: delayed": (None, True, False, 3, 8, DELAYED),
    "pushed back from ready, dated today: delayed": (None, True, False, 3, 0, DELAYED),
    "pushed back from ready, unknown: delayed": (None, True, False, 3, None, DELAYED),
    "pushed back beside a told date, earlier: delayed": (9, True, False, 3, 2, DELAYED),
    "nothing waits any more: nothing": (5, False, False, 0, None, UNCHANGED),
    "silent mode: no delay email": (5, False, True, 3, 8, UNCHANGED),
    "silent mode: no expected-date email": (None, False, True, 3, 8, UNCHANGED),
}


@pytest.mark.parametrize(
    ("told", "pushed_back", "silent", "waiting", "now", "change"), list(CHANGES.values()), ids=list(CHANGES)
)
def test_date_change(
    told: int | None, pushed_back: bool, silent: bool, waiting: int, now: int | None, change: DateChange
) -> None:
    line = ToldLine(1, 7, None if told is None else day(told), pushed_back, silent)
    projected = ProjectedLine(7, waiting, 0, None if now is None else day(now))
    assert rules.date_change(line, projected) == change


def test_a_line_gone_from_the_projection_sends_nothing() -> None:
    assert rules.date_change(ToldLine(1, 7, day(3)), None) == UNCHANGED


def test_one_email_per_order_per_change_with_each_line_and_its_new_date() -> None:
    told = [
        ToldLine(100, 1, day(3)),  # later: delayed
        ToldLine(200, 2, day(3)),  # earlier: nothing
        ToldLine(100, 3, day(4)),  # to unknown: delayed, same email as line 1
        ToldLine(100, 4, None),  # first date: its own "expected date" email
        ToldLine(300, 5, None, pushed_back_from_ready=True),  # pushed back: delayed
        ToldLine(400, 6, day(3)),  # ready now: nothing
    ]
    projected = {
        1: ProjectedLine(1, 2, 2, day(6)),
        2: ProjectedLine(2, 2, 2, day(1)),
        3: ProjectedLine(3, 2, 0, None),
        4: ProjectedLine(4, 1, 1, day(6)),
        5: ProjectedLine(5, 1, 1, day(6)),
        6: ProjectedLine(6, 0, 0, None),
    }
    assert rules.order_notices(told, projected) == [
        rules.OrderNotice(100, DELAYED, (rules.LineNotice(1, day(6)), rules.LineNotice(3, None))),
        rules.OrderNotice(100, FIRST_DATE, (rules.LineNotice(4, day(6)),)),
        rules.OrderNotice(300, DELAYED, (rules.LineNotice(5, day(6)),)),
    ]


def test_a_rescheduled_purchase_order_delays_every_order_it_covered() -> None:
    """From incoming rows to emails: the path the reschedule mutation takes."""
    waiting = lines(2, 2, 2)
    before = rules.project(waiting, [po("A", 3, 4), po("B", 9, 2)], TODAY, None)
    told = [ToldLine(10 + ln.line_id, ln.line_id, ln.expected_ship_date) for ln in before.lines]
    after = rules.project(waiting, [po("A", 11, 4), po("B", 9, 2)], TODAY, None)
    assert rules.order_notices(told, after.by_line()) == [
        rules.OrderNotice(11, DELAYED, (rules.LineNotice(1, day(9)),)),
        rules.OrderNotice(12, DELAYED, (rules.LineNotice(2, day(11)),)),
        rules.OrderNotice(13, DELAYED, (rules.LineNotice(3, day(11)),)),
    ]
