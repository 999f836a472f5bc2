"""The pre-order rules of DESIGN.md section 7.2, as tables (one row per precise point) and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import (
    BackorderMode,
    LineErrorCode,
    Preorder,
    ProductStock,
    StockLevel,
    StockSettings,
    StockStatus,
)

TODAY = date(2026, 12, 1)
RELEASE = date(2026, 12, 10)
NO, SILENT, NOTIFY = (
    BackorderMode.NO_BACKORDERS,
    BackorderMode.ALLOW_QTY_BELOW_ZERO,
    BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY,
)


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

CAP_10 = Preorder(RELEASE, max_quantity=10, preordered_quantity=3)


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


# ---- properties ----

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


# ---- the state stock events and back-in-stock alerts compare ----

K = rules.StockEventKind
UNDER_CAP = Preorder(RELEASE, max_quantity=5, preordered_quantity=3)
AT_CAP = Preorder(RELEASE, max_quantity=5, preordered_quantity=5)
LEVEL = StockLevel(10, 3)


def state(preorder: Preorder | None, level: StockLevel = LEVEL, **settings: object) -> rules.StockState:
    return rules.preorder_stock_state(StockSettings(**settings), level, True, preorder, TODAY)  # type: ignore[arg-type]


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
@given(quantity_settings, levels, preorders, st.booleans())
def test_the_event_state_is_what_a_preorder_shows(
    s: StockSettings, level: StockLevel, preorder: Preorder, held: bool
) -> None:
    got = rules.preorder_stock_state(s, level, held, preorder, TODAY)
    shown = rules.preorder_availability(s, level, preorder, TODAY, True)
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
    under = rules.preorder_stock_state(s, level, True, Preorder(RELEASE, cap, None, preordered), TODAY)
    reached = rules.preorder_stock_state(s, level, True, Preorder(RELEASE, cap, None, preordered + placed), TODAY)
    assert K.OUT_OF_STOCK in rules.stock_event_kinds(under, reached) or preordered + placed < cap
    assert (K.BACK_IN_STOCK in rules.stock_event_kinds(reached, under)) == (preordered + placed >= cap)
