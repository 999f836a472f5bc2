"""The dates and builders that the pre-order rule tables and properties share."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from backstock import rules
from backstock.rules import BackorderMode, Preorder, ProductStock, StockLevel, StockSettings

TODAY = date(2026, 12, 1)
RELEASE = date(2026, 12, 10)
NO, SILENT, NOTIFY = (
    BackorderMode.NO_BACKORDERS,
    BackorderMode.ALLOW_QTY_BELOW_ZERO,
    BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY,
)
CAP_10 = Preorder(RELEASE, max_quantity=10, preordered_quantity=3)


def product(on_hand: int = 0, reserved: int = 0, in_stock: bool = True, **settings: object) -> ProductStock:
    return ProductStock("SKU-1", "Bag", StockSettings(**settings), StockLevel(on_hand, reserved, in_stock))  # type: ignore[arg-type]


def view(
    p: ProductStock, preorder: Preorder | None, today: date = TODAY, group_may_backorder: bool = True
) -> rules.Availability:
    return rules.preorder_availability(p.settings, p.level, preorder, today, group_may_backorder)


def line(
    quantity: int,
    p: ProductStock | None,
    preorder: Preorder | None,
    group_may_backorder: bool = True,
    projected: date | None = None,
) -> rules.LineDecision:
    return rules.decide_preorder_line(
        "SKU-1", quantity, p, preorder, TODAY, group_may_backorder=group_may_backorder, projected=projected
    )


# Hypothesis strategies of the pre-order properties.
quantity_settings = st.builds(
    StockSettings,
    manage_stock=st.booleans(),
    backorders=st.sampled_from(list(BackorderMode)),
    out_of_stock_threshold=st.integers(-20, 20),
    only_x_left_threshold=st.integers(0, 10),
    min_sale_quantity=st.integers(1, 4),
    max_sale_quantity=st.integers(4, 30),
    quantity_increments=st.integers(1, 3),
)
levels = st.builds(StockLevel, st.integers(0, 50), st.integers(0, 50), st.booleans())
preorders = st.builds(
    Preorder,
    release_date=st.dates(TODAY - timedelta(days=5), TODAY + timedelta(days=60)),
    max_quantity=st.none() | st.integers(1, 40),
    preordered_quantity=st.integers(0, 50),
)
projections = st.none() | st.dates(TODAY - timedelta(days=5), TODAY + timedelta(days=90))
