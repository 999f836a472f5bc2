"""The stock rules of DESIGN.md section 3, as tables and as properties."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import BackorderMode, LineErrorCode, StockLevel, StockSettings, StockStatus

NO, SILENT, NOTIFY = (
    BackorderMode.NO_BACKORDERS,
    BackorderMode.ALLOW_QTY_BELOW_ZERO,
    BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY,
)


def product(on_hand: int, reserved: int = 0, in_stock: bool = True, **settings: object) -> rules.ProductStock:
    return rules.ProductStock("SKU-1", "Bag", StockSettings(**settings), StockLevel(on_hand, reserved, in_stock))  # type: ignore[arg-type]


def test_store_defaults_are_magentos() -> None:
    assert StockSettings() == StockSettings(
        manage_stock=True,
        backorders=NO,
        out_of_stock_threshold=0,
        only_x_left_threshold=0,
        notify_for_quantity_below=1,
        min_sale_quantity=1,
        max_sale_quantity=10000,
        quantity_increments=1,
    )


@pytest.mark.parametrize(
    ("on_hand", "reserved", "settings", "salable"),
    [
        (10, 0, {}, 10),
        (10, 4, {}, 6),
        (3, 5, {}, 0),
        (10, 0, {"out_of_stock_threshold": 2}, 8),
        (10, 0, {"out_of_stock_threshold": -5}, 10),  # backorders off: negative counts as 0
        (10, 0, {"backorders": SILENT}, None),  # threshold 0 with backorders: unlimited
        (10, 0, {"backorders": NOTIFY, "out_of_stock_threshold": 3}, None),
        (10, 0, {"backorders": SILENT, "out_of_stock_threshold": -5}, 15),  # negative caps backorders
        (10, 14, {"backorders": NOTIFY, "out_of_stock_threshold": -5}, 1),
        (10, 20, {"backorders": NOTIFY, "out_of_stock_threshold": -5}, 0),
        (0, 0, {"manage_stock": False}, None),
    ],
)
def test_salable_quantity(on_hand: int, reserved: int, settings: dict[str, object], salable: int | None) -> None:
    assert rules.salable_quantity(StockSettings(**settings), StockLevel(on_hand, reserved)) == salable  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "salable"),
    [
        ({}, 0),
        ({"backorders": NOTIFY, "out_of_stock_threshold": -5}, 0),
        ({"backorders": SILENT}, None),  # unlimited stays unlimited: isSalable says it cannot be sold
        ({"manage_stock": False}, None),
    ],
)
def test_manual_flag_off_leaves_nothing_salable(settings: dict[str, object], salable: int | None) -> None:
    """Magento's GetProductSalableQty: a product flagged out of stock has 0 to sell, whatever is on hand."""
    assert rules.salable_quantity(StockSettings(**settings), StockLevel(10, 0, in_stock=False)) == salable  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("level", "settings", "status"),
    [
        (StockLevel(5, 0), {}, StockStatus.IN_STOCK),
        (StockLevel(0, 0), {}, StockStatus.OUT_OF_STOCK),
        (StockLevel(5, 0, in_stock=False), {}, StockStatus.OUT_OF_STOCK),
        (StockLevel(5, 0, in_stock=False), {"backorders": NOTIFY}, StockStatus.OUT_OF_STOCK),
        (StockLevel(0, 0), {"backorders": NOTIFY}, StockStatus.BACKORDER),
        (StockLevel(1, 0), {"backorders": NOTIFY}, StockStatus.IN_STOCK),
        (StockLevel(0, 3), {"backorders": SILENT}, StockStatus.IN_STOCK),  # silent never says backorder
        (StockLevel(0, 5), {"backorders": NOTIFY, "out_of_stock_threshold": -5}, StockStatus.OUT_OF_STOCK),
        (StockLevel(0, 4), {"backorders": NOTIFY, "out_of_stock_threshold": -5}, StockStatus.BACKORDER),
        (StockLevel(0, 0, in_stock=False), {"manage_stock": False}, StockStatus.IN_STOCK),
        (StockLevel(3, 0), {"out_of_stock_threshold": 3}, StockStatus.OUT_OF_STOCK),
    ],
)
def test_stock_status(level: StockLevel, settings: dict[str, object], status: StockStatus) -> None:
    s = StockSettings(**settings)  # type: ignore[arg-type]
    assert rules.stock_status(s, level) is status
    assert rules.is_salable(s, level) is (status is not StockStatus.OUT_OF_STOCK)


@pytest.mark.parametrize(
    ("free", "cutoff", "settings", "expected"),
    [
        (5, 5, {}, 5),
        (6, 5, {}, None),
        (1, 5, {}, 1),
        (0, 5, {}, None),
        (3, 0, {}, None),
        (3, 5, {"backorders": SILENT}, None),
    ],
)
def test_only_x_left(free: int, cutoff: int, settings: dict[str, object], expected: int | None) -> None:
    s = StockSettings(only_x_left_threshold=cutoff, **settings)  # type: ignore[arg-type]
    assert rules.only_x_left(s, StockLevel(free, 0)) == expected


@pytest.mark.parametrize(
    ("free", "below", "manage", "low"),
    [(10, 10, True, True), (11, 10, True, False), (-3, 0, True, True), (0, 1, False, False)],
)
def test_low_stock_never_changes_salable(free: int, below: int, manage: bool, low: bool) -> None:
    s = StockSettings(notify_for_quantity_below=below, manage_stock=manage)
    assert rules.is_low_stock(s, StockLevel(free, 0)) is low
    assert rules.salable_quantity(s, StockLevel(free, 0)) == rules.salable_quantity(
        StockSettings(manage_stock=manage), StockLevel(free, 0)
    )


LIMITS: dict[str, Any] = {"min_sale_quantity": 2, "max_sale_quantity": 9, "quantity_increments": 2}


@pytest.mark.parametrize(
    ("quantity", "stock", "code", "message"),
    [
        (0, product(6, **LIMITS), LineErrorCode.INVALID_QUANTITY, "SKU 'SKU-1': quantity must be 1 or more, got 0."),
        (1, None, LineErrorCode.UNKNOWN_SKU, "SKU 'SKU-1' does not exist."),
        (2, product(6, in_stock=False, **LIMITS), LineErrorCode.OUT_OF_STOCK, '"Bag" is out of stock.'),
        (1, product(6, **LIMITS), LineErrorCode.BELOW_MIN_SALE_QUANTITY, "The fewest you may purchase is 2."),
        (10, product(6, **LIMITS), LineErrorCode.ABOVE_MAX_SALE_QUANTITY, "The most you may purchase is 9."),
        (3, product(6, **LIMITS), LineErrorCode.NOT_A_QUANTITY_INCREMENT, 'You can buy "Bag" only in quantities of 2'),
        (
            8,
            product(6, **LIMITS),
            LineErrorCode.NOT_ENOUGH_STOCK,
            'We don\'t have as many "Bag" as you requested. You can order up to 6.',
        ),
        # when several rules fail, the first in DESIGN.md's order wins
        (-1, None, LineErrorCode.INVALID_QUANTITY, "quantity must be 1 or more"),
        (1, product(0, in_stock=False, **LIMITS), LineErrorCode.OUT_OF_STOCK, "out of stock"),
        (1, product(0, **LIMITS), LineErrorCode.OUT_OF_STOCK, '"Bag" is out of stock.'),
        (11, product(4, 4, **LIMITS), LineErrorCode.OUT_OF_STOCK, "out of stock"),
        (1, product(3, out_of_stock_threshold=3), LineErrorCode.OUT_OF_STOCK, "out of stock"),
        (1, product(10, in_stock=False, **LIMITS), LineErrorCode.OUT_OF_STOCK, "out of stock"),
        (1, product(1, **LIMITS), LineErrorCode.BELOW_MIN_SALE_QUANTITY, "fewest"),
        (11, product(1, **LIMITS), LineErrorCode.ABOVE_MAX_SALE_QUANTITY, "most"),
        (7, product(1, **LIMITS), LineErrorCode.NOT_A_QUANTITY_INCREMENT, "quantities of 2"),
        (2, product(1, **LIMITS), LineErrorCode.NOT_ENOUGH_STOCK, "You can order up to 1."),
    ],
)
def test_line_errors_in_order(
    quantity: int, stock: rules.ProductStock | None, code: LineErrorCode, message: str
) -> None:
    decision = rules.decide_line("SKU-1", quantity, stock)
    assert decision.error is not None
    assert decision.error.code is code
    assert message in decision.error.message
    assert (decision.in_stock, decision.backordered) == (0, 0)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (1, "The fewest you may purchase is 2."),
        (10, "The most you may purchase is 9."),
        (8, 'We don\'t have as many "Bag" as you requested. You can order up to 6.'),
    ],
)
def test_refusals_are_magentos_sentence_alone(quantity: int, message: str) -> None:
    """No stock-shortage sentence ("The requested qty is not available.") opens a quantity-rule refusal."""
    error = rules.decide_line("SKU-1", quantity, product(6, **LIMITS)).error
    assert error is not None and error.message == message


@pytest.mark.parametrize(
    ("stock", "quantity", "split", "notice"),
    [
        (product(5), 3, (3, 0), None),
        (product(5, 3), 2, (2, 0), None),
        (
            product(2, backorders=NOTIFY),
            5,
            (2, 3),
            "We don't have as many \"Bag\" as you requested, but we'll back order the remaining 3.",
        ),
        (product(2, backorders=SILENT), 5, (2, 3), None),
        (
            product(2, 4, backorders=NOTIFY),
            1,
            (0, 1),
            "We don't have as many \"Bag\" as you requested, but we'll back order the remaining 1.",
        ),
        (product(0, manage_stock=False), 7, (7, 0), None),
    ],
)
def test_accepted_lines_split(
    stock: rules.ProductStock, quantity: int, split: tuple[int, int], notice: str | None
) -> None:
    decision = rules.decide_line("SKU-1", quantity, stock)
    assert decision.error is None
    assert (decision.in_stock, decision.backordered, decision.notice) == (*split, notice)
    assert rules.backorder_message(stock, quantity) == notice


def test_the_seed_worked_example() -> None:
    """Magento's example: 25 on hand, notify, threshold -50, notify below 10, only-x-left 5."""
    settings = StockSettings(
        backorders=NOTIFY, out_of_stock_threshold=-50, notify_for_quantity_below=10, only_x_left_threshold=5
    )

    def at(ordered: int) -> rules.Availability:
        return rules.availability(settings, StockLevel(25, ordered))

    assert at(0).salable_quantity == 75
    assert not at(14).is_low_stock and at(15).is_low_stock  # free is 10: the merchant is told
    stock = rules.ProductStock("BAG", "Bag", settings, StockLevel(25, 25))
    assert rules.decide_line("BAG", 1, stock).backordered == 1  # past the first 25 units: backorders
    assert rules.decide_line("BAG", 1, rules.ProductStock("BAG", "Bag", settings, StockLevel(25, 24))).backordered == 0
    assert (at(70).salable_quantity, at(70).only_x_left) == (5, 5)
    assert (at(75).stock_status, at(75).is_salable) == (StockStatus.OUT_OF_STOCK, False)
    refused = rules.decide_line("BAG", 1, rules.ProductStock("BAG", "Bag", settings, StockLevel(25, 75)))
    assert refused.error is not None and refused.error.code is LineErrorCode.OUT_OF_STOCK  # nothing left to offer


def test_merge_lines_sums_by_sku_in_first_seen_order() -> None:
    assert rules.merge_lines([("B", 1), ("A", 2), ("B", 3)]) == [("B", 4), ("A", 2)]


@pytest.mark.parametrize(
    ("level", "effective", "field"),
    [
        ({"min_sale_quantity": 0}, StockSettings(min_sale_quantity=0), "minSaleQuantity"),
        ({"quantity_increments": 0}, StockSettings(), "quantityIncrements"),
        ({"only_x_left_threshold": -1}, StockSettings(), "onlyXLeftThreshold"),
        ({"notify_for_quantity_below": -2}, StockSettings(), "notifyForQuantityBelow"),
        ({"max_sale_quantity": 3}, StockSettings(min_sale_quantity=5, max_sale_quantity=3), "maxSaleQuantity"),
        ({"out_of_stock_threshold": -1, "backorders": NO}, StockSettings(), "outOfStockThreshold"),
    ],
)
def test_invalid_settings_name_their_field(level: dict[str, object], effective: StockSettings, field: str) -> None:
    violations = rules.validate_settings(level, effective)
    assert [v.field for v in violations] == [field]
    assert violations[0].message.startswith(field)


def test_negative_threshold_is_checked_at_its_own_level_only() -> None:
    assert rules.validate_settings({"out_of_stock_threshold": -5}, StockSettings(out_of_stock_threshold=-5)) == []
    assert rules.validate_settings({"out_of_stock_threshold": -5, "backorders": SILENT}, StockSettings()) == []


def test_effective_settings_and_overridden() -> None:
    overrides = {"backorders": NOTIFY, "min_sale_quantity": None, "out_of_stock_threshold": -3}
    effective = rules.effective_settings(StockSettings(min_sale_quantity=2), overrides)
    assert (effective.backorders, effective.min_sale_quantity, effective.out_of_stock_threshold) == (NOTIFY, 2, -3)
    assert rules.overridden(overrides) == ["backorders", "outOfStockThreshold"]


def test_allocation_helpers() -> None:
    assert rules.take_in_order([("a", 2), ("b", 3), ("c", 4)], 4) == [("a", 2), ("b", 2)]
    assert rules.take_in_order([("a", 0), ("b", 3)], 10) == [("b", 3)]
    assert rules.cancel_split(backordered=2, ready=3, quantity=4) == (2, 2)
    assert rules.ready_target(StockLevel(5, 8)) == 5
    assert rules.backordered_total(StockLevel(5, 8)) == 3
    assert rules.backordered_total(StockLevel(9, 8)) == 0


def test_order_and_payment_status() -> None:
    progress = rules.LineProgress
    assert rules.order_status([progress(3, 1, 0)]) is rules.OrderStatus.PROCESSING
    assert rules.order_status([progress(3, 1, 2), progress(1, 1, 0)]) is rules.OrderStatus.COMPLETE
    assert rules.order_status([progress(3, 0, 3)]) is rules.OrderStatus.CANCELED
    assert rules.payment_status(Decimal(10), Decimal(0)) is rules.PaymentStatus.CAPTURED
    assert rules.payment_status(Decimal(10), Decimal(4)) is rules.PaymentStatus.PARTIALLY_REFUNDED
    assert rules.payment_status(Decimal(10), Decimal(10)) is rules.PaymentStatus.REFUNDED


settings_strategy = st.builds(
    lambda mode, threshold, manage, minimum, extra, step, cutoff, below: StockSettings(
        manage_stock=manage,
        backorders=mode,
        out_of_stock_threshold=max(0, threshold) if mode is NO else threshold,
        only_x_left_threshold=cutoff,
        notify_for_quantity_below=below,
        min_sale_quantity=minimum,
        max_sale_quantity=minimum + extra,
        quantity_increments=step,
    ),
    st.sampled_from(list(BackorderMode)),
    st.integers(-100, 50),
    st.booleans(),
    st.integers(1, 5),
    st.integers(0, 200),
    st.integers(1, 4),
    st.integers(0, 10),
    st.integers(0, 20),
)
levels = st.builds(StockLevel, st.integers(0, 200), st.integers(0, 300), st.booleans())


@given(settings_strategy, levels)
def test_salable_is_never_negative(settings: StockSettings, level: StockLevel) -> None:
    salable = rules.salable_quantity(settings, level)
    assert salable is None or salable >= 0


@given(settings_strategy, levels, st.integers(-5, 300))
def test_accepted_lines_respect_salable_and_split_exactly(settings: StockSettings, level: StockLevel, q: int) -> None:
    decision = rules.decide_line("S", q, rules.ProductStock("S", "N", settings, level))
    if decision.error is not None:
        return
    salable = rules.salable_quantity(settings, level)
    assert salable is None or q <= salable
    assert decision.in_stock + decision.backordered == q
    if settings.manage_stock:
        assert decision.in_stock <= max(0, level.free)
        assert decision.backordered == 0 or settings.backorders is not NO


@given(settings_strategy, levels, st.integers(1, 300))
def test_unsalable_products_refuse_every_line_as_out_of_stock(
    settings: StockSettings, level: StockLevel, q: int
) -> None:
    error = rules.decide_line("S", q, rules.ProductStock("S", "N", settings, level)).error
    if not rules.is_salable(settings, level):
        assert error is not None and error.code is LineErrorCode.OUT_OF_STOCK
    elif error is not None and error.code is LineErrorCode.NOT_ENOUGH_STOCK:
        assert "You can order up to 0." not in error.message


@given(settings_strategy, levels, st.integers(1, 300))
def test_unmanaged_stock_never_backorders(settings: StockSettings, level: StockLevel, q: int) -> None:
    unmanaged = dataclasses.replace(settings, manage_stock=False)
    decision = rules.decide_line("S", q, rules.ProductStock("S", "N", unmanaged, level))
    assert rules.stock_status(unmanaged, level) is StockStatus.IN_STOCK
    assert decision.backordered == 0 and decision.notice is None
    assert rules.backorder_message(rules.ProductStock("S", "N", unmanaged, level), q) is None


@given(settings_strategy, levels)
def test_flag_off_means_nothing_to_sell(settings: StockSettings, level: StockLevel) -> None:
    flagged = StockLevel(level.on_hand, level.reserved, in_stock=False)
    assert rules.salable_quantity(settings, flagged) in (0, None)


@given(settings_strategy, levels, st.integers(0, 50))
def test_salable_grows_with_stock_on_hand(settings: StockSettings, level: StockLevel, more: int) -> None:
    before = rules.salable_quantity(settings, level)
    after = rules.salable_quantity(settings, StockLevel(level.on_hand + more, level.reserved, level.in_stock))
    assert (before is None) == (after is None)
    assert before is None or after is None or after >= before


@given(st.lists(st.integers(0, 10)), st.integers(0, 60))
def test_take_in_order_never_hands_out_too_much(room_per_line: list[int], units: int) -> None:
    candidates = list(enumerate(room_per_line))
    taken = rules.take_in_order(candidates, units)
    assert sum(n for _, n in taken) == min(units, sum(room for _, room in candidates))
    rooms = dict(candidates)
    assert all(0 < n <= rooms[key] for key, n in taken)


@pytest.mark.parametrize(
    ("settings", "level", "counter"),
    [
        (StockSettings(), StockLevel(rules.MAX_INT, 0), None),
        (StockSettings(), StockLevel(rules.MAX_INT + 1, 0), "quantity on hand 2147483648"),
        (StockSettings(), StockLevel(0, rules.MAX_INT + 1), "reserved quantity 2147483648"),
        (StockSettings(backorders=SILENT, out_of_stock_threshold=-1), StockLevel(rules.MAX_INT, 0), "salable quantity"),
        (StockSettings(backorders=SILENT), StockLevel(rules.MAX_INT, 0), None),  # unlimited: nothing to overflow
    ],
)
def test_out_of_int_range_names_the_counter(settings: StockSettings, level: StockLevel, counter: str | None) -> None:
    found = rules.out_of_int_range(settings, level)
    assert found == counter if counter is None else found is not None and found.startswith(counter)


def test_salable_quantity_never_passes_int() -> None:
    """A store-wide threshold change is not checked against every product: the answer stays an Int."""
    settings = StockSettings(backorders=SILENT, out_of_stock_threshold=-50)
    assert rules.salable_quantity(settings, StockLevel(rules.MAX_INT, 0)) == rules.MAX_INT
