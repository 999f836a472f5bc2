"""The pre-order rules of DESIGN.md section 7.2 that decide a checkout line, its date and the release, as tables."""

from __future__ import annotations

from datetime import date

import pytest

from backstock import rules
from backstock.rules import LineErrorCode, Preorder, ProductStock, StockLevel
from tests.preorder_rules import CAP_10, NO, NOTIFY, RELEASE, SILENT, line, product

# ---- the line decision ----


@pytest.mark.parametrize(
    ("quantity", "p", "preorder", "group_may_backorder", "code", "message"),
    [
        pytest.param(0, product(), CAP_10, True, LineErrorCode.INVALID_QUANTITY, "", id="quantity_below_1"),
        pytest.param(2, None, CAP_10, True, LineErrorCode.UNKNOWN_SKU, "", id="unknown_sku"),
        pytest.param(
            1,
            product(),
            Preorder(RELEASE, max_quantity=4, preordered_quantity=4),
            True,
            LineErrorCode.OUT_OF_STOCK,
            "",
            id="at_cap_is_out_of_stock",
        ),
        pytest.param(1, product(in_stock=False), CAP_10, True, LineErrorCode.OUT_OF_STOCK, "", id="manual_flag_off"),
        pytest.param(1, product(), CAP_10, False, LineErrorCode.OUT_OF_STOCK, "", id="group_may_not_preorder"),
        pytest.param(
            1,
            product(min_sale_quantity=2),
            Preorder(RELEASE, max_quantity=4, preordered_quantity=4),
            True,
            LineErrorCode.OUT_OF_STOCK,
            "",
            id="out_of_stock_comes_before_quantity_rules",
        ),
        pytest.param(
            1,
            product(min_sale_quantity=2),
            CAP_10,
            True,
            LineErrorCode.BELOW_MIN_SALE_QUANTITY,
            "The fewest you may purchase is 2.",
            id="below_min_sale_quantity",
        ),
        pytest.param(
            9,
            product(max_sale_quantity=5),
            Preorder(RELEASE),
            True,
            LineErrorCode.ABOVE_MAX_SALE_QUANTITY,
            "The most you may purchase is 5.",
            id="above_max_sale_quantity",
        ),
        pytest.param(
            3,
            product(quantity_increments=2),
            CAP_10,
            True,
            LineErrorCode.NOT_A_QUANTITY_INCREMENT,
            "only in quantities of 2",
            id="not_a_quantity_increment",
        ),
        pytest.param(
            8,
            product(),
            CAP_10,
            True,
            LineErrorCode.NOT_ENOUGH_STOCK,
            'We don\'t have as many "Bag" as you requested. You can order up to 7.',
            id="beyond_the_cap_remainder",
        ),
        pytest.param(
            8,
            product(min_sale_quantity=9),
            CAP_10,
            True,
            LineErrorCode.BELOW_MIN_SALE_QUANTITY,
            "The fewest you may purchase is 9.",
            id="quantity_rules_come_before_the_cap",
        ),
    ],
)
def test_refused_preorder_lines(
    quantity: int,
    p: ProductStock | None,
    preorder: Preorder,
    group_may_backorder: bool,
    code: LineErrorCode,
    message: str,
) -> None:
    got = line(quantity, p, preorder, group_may_backorder)
    assert got.error is not None
    assert got.error.code is code
    assert message in got.error.message
    assert (got.in_stock, got.backordered, got.notice) == (0, 0, None)


@pytest.mark.parametrize(
    ("p", "preorder", "quantity", "projected", "notice"),
    [
        pytest.param(
            product(on_hand=100),
            CAP_10,
            7,
            None,
            "Pre-order: ships from 2026-12-10.",
            id="every_unit_waits_even_with_units_on_hand",
        ),
        pytest.param(
            product(),
            CAP_10,
            2,
            date(2027, 1, 15),
            "Pre-order: ships from 2027-01-15.",
            id="notice_date_is_a_later_projection",
        ),
        pytest.param(
            product(),
            CAP_10,
            2,
            date(2026, 12, 5),
            "Pre-order: ships from 2026-12-10.",
            id="notice_date_is_the_release_when_projection_is_earlier",
        ),
        pytest.param(
            product(),
            Preorder(RELEASE, max_quantity=10, message="Ships with the spring collection."),
            2,
            None,
            "Ships with the spring collection.",
            id="merchant_message_replaces_the_notice",
        ),
        pytest.param(
            product(manage_stock=False),
            Preorder(RELEASE, max_quantity=10, preordered_quantity=10),
            50,
            None,
            "Pre-order: ships from 2026-12-10.",
            id="stock_not_managed_ignores_the_cap_but_units_wait",
        ),
        pytest.param(product(backorders=NO), CAP_10, 1, None, "Pre-order: ships from 2026-12-10.", id="notice_no_mode"),
        pytest.param(
            product(backorders=SILENT), CAP_10, 1, None, "Pre-order: ships from 2026-12-10.", id="notice_silent_mode"
        ),
        pytest.param(
            product(backorders=NOTIFY), CAP_10, 1, None, "Pre-order: ships from 2026-12-10.", id="notice_notify_mode"
        ),
        pytest.param(
            product(quantity_increments=2, min_sale_quantity=2),
            Preorder(RELEASE),
            4,
            None,
            "Pre-order: ships from 2026-12-10.",
            id="quantity_rules_met_without_cap",
        ),
    ],
)
def test_accepted_preorder_lines_wait_in_full(
    p: ProductStock, preorder: Preorder, quantity: int, projected: date | None, notice: str
) -> None:
    got = line(quantity, p, preorder, projected=projected)
    assert got == rules.LineDecision("SKU-1", quantity, in_stock=0, backordered=quantity, notice=notice)


def test_refusals_are_rules_stock_sentences() -> None:
    p = product(on_hand=5, min_sale_quantity=2)
    assert line(1, p, CAP_10).error == rules.decide_line("SKU-1", 1, p).error
    off = product(in_stock=False)
    assert line(1, off, CAP_10).error == rules.decide_line("SKU-1", 1, off).error


# ---- the expected date ----


@pytest.mark.parametrize(
    ("projected", "expected"),
    [
        pytest.param(None, RELEASE, id="unknown_projection_gives_the_release_date"),
        pytest.param(date(2026, 12, 3), RELEASE, id="earlier_projection_gives_the_release_date"),
        pytest.param(RELEASE, RELEASE, id="same_day"),
        pytest.param(date(2027, 2, 1), date(2027, 2, 1), id="later_projection_wins"),
    ],
)
def test_preorder_ship_date_is_the_later_of_release_and_projection(projected: date | None, expected: date) -> None:
    assert rules.preorder_ship_date(RELEASE, projected) == expected


# ---- release-day allocation ----


@pytest.mark.parametrize(
    ("level", "preordered", "waiting", "ready"),
    [
        pytest.param(
            StockLevel(5, 3), 3, [("a", 2), ("b", 1)], [("a", 2), ("b", 1)], id="units_on_hand_cover_every_preorder"
        ),
        pytest.param(
            StockLevel(4, 6), 6, [("a", 3), ("b", 3)], [("a", 3), ("b", 1)], id="oldest_first_until_stock_runs_out"
        ),
        pytest.param(
            StockLevel(6, 7),
            3,
            [("p1", 2), ("p2", 1)],
            [("p1", 2)],
            id="ordinary_lines_already_ready_keep_their_units",
        ),
        pytest.param(StockLevel(1, 5), 3, [("old", 1), ("p1", 3)], [], id="units_promised_to_older_lines_stay_theirs"),
        pytest.param(StockLevel(0, 3), 3, [("a", 3)], [], id="nothing_on_hand_leaves_all_to_purchase_orders"),
        pytest.param(StockLevel(5, 3), 0, [("a", 3)], [], id="nothing_held_nothing_to_release"),
    ],
)
def test_release_allocation(
    level: StockLevel, preordered: int, waiting: list[tuple[str, int]], ready: list[tuple[str, int]]
) -> None:
    assert rules.release_allocation(level, preordered, waiting) == ready


def test_held_ready_target_keeps_preordered_units_waiting() -> None:
    assert rules.held_ready_target(StockLevel(10, 4), 4) == 0
    assert rules.held_ready_target(StockLevel(10, 6), 4) == 2
    assert rules.held_ready_target(StockLevel(10, 6), 0) == rules.ready_target(StockLevel(10, 6))
