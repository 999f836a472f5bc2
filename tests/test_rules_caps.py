"""Customer groups and backorder caps (DESIGN.md 7.3), as tables and as properties."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import BackorderMode, LineErrorCode, StockLevel, StockSettings
from backstock.rules.caps import (
    BACKORDER_LIMIT_EXCEEDED,
    GUEST,
    CapSettings,
    backorder_limit_error,
    backorder_room,
    customer_group,
    decide_capped_line,
    effective_caps,
    group_settings,
    is_group_code,
    may_backorder,
    overridden_caps,
    validate_caps,
)

NO, SILENT, NOTIFY = (
    BackorderMode.NO_BACKORDERS,
    BackorderMode.ALLOW_QTY_BELOW_ZERO,
    BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY,
)
UNCAPPED = CapSettings()
EXAMPLES = settings(max_examples=150, deadline=None, database=None)


def caps(per_order: int | None = None, per_customer: int | None = None) -> CapSettings:
    return CapSettings(None, per_order, per_customer)


def bag(on_hand: int, backorders: BackorderMode = NOTIFY, **others: object) -> rules.ProductStock:
    stock = StockSettings(backorders=backorders, **others)  # type: ignore[arg-type]
    return rules.ProductStock("BAG", "Bag", stock, StockLevel(on_hand, 0))


# ---- group codes ----


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        pytest.param("B2B", True, id="upper-letters-and-digits"),
        pytest.param("WHOLESALE_EU", True, id="underscore"),
        pytest.param("GUEST", True, id="guest-is-a-code"),
        pytest.param("A" * 32, True, id="32-characters"),
        pytest.param("A" * 33, False, id="33-characters"),
        pytest.param("", False, id="empty"),
        pytest.param("b2b", False, id="lower-case"),
        pytest.param("B2B-EU", False, id="hyphen"),
        pytest.param("B2B\n", False, id="trailing-newline"),
        pytest.param("*", False, id="star-is-not-a-group"),
    ],
)
def test_group_code_format(code: str, valid: bool) -> None:
    assert is_group_code(code) is valid


def test_a_request_without_a_group_is_guest() -> None:
    assert customer_group(None) == GUEST
    assert customer_group("B2B") == "B2B"


# ---- effective settings ----


@pytest.mark.parametrize(
    ("store", "product", "effective"),
    [
        pytest.param(CapSettings(), CapSettings(), CapSettings(), id="defaults-every-group-no-caps"),
        pytest.param(CapSettings(("B2B",)), CapSettings(), CapSettings(("B2B",)), id="store-list-inherited"),
        pytest.param(CapSettings(("B2B",)), CapSettings(("RETAIL",)), CapSettings(("RETAIL",)), id="product-list-wins"),
        pytest.param(CapSettings(("B2B",)), CapSettings(("*",)), CapSettings(), id="star-lifts-store-list"),
        pytest.param(CapSettings(()), CapSettings(), CapSettings(()), id="empty-list-kept-no-group"),
        pytest.param(CapSettings(), CapSettings(()), CapSettings(()), id="product-empty-list-no-group"),
        pytest.param(caps(5, 20), CapSettings(), caps(5, 20), id="store-caps-inherited"),
        pytest.param(caps(5, 20), caps(2), caps(2, 20), id="product-cap-wins"),
        pytest.param(caps(5, 20), caps(-1, -1), caps(None, None), id="minus-one-lifts-store-cap-reads-null"),
        pytest.param(caps(), caps(-1), caps(), id="minus-one-without-store-cap"),
        pytest.param(caps(5, 20), caps(0, 0), caps(0, 0), id="zero-cap-kept"),
    ],
)
def test_effective_caps(store: CapSettings, product: CapSettings, effective: CapSettings) -> None:
    assert effective_caps(store, product) == effective


@pytest.mark.parametrize(
    ("groups", "group", "allowed"),
    [
        pytest.param(None, "GUEST", True, id="null-every-group"),
        pytest.param((), "B2B", False, id="empty-no-group"),
        pytest.param(("*",), "RETAIL", True, id="star-every-group"),
        pytest.param(("B2B",), "B2B", True, id="listed"),
        pytest.param(("B2B",), "GUEST", False, id="guest-not-listed"),
    ],
)
def test_may_backorder(groups: tuple[str, ...] | None, group: str, allowed: bool) -> None:
    assert may_backorder(groups, group) is allowed


def test_a_group_not_allowed_sees_no_backorders() -> None:
    store = StockSettings(backorders=NOTIFY, out_of_stock_threshold=-50)
    retail = group_settings(store, ("B2B",), GUEST)
    assert retail == dataclasses.replace(store, backorders=NO)
    assert group_settings(store, ("B2B",), "B2B") == store
    level = StockLevel(0, 0)
    assert rules.stock_status(retail, level) is rules.StockStatus.OUT_OF_STOCK
    assert rules.salable_quantity(retail, level) == 0
    assert rules.stock_status(store, level) is rules.StockStatus.BACKORDER


@pytest.mark.parametrize(
    ("store_groups", "own_groups", "group", "may"),
    [
        pytest.param(None, None, GUEST, True, id="no-list"),
        pytest.param(None, ("B2B",), GUEST, False, id="product-list-shuts-guest-out"),
        pytest.param(None, ("B2B",), "B2B", True, id="product-list-lets-b2b-in"),
        pytest.param(("B2B",), ("*",), GUEST, True, id="product-lifts-store-list"),
        pytest.param(("B2B",), None, GUEST, False, id="store-list-followed"),
    ],
)
def test_group_view(
    store_groups: tuple[str, ...] | None, own_groups: tuple[str, ...] | None, group: str, may: bool
) -> None:
    store = StockSettings(backorders=NOTIFY, out_of_stock_threshold=-5)
    view = rules.group_view(
        store, CapSettings(store_groups), {"notify_for_quantity_below": 3}, CapSettings(own_groups), group
    )
    own = dataclasses.replace(store, notify_for_quantity_below=3)
    assert (view.settings, view.may_backorder) == (own, may)
    assert view.group_settings == (own if may else dataclasses.replace(own, backorders=NO))


@pytest.mark.parametrize(
    ("product", "names"),
    [
        pytest.param(CapSettings(), [], id="nothing-set"),
        pytest.param(
            CapSettings((), None, 0),
            ["backorderCustomerGroups", "maxBackorderQuantityPerCustomer"],
            id="empty-and-zero-are-set",
        ),
        pytest.param(CapSettings(None, -1), ["maxBackorderQuantityPerOrder"], id="lifting-is-an-override"),
    ],
)
def test_overridden_caps_names_what_a_product_sets(product: CapSettings, names: list[str]) -> None:
    assert overridden_caps(product) == names


# ---- validation ----


@pytest.mark.parametrize(
    ("level", "product_level", "fields"),
    [
        pytest.param(CapSettings(), False, [], id="nothing-set"),
        pytest.param(CapSettings(("B2B", "GUEST", "*")), False, [], id="codes-and-star"),
        pytest.param(CapSettings(()), False, [], id="empty-list"),
        pytest.param(CapSettings(("b2b",)), False, ["backorderCustomerGroups"], id="bad-code"),
        pytest.param(caps(0, 0), False, [], id="zero-caps"),
        pytest.param(caps(-1), False, ["maxBackorderQuantityPerOrder"], id="minus-one-at-store"),
        pytest.param(caps(None, -1), False, ["maxBackorderQuantityPerCustomer"], id="minus-one-customer-at-store"),
        pytest.param(caps(-1, -1), True, [], id="minus-one-at-product"),
        pytest.param(caps(-2), True, ["maxBackorderQuantityPerOrder"], id="minus-two-at-product"),
        pytest.param(
            caps(-5, -5), False, ["maxBackorderQuantityPerOrder", "maxBackorderQuantityPerCustomer"], id="both-named"
        ),
    ],
)
def test_validate_caps(level: CapSettings, product_level: bool, fields: list[str]) -> None:
    found = validate_caps(level, product_level=product_level)
    assert [v.field for v in found] == fields
    assert all(v.message.startswith(v.field + " ") for v in found)


# ---- the cap check ----


@pytest.mark.parametrize(
    ("backordered", "per_order", "per_customer", "waiting", "preordered", "room"),
    [
        pytest.param(5, None, None, 100, 0, None, id="no-caps"),
        pytest.param(5, 5, None, None, 0, None, id="per-order-exactly"),
        pytest.param(6, 5, None, None, 0, 5, id="per-order-over"),
        pytest.param(1, 0, None, None, 0, 0, id="zero-cap-refuses-any-unit"),
        pytest.param(4, None, 10, 6, 0, None, id="per-customer-exactly"),
        pytest.param(5, None, 10, 6, 0, 4, id="per-customer-over"),
        pytest.param(1, None, 10, 12, 0, 0, id="lowered-cap-room-zero"),
        pytest.param(5, None, 10, None, 0, None, id="unknown-customer-per-customer-ignored"),
        pytest.param(6, 5, 10, None, 0, 5, id="unknown-customer-per-order-applies"),
        pytest.param(4, 5, 10, 7, 0, 3, id="smaller-room-is-customer"),
        pytest.param(6, 5, 10, 2, 0, 5, id="smaller-room-is-order"),
        pytest.param(6, 0, 0, 0, 6, None, id="preordered-units-never-count"),
        pytest.param(6, 3, None, None, 2, 3, id="only-ordinary-units-count"),
        pytest.param(0, 0, 0, 5, 0, None, id="no-backordered-units-no-check"),
    ],
)
def test_backorder_limit_error(
    backordered: int,
    per_order: int | None,
    per_customer: int | None,
    waiting: int | None,
    preordered: int,
    room: int | None,
) -> None:
    error = backorder_limit_error("BAG", "Bag", backordered, caps(per_order, per_customer), waiting, preordered)
    if room is None:
        assert error is None
    else:
        assert error == rules.LineError(
            "BAG", BACKORDER_LIMIT_EXCEEDED, f'You can back order at most {room} more "Bag".'
        )


def test_error_code_is_the_contracts() -> None:
    assert BACKORDER_LIMIT_EXCEEDED == "BACKORDER_LIMIT_EXCEEDED"


@pytest.mark.parametrize(
    ("quantity", "product", "code"),
    [
        pytest.param(0, bag(0), LineErrorCode.INVALID_QUANTITY, id="invalid-quantity-first"),
        pytest.param(3, bag(0, max_sale_quantity=2), LineErrorCode.ABOVE_MAX_SALE_QUANTITY, id="quantity-rules-first"),
        pytest.param(
            11, bag(0, out_of_stock_threshold=-10), LineErrorCode.NOT_ENOUGH_STOCK, id="not-enough-stock-before-caps"
        ),
        pytest.param(3, bag(0, out_of_stock_threshold=-10), BACKORDER_LIMIT_EXCEEDED, id="caps-checked-last"),
        pytest.param(5, bag(3), None, id="two-backordered-within-cap"),
        pytest.param(3, bag(5), None, id="all-from-stock-no-check"),
        pytest.param(5, bag(0, manage_stock=False), None, id="stock-not-managed-never-backorders"),
    ],
)
def test_caps_are_checked_last(quantity: int, product: rules.ProductStock, code: str | None) -> None:
    decision = decide_capped_line("BAG", quantity, product, caps(2), None)
    assert (decision.error.code if decision.error else None) == code


def test_accepted_capped_line_is_section_3s_decision() -> None:
    product = bag(3)
    assert decide_capped_line("BAG", 5, product, caps(2), None) == rules.decide_line("BAG", 5, product)


def test_unknown_sku_is_unknown_sku() -> None:
    decision = decide_capped_line("NOPE", 1, None, caps(0), 0)
    assert decision.error is not None and decision.error.code is LineErrorCode.UNKNOWN_SKU


def test_group_not_allowed_to_backorder_is_never_capped() -> None:
    """The group's NO_BACKORDERS makes it NOT_ENOUGH_STOCK, never BACKORDER_LIMIT_EXCEEDED."""
    store = bag(2)
    retail = dataclasses.replace(store, settings=group_settings(store.settings, ("B2B",), GUEST))
    decision = decide_capped_line("BAG", 3, retail, caps(0), 0)
    assert decision.error is not None and decision.error.code is LineErrorCode.NOT_ENOUGH_STOCK


# ---- properties ----

stock_settings = st.builds(
    StockSettings,
    manage_stock=st.booleans(),
    backorders=st.sampled_from(list(BackorderMode)),
    out_of_stock_threshold=st.integers(-20, 20),
    only_x_left_threshold=st.integers(0, 10),
    notify_for_quantity_below=st.integers(0, 10),
)
levels = st.builds(StockLevel, st.integers(0, 30), st.integers(0, 60), st.booleans())
groups = st.sampled_from(["GUEST", "B2B", "RETAIL"])
group_lists = st.none() | st.lists(st.sampled_from(["GUEST", "B2B", "RETAIL", "*"]), max_size=3).map(tuple)
cap_values = st.none() | st.integers(0, 20)


@EXAMPLES
@given(stock_settings, group_lists, groups)
def test_group_settings_change_only_backorders(s: StockSettings, allowed: tuple[str, ...] | None, group: str) -> None:
    seen = group_settings(s, allowed, group)
    assert dataclasses.replace(seen, backorders=s.backorders) == s
    assert seen == s if may_backorder(allowed, group) else seen.backorders is NO


@EXAMPLES
@given(stock_settings, levels, cap_values, cap_values, st.integers(1, 40))
def test_caps_never_change_what_section_3_answers(
    s: StockSettings, level: StockLevel, per_order: int | None, per_customer: int | None, quantity: int
) -> None:
    """Caps are no input of availability or backorderMessage; a line they accept is section 3's own."""
    product = rules.ProductStock("BAG", "Bag", s, level)
    plain = rules.decide_line("BAG", quantity, product)
    capped = decide_capped_line("BAG", quantity, product, caps(per_order, per_customer), 0)
    if capped.error is None or capped.error.code != BACKORDER_LIMIT_EXCEEDED:
        assert capped == plain
    else:
        assert plain.error is None and plain.backordered > 0


@EXAMPLES
@given(st.integers(0, 40), cap_values, cap_values, st.none() | st.integers(0, 30))
def test_an_accepted_line_stays_within_both_caps(
    backordered: int, per_order: int | None, per_customer: int | None, waiting: int | None
) -> None:
    if backorder_limit_error("BAG", "Bag", backordered, caps(per_order, per_customer), waiting) is None:
        assert per_order is None or backordered <= per_order
        if per_customer is not None and waiting is not None and backordered:
            assert waiting + backordered <= per_customer


@EXAMPLES
@given(st.integers(1, 40), cap_values, cap_values, st.none() | st.integers(0, 30))
def test_reported_room_is_exactly_the_most_accepted(
    backordered: int, per_order: int | None, per_customer: int | None, waiting: int | None
) -> None:
    limits = caps(per_order, per_customer)
    error = backorder_limit_error("BAG", "Bag", backordered, limits, waiting)
    room = backorder_room(per_order, per_customer, waiting)
    if error is None:
        return
    assert room is not None and error.message == f'You can back order at most {room} more "Bag".'
    assert backorder_limit_error("BAG", "Bag", room + 1, limits, waiting) is not None
    if room:
        assert backorder_limit_error("BAG", "Bag", room, limits, waiting) is None


@EXAMPLES
@given(st.integers(0, 40), st.integers(0, 40), cap_values, cap_values, st.integers(0, 30))
def test_preordered_units_never_count(
    ordinary: int, preordered: int, per_order: int | None, per_customer: int | None, waiting: int
) -> None:
    limits = caps(per_order, per_customer)
    with_preorders = backorder_limit_error("BAG", "Bag", ordinary + preordered, limits, waiting, preordered)
    assert with_preorders == backorder_limit_error("BAG", "Bag", ordinary, limits, waiting)


@EXAMPLES
@given(stock_settings, levels, group_lists, groups, st.integers(1, 40))
def test_a_group_that_may_not_backorder_never_backorders(
    s: StockSettings, level: StockLevel, allowed: tuple[str, ...] | None, group: str, quantity: int
) -> None:
    product = rules.ProductStock("BAG", "Bag", group_settings(s, allowed, group), level)
    decision = decide_capped_line("BAG", quantity, product, caps(0, 0), 0)
    if not may_backorder(allowed, group):
        assert decision.backordered == 0
        assert decision.error is None or decision.error.code != BACKORDER_LIMIT_EXCEEDED


@EXAMPLES
@given(st.none() | st.integers(0, 20), st.none() | st.integers(-1, 20), st.none() | st.integers(0, 20), group_lists)
def test_effective_caps_are_valid_caps(
    store_cap: int | None, product_cap: int | None, other: int | None, allowed: tuple[str, ...] | None
) -> None:
    """A valid store and product always give caps >= 0 or null, and never a "*" in the list."""
    effective = effective_caps(CapSettings(None, store_cap, other), CapSettings(allowed, product_cap, None))
    for cap in (effective.max_backorder_quantity_per_order, effective.max_backorder_quantity_per_customer):
        assert cap is None or cap >= 0
    assert effective.backorder_customer_groups is None or "*" not in effective.backorder_customer_groups
