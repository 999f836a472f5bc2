"""The state stock events and back-in-stock alerts compare while a product holds a pre-order
(DESIGN.md 7.2 and 7.5): what a pre-order shows, and the events reaching or leaving its cap sends."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import Preorder, StockLevel, StockSettings, StockStatus
from tests.preorder_rules import RELEASE, TODAY, levels, preorders, quantity_settings

K = rules.StockEventKind
UNDER_CAP = Preorder(RELEASE, max_quantity=5, preordered_quantity=3)
AT_CAP = Preorder(RELEASE, max_quantity=5, preordered_quantity=5)
LEVEL = StockLevel(10, 3)


def state(
    preorder: Preorder | None, level: StockLevel = LEVEL, may_backorder: bool = True, **settings: object
) -> rules.StockState:
    return rules.preorder_stock_state(StockSettings(**settings), level, True, preorder, TODAY, may_backorder)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        pytest.param(state(UNDER_CAP), (StockStatus.PRE_ORDER, True, 2), id="under_the_cap_pre_order"),
        pytest.param(state(AT_CAP), (StockStatus.OUT_OF_STOCK, False, 0), id="at_the_cap_out_of_stock"),
        pytest.param(state(Preorder(RELEASE)), (StockStatus.PRE_ORDER, True, None), id="uncapped"),
        pytest.param(
            state(UNDER_CAP, StockLevel(10, 3, in_stock=False)),
            (StockStatus.OUT_OF_STOCK, False, 0),
            id="manual_flag_off",
        ),
        pytest.param(state(AT_CAP, manage_stock=False), (StockStatus.PRE_ORDER, True, None), id="unmanaged_no_cap"),
        pytest.param(
            state(UNDER_CAP, may_backorder=False), (StockStatus.OUT_OF_STOCK, False, 0), id="group_may_not_backorder"
        ),
        pytest.param(state(Preorder(TODAY, 5, None, 5)), (StockStatus.IN_STOCK, True, 7), id="released_normal_rules"),
        pytest.param(state(None, StockLevel(0, 0)), (StockStatus.OUT_OF_STOCK, False, 0), id="no_preorder"),
    ],
)
def test_preorder_stock_state(got: rules.StockState, expected: tuple[StockStatus, bool, int | None]) -> None:
    assert (got.stock_status, got.is_salable, got.salable_quantity) == expected


@pytest.mark.parametrize(
    ("before", "after", "kinds"),
    [
        pytest.param(state(UNDER_CAP), state(AT_CAP), [K.STOCK_CHANGED, K.OUT_OF_STOCK], id="checkout_reaches_cap"),
        pytest.param(state(AT_CAP), state(UNDER_CAP), [K.STOCK_CHANGED, K.BACK_IN_STOCK], id="cancel_frees_cap"),
        pytest.param(
            state(None, StockLevel(0, 0)),
            state(UNDER_CAP, StockLevel(0, 0)),
            [K.STOCK_CHANGED, K.BACK_IN_STOCK],
            id="set_on_an_unsalable_product",
        ),
        pytest.param(state(None), state(Preorder(RELEASE)), [K.STOCK_CHANGED], id="set_on_a_salable_product"),
        pytest.param(
            state(AT_CAP, StockLevel(10, 5)),
            state(None, StockLevel(10, 5)),
            [K.STOCK_CHANGED, K.BACK_IN_STOCK],
            id="end_at_cap_with_units_on_hand",
        ),
        pytest.param(state(AT_CAP, StockLevel(0, 5)), state(None, StockLevel(0, 5)), [], id="end_at_cap_none_on_hand"),
    ],
)
def test_preorder_stock_events(before: rules.StockState, after: rules.StockState, kinds: list[K]) -> None:
    assert rules.stock_event_kinds(before, after) == kinds


@settings(max_examples=200)
@given(quantity_settings, levels, preorders, st.booleans(), st.booleans())
def test_the_event_state_is_what_a_preorder_shows(
    s: StockSettings, level: StockLevel, preorder: Preorder, held: bool, may_backorder: bool
) -> None:
    got = rules.preorder_stock_state(s, level, held, preorder, TODAY, may_backorder)
    shown = rules.preorder_availability(s, level, preorder, TODAY, may_backorder)
    assert (got.stock_status, got.is_salable, got.salable_quantity) == (
        shown.stock_status,
        shown.is_salable,
        shown.salable_quantity,
    )
    assert got.is_low_stock == (held and shown.is_low_stock)
    if not rules.is_preorder_active(preorder, TODAY):
        assert got == rules.stock_state(s, level, held)


@settings(max_examples=200)
@given(quantity_settings, levels, st.integers(1, 40), st.integers(0, 40), st.integers(1, 10))
def test_reaching_the_cap_is_out_of_stock_and_leaving_it_back_in_stock(
    s: StockSettings, level: StockLevel, cap: int, preordered: int, placed: int
) -> None:
    if not (s.manage_stock and level.in_stock) or preordered >= cap:
        return
    under = rules.preorder_stock_state(s, level, True, Preorder(RELEASE, cap, None, preordered), TODAY, True)
    reached = rules.preorder_stock_state(s, level, True, Preorder(RELEASE, cap, None, preordered + placed), TODAY, True)
    assert K.OUT_OF_STOCK in rules.stock_event_kinds(under, reached) or preordered + placed < cap
    assert (K.BACK_IN_STOCK in rules.stock_event_kinds(reached, under)) == (preordered + placed >= cap)
