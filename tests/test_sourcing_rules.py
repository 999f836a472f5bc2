"""Multi-source rules (DESIGN.md 7.6): a stock's numbers from its source items, and source selection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstock.rules import StockLevel, StockSettings
from backstock.rules.sourcing import Holding, is_source_low, select_sources, stock_level, units_held


@pytest.mark.parametrize(
    ("holdings", "level", "held"),
    [
        ([], StockLevel(0, 2, False), 0),
        ([Holding("a", 5)], StockLevel(5, 2, True), 5),
        ([Holding("a", 5, in_stock=False)], StockLevel(0, 2, False), 5),
        ([Holding("a", 5, enabled=False)], StockLevel(0, 2, False), 0),
        ([Holding("a", 0), Holding("b", 3, in_stock=False)], StockLevel(0, 2, True), 3),
        ([Holding("a", 4), Holding("b", 3), Holding("c", 9, enabled=False)], StockLevel(7, 2, True), 7),
    ],
)
def test_a_stocks_numbers(holdings: list[Holding], level: StockLevel, held: int) -> None:
    assert stock_level(holdings, 2) == level
    assert units_held(holdings) == held


@pytest.mark.parametrize(
    ("holdings", "units", "picks", "shortfall"),
    [
        ([Holding("a", 5), Holding("b", 5)], 3, [("a", 3)], 0),
        ([Holding("a", 2), Holding("b", 5)], 4, [("a", 2), ("b", 2)], 0),
        ([Holding("a", 0), Holding("b", 5)], 4, [("b", 4)], 0),
        ([Holding("a", 5, in_stock=False), Holding("b", 5)], 4, [("b", 4)], 0),
        ([Holding("a", 5, enabled=False), Holding("b", 1)], 4, [("b", 1)], 3),
        ([], 2, [], 2),
    ],
)
def test_source_priority(holdings: list[Holding], units: int, picks: list[tuple[str, int]], shortfall: int) -> None:
    selection = select_sources(holdings, units)
    assert (selection.picks, selection.shortfall) == (picks, shortfall)


holdings = st.lists(
    st.builds(Holding, st.text("abcdef", min_size=1, max_size=3), st.integers(0, 50), st.booleans(), st.booleans()),
    max_size=6,
    unique_by=lambda h: h.source,
)


@given(holdings, st.integers(0, 200))
def test_selection_never_takes_more_than_a_source_holds_nor_leaves_the_stock(hs: list[Holding], units: int) -> None:
    selection = select_sources(hs, units)
    by_source = {h.source: h for h in hs}
    for source, taken in selection.picks:
        assert source in by_source and by_source[source].usable
        assert 0 < taken <= by_source[source].quantity
    taken = sum(n for _, n in selection.picks)
    assert taken + selection.shortfall == units
    assert selection.shortfall == max(0, units - stock_level(hs, 0).on_hand)


@pytest.mark.parametrize(
    ("quantity", "own", "product", "low"),
    [(3, 3, 10, True), (4, 3, 10, False), (10, None, 10, True), (11, None, 10, False), (0, 0, 10, True)],
)
def test_a_source_item_is_low_at_or_below_its_own_threshold_else_the_products(
    quantity: int, own: int | None, product: int, low: bool
) -> None:
    assert is_source_low(quantity, own, StockSettings(notify_for_quantity_below=product)) is low
    assert is_source_low(quantity, own, StockSettings(manage_stock=False, notify_for_quantity_below=product)) is False
