"""The projection and delay rules of DESIGN.md section 7.1, as tables and as properties."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import (
    BackorderMode,
    DateChange,
    Incoming,
    ProjectedLine,
    PurchaseOrderStatus,
    StockLevel,
    StockSettings,
    ToldLine,
    WaitingLine,
)

TODAY = date(2026, 11, 30)
OPEN, DRAFT, RECEIVED, CANCELED = (
    PurchaseOrderStatus.OPEN,
    PurchaseOrderStatus.DRAFT,
    PurchaseOrderStatus.RECEIVED,
    PurchaseOrderStatus.CANCELED,
)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def po(number: str, offset: int, units: int, status: PurchaseOrderStatus = OPEN) -> Incoming:
    return Incoming(number, day(offset), units, status)


def lines(*waiting: int) -> list[WaitingLine]:
    return [WaitingLine(i + 1, w) for i, w in enumerate(waiting)]


def dates(projection: rules.Projection) -> list[int | None]:
    """Each line's date as days after TODAY, so the tables read as offsets."""
    return [None if ln.expected_ship_date is None else (ln.expected_ship_date - TODAY).days for ln in projection.lines]


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

DELAYED, FIRST_DATE, UNCHANGED = DateChange.DELAYED, DateChange.FIRST_DATE, DateChange.UNCHANGED

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


# ---- properties -----------------------------------------------------------------------------------------------------

PROPERTIES = settings(max_examples=100, deadline=None)
statuses = st.sampled_from(list(PurchaseOrderStatus))
leads = st.none() | st.integers(0, 20)


@st.composite
def incoming_lists(draw: st.DrawFn) -> list[Incoming]:
    rows = draw(st.lists(st.tuples(st.integers(-10, 30), st.integers(0, 6), statuses), max_size=6))
    return [Incoming(f"PO-{i}", day(offset), units, status) for i, (offset, units, status) in enumerate(rows)]


waiting_lists = st.lists(st.integers(0, 6), max_size=8).map(lambda ws: lines(*ws))


def latest(when: date | None) -> date:
    """Unknown sorts after every date: no date is later than unknown."""
    return date.max if when is None else when


def open_count(incoming: list[Incoming]) -> int:
    return sum(1 for p in incoming if p.counts())


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.data())
def test_moving_a_purchase_order_later_never_moves_a_line_earlier(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None, data: st.DataObject
) -> None:
    if not incoming:
        return
    i = data.draw(st.integers(0, len(incoming) - 1))
    moved = list(incoming)
    moved[i] = dataclasses.replace(
        incoming[i], expected_date=incoming[i].expected_date + timedelta(data.draw(st.integers(1, 30)))
    )
    before = rules.project(waiting, incoming, TODAY, lead).lines
    after = rules.project(waiting, moved, TODAY, lead).lines
    assert all(latest(a.expected_ship_date) >= latest(b.expected_ship_date) for a, b in zip(after, before, strict=True))


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.data())
def test_adding_units_to_a_purchase_order_never_moves_a_line_later(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None, data: st.DataObject
) -> None:
    if not open_count(incoming):
        return
    i = data.draw(st.sampled_from([k for k, p in enumerate(incoming) if p.counts()]))
    grown = list(incoming)
    grown[i] = dataclasses.replace(incoming[i], units_due=incoming[i].units_due + data.draw(st.integers(1, 6)))
    before = rules.project(waiting, incoming, TODAY, lead).lines
    after = rules.project(waiting, grown, TODAY, lead).lines
    assert all(latest(a.expected_ship_date) <= latest(b.expected_ship_date) for a, b in zip(after, before, strict=True))


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.integers(-10, 30), st.integers(1, 6))
def test_a_new_purchase_order_never_moves_a_line_later(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None, offset: int, units: int
) -> None:
    """With a lead time, only a new order no later than the latest open one: a later one rightly moves the
    uncovered lines to its date (a newer customer order is never promised earlier than an older one)."""
    latest_open = max((p.counted_date(TODAY) for p in incoming if p.counts()), default=TODAY)
    new = po("NEW", offset, units)
    if lead is not None and new.counted_date(TODAY) > latest_open:
        return
    before = rules.project(waiting, incoming, TODAY, lead).lines
    after = rules.project(waiting, [*incoming, new], TODAY, lead).lines
    assert all(latest(a.expected_ship_date) <= latest(b.expected_ship_date) for a, b in zip(after, before, strict=True))


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads)
def test_dates_never_decrease_along_the_queue_and_never_precede_today(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None
) -> None:
    waiting_dates = [ln.expected_ship_date for ln in rules.project(waiting, incoming, TODAY, lead).lines if ln.waiting]
    keys = [latest(d) for d in waiting_dates]
    assert keys == sorted(keys)
    assert all(d >= TODAY for d in waiting_dates if d is not None)


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads)
def test_every_waiting_unit_is_covered_or_uncovered_never_both(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None
) -> None:
    projection = rules.project(waiting, incoming, TODAY, lead)
    total_waiting = sum(ln.waiting for ln in waiting)
    total_incoming = rules.incoming_quantity(incoming)
    assert all(0 <= ln.covered <= ln.waiting and ln.covered + ln.uncovered == ln.waiting for ln in projection.lines)
    covered = sum(ln.covered for ln in projection.lines)
    assert covered == min(total_waiting, total_incoming)
    assert projection.uncovered_quantity == total_waiting - covered
    assert sum(units for _, units in projection.free_incoming) == total_incoming - covered
    # Only the queue's last partly covered line may have both: every line before it is fully covered.
    first_short = next((k for k, ln in enumerate(projection.lines) if ln.uncovered), len(projection.lines))
    assert all(ln.covered == 0 for ln in projection.lines[first_short + 1 :])


@PROPERTIES
@given(waiting_lists, incoming_lists(), st.integers(0, 20))
def test_with_a_lead_time_uncovered_lines_are_never_earlier_than_covered_ones(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int
) -> None:
    projection = rules.project(waiting, incoming, TODAY, lead)
    covered = [ln.expected_ship_date for ln in projection.lines if ln.waiting and not ln.uncovered]
    uncovered = [ln.expected_ship_date for ln in projection.lines if ln.uncovered]
    assert all(u is not None and u == projection.uncovered_date for u in uncovered)
    assert all(u >= c for u in uncovered for c in covered if u is not None and c is not None)


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.integers(0, 8))
def test_a_request_gets_the_date_its_line_would_get_at_checkout(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None, backordered: int
) -> None:
    """Projected after every unit that already waits: the date the confirmation states is the one availability showed."""
    requested = rules.request_ship_date(rules.project(waiting, incoming, TODAY, lead), backordered)
    checked_out = rules.project([*waiting, WaitingLine(999, backordered)], incoming, TODAY, lead).lines[-1]
    assert requested == checked_out.expected_ship_date


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.randoms(use_true_random=False))
def test_the_input_order_of_purchase_orders_does_not_matter(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None, rnd: random.Random
) -> None:
    shuffled = list(incoming)
    rnd.shuffle(shuffled)
    assert rules.project(waiting, shuffled, TODAY, lead) == rules.project(waiting, incoming, TODAY, lead)


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads)
def test_next_restock_date_is_the_earliest_covering_date(
    waiting: list[WaitingLine], incoming: list[Incoming], lead: int | None
) -> None:
    restock = rules.next_restock_date(incoming, TODAY)
    covered = [
        ln.expected_ship_date
        for ln in rules.project(waiting, incoming, TODAY, lead).lines
        if ln.waiting and not ln.uncovered
    ]
    assert (restock is None) == (open_count(incoming) == 0)
    assert all(restock is not None and d is not None and restock <= d for d in covered)


told_dates = st.none() | st.integers(-5, 30).map(day)


@PROPERTIES
@given(waiting_lists, incoming_lists(), leads, st.lists(st.tuples(told_dates, st.booleans(), st.integers(1, 3))))
def test_delay_notices_follow_the_rule_and_are_sent_once(
    waiting: list[WaitingLine],
    incoming: list[Incoming],
    lead: int | None,
    promises: list[tuple[date | None, bool, int]],
) -> None:
    projected = rules.project(waiting, incoming, TODAY, lead).by_line()
    told = [
        ToldLine(order, ln.line_id, when, pushed) for ln, (when, pushed, order) in zip(waiting, promises, strict=False)
    ]
    notices = rules.order_notices(told, projected)
    assert len({(n.order_id, n.kind) for n in notices}) == len(notices)
    by_line = {ln.line_id: ln for ln in told}
    for notice in notices:
        for sent in notice.lines:
            line = by_line[sent.line_id]
            assert sent.expected_ship_date == projected[sent.line_id].expected_ship_date
            assert line.order_id == notice.order_id and projected[sent.line_id].waiting > 0
            if notice.kind is FIRST_DATE:
                assert line.told is None and sent.expected_ship_date is not None and not line.pushed_back_from_ready
            elif not line.pushed_back_from_ready:
                assert latest(sent.expected_ship_date) > latest(line.told)  # never for an earlier or the same date
    # What the emails state becomes the told date: deciding again on the same projection sends nothing.
    stated = {sent.line_id: sent.expected_ship_date for n in notices for sent in n.lines}
    retold = [ToldLine(ln.order_id, ln.line_id, stated.get(ln.line_id, ln.told)) for ln in told]
    assert rules.order_notices(retold, projected) == []
