"""Which stock events a change sends: tables from DESIGN.md 7.5, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import StockEventKind as K
from backstock.rules import StockStatus as S

IN = rules.StockState(S.IN_STOCK, True, 5, False)


@pytest.mark.parametrize(
    ("after", "kinds"),
    [
        (IN, []),
        (rules.StockState(S.IN_STOCK, True, 4, False), [K.STOCK_CHANGED]),
        (rules.StockState(S.BACKORDER, True, 5, False), [K.STOCK_CHANGED]),
        (rules.StockState(S.OUT_OF_STOCK, False, 0, False), [K.STOCK_CHANGED, K.OUT_OF_STOCK]),
        (rules.StockState(S.OUT_OF_STOCK, False, 0, True), [K.STOCK_CHANGED, K.OUT_OF_STOCK, K.LOW_STOCK]),
        (rules.StockState(S.IN_STOCK, True, 1, True), [K.STOCK_CHANGED, K.LOW_STOCK]),
        (rules.StockState(S.IN_STOCK, True, None, False), [K.STOCK_CHANGED]),
    ],
)
def test_kinds_from_in_stock(after: rules.StockState, kinds: list[rules.StockEventKind]) -> None:
    assert rules.stock_event_kinds(IN, after) == kinds


def test_back_in_stock_and_rising_above_low_stock() -> None:
    out = rules.StockState(S.OUT_OF_STOCK, False, 0, True)
    assert rules.stock_event_kinds(out, IN) == [K.STOCK_CHANGED, K.BACK_IN_STOCK]


def test_low_stock_alone_for_an_unlimited_product() -> None:
    """Backorders with a threshold of 0: the salable quantity stays unlimited, free units still run low."""
    before = rules.StockState(S.IN_STOCK, True, None, False)
    assert rules.stock_event_kinds(before, rules.StockState(S.IN_STOCK, True, None, True)) == [K.LOW_STOCK]


def test_a_stock_without_an_item_of_the_product_never_runs_low() -> None:
    settings = rules.StockSettings()
    assert not rules.stock_state(settings, rules.StockLevel(0, 0), held=False).is_low_stock
    assert rules.stock_state(settings, rules.StockLevel(0, 0), held=True).is_low_stock


settings = st.builds(
    rules.StockSettings,
    manage_stock=st.booleans(),
    backorders=st.sampled_from(list(rules.BackorderMode)),
    out_of_stock_threshold=st.integers(-5, 5),
    notify_for_quantity_below=st.integers(0, 5),
)
levels = st.builds(rules.StockLevel, st.integers(0, 10), st.integers(0, 10), st.booleans())


@given(settings, levels, levels, st.booleans())
def test_a_crossing_always_comes_with_its_stock_change(
    s: rules.StockSettings, before: rules.StockLevel, after: rules.StockLevel, held: bool
) -> None:
    kinds = rules.stock_event_kinds(rules.stock_state(s, before, held), rules.stock_state(s, after, held))
    assert len(kinds) == len(set(kinds))
    if K.OUT_OF_STOCK in kinds or K.BACK_IN_STOCK in kinds:
        assert kinds[0] is K.STOCK_CHANGED and not {K.OUT_OF_STOCK, K.BACK_IN_STOCK} <= set(kinds)
    assert rules.stock_event_kinds(rules.stock_state(s, before, held), rules.stock_state(s, before, held)) == []
