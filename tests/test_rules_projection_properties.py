"""The projection and delay rules of DESIGN.md section 7.1 as properties: what holds for any queue and purchase orders."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import Incoming, PurchaseOrderStatus, ToldLine, WaitingLine
from tests.projection_rules import FIRST_DATE, TODAY, day, lines, po

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
