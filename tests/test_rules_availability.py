"""`rules.availability` works the salable quantity out once per product: its figures must be the separate rules'."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import BackorderMode, StockLevel, StockSettings, StockStatus
from tests.test_rules import settings_strategy

SILENT, NOTIFY = BackorderMode.ALLOW_QTY_BELOW_ZERO, BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY


def separately(settings: StockSettings, level: StockLevel) -> rules.Availability:
    return rules.Availability(
        is_salable=rules.is_salable(settings, level),
        stock_status=rules.stock_status(settings, level),
        salable_quantity=rules.salable_quantity(settings, level),
        only_x_left=rules.only_x_left(settings, level),
        is_low_stock=rules.is_low_stock(settings, level),
        backordered=rules.backordered_total(level),
    )


@pytest.mark.parametrize(
    ("settings", "level", "expected"),
    [
        (StockSettings(only_x_left_threshold=5), StockLevel(8, 4), (True, StockStatus.IN_STOCK, 4, 4)),
        (StockSettings(), StockLevel(8, 8), (False, StockStatus.OUT_OF_STOCK, 0, None)),
        (StockSettings(), StockLevel(8, 0, in_stock=False), (False, StockStatus.OUT_OF_STOCK, 0, None)),
        (StockSettings(manage_stock=False), StockLevel(0, 3, in_stock=False), (True, StockStatus.IN_STOCK, None, None)),
        (StockSettings(backorders=NOTIFY), StockLevel(2, 5), (True, StockStatus.BACKORDER, None, None)),
        (StockSettings(backorders=SILENT), StockLevel(2, 5), (True, StockStatus.IN_STOCK, None, None)),
        (
            StockSettings(backorders=NOTIFY, out_of_stock_threshold=-10, only_x_left_threshold=5),
            StockLevel(0, 7),
            (True, StockStatus.BACKORDER, 3, 3),
        ),
        (
            StockSettings(backorders=SILENT, out_of_stock_threshold=-50),
            StockLevel(rules.MAX_INT, 0),
            (True, StockStatus.IN_STOCK, rules.MAX_INT, None),
        ),
    ],
)
def test_availability_table(
    settings: StockSettings, level: StockLevel, expected: tuple[bool, StockStatus, int | None, int | None]
) -> None:
    got = rules.availability(settings, level)
    assert (got.is_salable, got.stock_status, got.salable_quantity, got.only_x_left) == expected
    assert got == separately(settings, level)


@given(settings_strategy, st.builds(StockLevel, st.integers(0, 200), st.integers(0, 300), st.booleans()))
def test_availability_is_the_separate_rules(settings: StockSettings, level: StockLevel) -> None:
    assert rules.availability(settings, level) == separately(settings, level)
