"""The pre-order rules of DESIGN.md section 7.2 that shape a product's view and the PreorderInput, as tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstock import rules
from backstock.rules import Preorder, ProductStock, StockLevel, StockSettings, StockStatus
from tests.preorder_rules import CAP_10, NOTIFY, RELEASE, SILENT, TODAY, line, product, view

# ---- a pre-order exists only before its release date ----


@pytest.mark.parametrize(
    ("preorder", "active"),
    [
        pytest.param(Preorder(TODAY + timedelta(days=1)), True, id="release_tomorrow_is_a_preorder"),
        pytest.param(Preorder(TODAY), False, id="release_today_releases_at_once"),
        pytest.param(Preorder(TODAY - timedelta(days=30)), False, id="release_in_the_past_is_no_preorder"),
        pytest.param(None, False, id="no_preorder"),
    ],
)
def test_preorder_is_active_only_before_its_release_date(preorder: Preorder | None, active: bool) -> None:
    assert rules.is_preorder_active(preorder, TODAY) is active


@pytest.mark.parametrize(
    "release", [pytest.param(TODAY, id="release_day"), pytest.param(TODAY - timedelta(days=1), id="after_release")]
)
def test_from_the_release_date_the_product_follows_the_normal_rules(release: date) -> None:
    p = product(on_hand=4, reserved=1, backorders=NOTIFY, out_of_stock_threshold=-3)
    preorder = Preorder(release, max_quantity=2, preordered_quantity=2)
    assert view(p, preorder) == rules.availability(p.settings, p.level)
    assert line(5, p, preorder) == rules.decide_line("SKU-1", 5, p)


# ---- the pre-order's view of a product ----


@pytest.mark.parametrize(
    ("p", "preorder", "group_may_backorder", "status", "salable"),
    [
        pytest.param(product(), CAP_10, True, StockStatus.PRE_ORDER, 7, id="salable_quantity_is_cap_minus_preordered"),
        pytest.param(product(), Preorder(RELEASE), True, StockStatus.PRE_ORDER, None, id="no_cap_is_unlimited"),
        pytest.param(
            product(on_hand=100), CAP_10, True, StockStatus.PRE_ORDER, 7, id="units_on_hand_do_not_end_a_preorder"
        ),
        pytest.param(
            product(),
            Preorder(RELEASE, max_quantity=10, preordered_quantity=10),
            True,
            StockStatus.OUT_OF_STOCK,
            0,
            id="at_the_cap_reads_out_of_stock",
        ),
        pytest.param(
            product(),
            Preorder(RELEASE, max_quantity=5, preordered_quantity=8),
            True,
            StockStatus.OUT_OF_STOCK,
            0,
            id="cap_lowered_below_preordered_reads_out_of_stock",
        ),
        pytest.param(
            product(in_stock=False),
            CAP_10,
            True,
            StockStatus.OUT_OF_STOCK,
            0,
            id="manual_flag_off_reads_out_of_stock_0",
        ),
        pytest.param(
            product(in_stock=False),
            Preorder(RELEASE),
            True,
            StockStatus.OUT_OF_STOCK,
            0,
            id="manual_flag_off_without_cap_reads_out_of_stock_0",
        ),
        pytest.param(
            product(manage_stock=False),
            Preorder(RELEASE, max_quantity=10, preordered_quantity=10),
            True,
            StockStatus.PRE_ORDER,
            None,
            id="stock_not_managed_ignores_the_cap",
        ),
        pytest.param(
            product(in_stock=False, manage_stock=False),
            CAP_10,
            True,
            StockStatus.OUT_OF_STOCK,
            0,
            id="stock_not_managed_still_honours_the_manual_flag",
        ),
        pytest.param(
            product(), CAP_10, False, StockStatus.OUT_OF_STOCK, 0, id="group_outside_backorder_groups_sees_out_of_stock"
        ),
        pytest.param(
            product(), Preorder(RELEASE), False, StockStatus.OUT_OF_STOCK, 0, id="group_outside_without_cap_too"
        ),
        pytest.param(
            product(backorders=SILENT), CAP_10, True, StockStatus.PRE_ORDER, 7, id="silent_mode_still_reads_pre_order"
        ),
        pytest.param(
            product(backorders=NOTIFY, out_of_stock_threshold=-50),
            CAP_10,
            True,
            StockStatus.PRE_ORDER,
            7,
            id="backorder_threshold_does_not_change_the_cap",
        ),
    ],
)
def test_preorder_view(
    p: ProductStock, preorder: Preorder, group_may_backorder: bool, status: StockStatus, salable: int | None
) -> None:
    got = view(p, preorder, group_may_backorder=group_may_backorder)
    assert (got.stock_status, got.salable_quantity) == (status, salable)
    assert got.is_salable is (status is StockStatus.PRE_ORDER)


def test_manual_flag_off_keeps_the_cap_for_later() -> None:
    assert view(product(in_stock=False), CAP_10).salable_quantity == 0
    assert view(product(in_stock=True), CAP_10).salable_quantity == 7


@pytest.mark.parametrize(
    ("level", "preordered", "backordered"),
    [
        pytest.param(StockLevel(50, 3), 3, 3, id="preordered_units_wait_even_with_units_on_hand"),
        pytest.param(StockLevel(6, 8), 3, 3, id="ordinary_reserved_units_stay_ready"),
        pytest.param(StockLevel(2, 8), 3, 6, id="ordinary_backorders_and_preorders_add_up"),
        pytest.param(StockLevel(0, 0), 0, 0, id="nothing_ordered_nothing_waits"),
    ],
)
def test_preordered_units_count_in_backordered_quantity(level: StockLevel, preordered: int, backordered: int) -> None:
    preorder = Preorder(RELEASE, max_quantity=20, preordered_quantity=preordered)
    got = rules.preorder_availability(StockSettings(), level, preorder, TODAY, True)
    assert got.backordered == backordered


@pytest.mark.parametrize(
    ("preordered", "only_x_left"),
    [
        pytest.param(7, 3, id="cap_remainder_within_only_x_left_threshold"),
        pytest.param(2, None, id="cap_remainder_above_threshold"),
        pytest.param(10, None, id="at_cap_nothing_left_to_show"),
    ],
)
def test_only_x_left_reads_the_cap_remainder(preordered: int, only_x_left: int | None) -> None:
    preorder = Preorder(RELEASE, max_quantity=10, preordered_quantity=preordered)
    assert view(product(only_x_left_threshold=5), preorder).only_x_left == only_x_left


def test_low_stock_still_reads_the_units_on_hand() -> None:
    p = product(on_hand=3, reserved=2, notify_for_quantity_below=1)
    assert view(p, CAP_10).is_low_stock is rules.is_low_stock(p.settings, p.level) is True


# ---- PreorderInput validation ----


@pytest.mark.parametrize(
    ("preorder", "fields"),
    [
        pytest.param(Preorder(RELEASE, max_quantity=1), [], id="cap_of_1_is_fine"),
        pytest.param(Preorder(RELEASE), [], id="no_cap_no_message"),
        pytest.param(Preorder(TODAY - timedelta(days=9)), [], id="any_release_date_is_accepted"),
        pytest.param(Preorder(RELEASE, max_quantity=0), ["maxQuantity"], id="cap_of_0"),
        pytest.param(Preorder(RELEASE, max_quantity=-4), ["maxQuantity"], id="negative_cap"),
        pytest.param(Preorder(RELEASE, message="Ships in May."), [], id="message_is_fine"),
        pytest.param(Preorder(RELEASE, message="x" * 255), [], id="message_at_the_length_limit"),
        pytest.param(Preorder(RELEASE, message="x" * 256), ["message"], id="message_too_long"),
        pytest.param(Preorder(RELEASE, message=""), ["message"], id="empty_message"),
        pytest.param(Preorder(RELEASE, message="   "), ["message"], id="blank_message"),
        pytest.param(Preorder(RELEASE, message="two\nlines"), ["message"], id="message_not_printable"),
        pytest.param(Preorder(RELEASE, max_quantity=0, message="\x00"), ["maxQuantity", "message"], id="both_wrong"),
    ],
)
def test_validate_preorder(preorder: Preorder, fields: list[str]) -> None:
    violations = rules.validate_preorder(preorder)
    assert [v.field for v in violations] == fields
    for v in violations:
        assert v.message.startswith(v.field)
