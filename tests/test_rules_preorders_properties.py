"""The pre-order rules of DESIGN.md section 7.2 as properties: what holds for any product, cap and date."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import LineErrorCode, Preorder, ProductStock, StockLevel, StockSettings, StockStatus
from tests.preorder_rules import RELEASE, TODAY, levels, line, preorders, projections, quantity_settings


@settings(max_examples=200)
@given(
    st.builds(StockSettings, min_sale_quantity=st.integers(1, 4), quantity_increments=st.integers(1, 3)),
    st.integers(1, 40),
    st.lists(st.integers(-1, 15), max_size=30),
)
def test_a_preorder_never_accepts_more_than_its_cap(s: StockSettings, cap: int, requests: list[int]) -> None:
    preorder = Preorder(RELEASE, max_quantity=cap)
    p = ProductStock("SKU-1", "Bag", s, StockLevel(0, 0))
    for quantity in requests:
        decision = line(quantity, p, preorder)
        if decision.error is None:
            preorder = Preorder(RELEASE, cap, preordered_quantity=preorder.preordered_quantity + quantity)
    assert preorder.preordered_quantity <= cap


@settings(max_examples=200)
@given(quantity_settings, levels, preorders, st.booleans(), st.integers(-2, 40), projections)
def test_every_accepted_preorder_unit_waits(
    s: StockSettings, level: StockLevel, preorder: Preorder, group: bool, quantity: int, projected: date | None
) -> None:
    p = ProductStock("SKU-1", "Bag", s, level)
    decision = line(quantity, p, preorder, group, projected)
    if decision.error is None and rules.is_preorder_active(preorder, TODAY):
        assert (decision.in_stock, decision.backordered) == (0, quantity)
        assert decision.notice is not None
        if preorder.message is None:
            when = rules.preorder_ship_date(preorder.release_date, projected)
            assert decision.notice == f"Pre-order: ships from {when.isoformat()}."


@settings(max_examples=200)
@given(quantity_settings, levels, preorders, st.booleans())
def test_pre_order_status_always_means_orderable(
    s: StockSettings, level: StockLevel, preorder: Preorder, group: bool
) -> None:
    got = rules.preorder_availability(s, level, preorder, TODAY, group)
    p = ProductStock("SKU-1", "Bag", s, level)
    refused = line(s.min_sale_quantity, p, preorder, group).error
    if got.stock_status is StockStatus.PRE_ORDER:
        assert rules.is_preorder_active(preorder, TODAY)
        assert got.is_salable and got.salable_quantity != 0
        assert refused is None or refused.code is not LineErrorCode.OUT_OF_STOCK
        unit = ProductStock("SKU-1", "Bag", StockSettings(manage_stock=s.manage_stock), level)
        assert line(1, unit, preorder, group).error is None
    elif rules.is_preorder_active(preorder, TODAY):
        assert got == rules.Availability(False, StockStatus.OUT_OF_STOCK, 0, None, got.is_low_stock, got.backordered)
        assert refused is not None and refused.code is LineErrorCode.OUT_OF_STOCK


@settings(max_examples=200)
@given(quantity_settings, levels, preorders, st.booleans(), st.integers(-2, 40), projections)
def test_without_an_active_preorder_the_stock_rules_decide(
    s: StockSettings, level: StockLevel, preorder: Preorder, group: bool, quantity: int, projected: date | None
) -> None:
    if rules.is_preorder_active(preorder, TODAY):
        preorder = Preorder(TODAY, preorder.max_quantity, preorder.message, preorder.preordered_quantity)
    p = ProductStock("SKU-1", "Bag", s, level)
    assert rules.preorder_availability(s, level, preorder, TODAY, group) == rules.availability(s, level)
    assert line(quantity, p, preorder, group, projected) == rules.decide_line("SKU-1", quantity, p)


@settings(max_examples=200)
@given(st.dates(), projections)
def test_ship_date_is_never_before_release_or_projection(release: date, projected: date | None) -> None:
    got = rules.preorder_ship_date(release, projected)
    assert got >= release and (projected is None or got >= projected)
    assert got in (release, projected)


@settings(max_examples=200)
@given(levels, st.integers(0, 50), st.lists(st.integers(0, 10), max_size=10))
def test_release_hands_on_hand_units_out_up_to_the_eager_target(
    level: StockLevel, preordered: int, rooms: list[int]
) -> None:
    preordered = min(preordered, level.reserved)
    waiting = list(enumerate(rooms))
    plan = rules.release_allocation(level, preordered, waiting)
    released = rules.ready_target(level) - rules.held_ready_target(level, preordered)
    assert 0 <= released <= preordered
    assert sum(units for _, units in plan) == min(released, sum(rooms))
    assert all(0 < units <= dict(waiting)[key] for key, units in plan)
    assert [key for key, _ in plan] == sorted(key for key, _ in plan)
