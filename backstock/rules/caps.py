"""Customer groups and backorder caps (DESIGN.md section 7.3): pure rules, no I/O.

Three settings join the stock settings, store default and product override like the others:
`backorderCustomerGroups` (who may backorder), `maxBackorderQuantityPerOrder` and
`maxBackorderQuantityPerCustomer`. They live in their own dataclass, `CapSettings`, because
`StockSettings` belongs to section 3; the wiring stores and serves both side by side.

A group never gets rules of its own: `group_settings` turns a product's effective settings
into the settings the section 3 rules must use for that group, so every stock field, quote
and checkout reads the group's view by calling the existing functions unchanged. Caps come
after: `decide_capped_line` runs the section 3 line check, then the cap check last.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from backstock.rules.settings import BackorderMode, SettingViolation, StockSettings, contract_name, effective_settings
from backstock.rules.stock import LineDecision, LineError, LineErrorCode, ProductStock, decide_line

GUEST: Final = "GUEST"
"""The group of a request that asserts none."""

EVERY_GROUP: Final = "*"
"""In `backorderCustomerGroups`, every group: lets a product lift a store-wide list."""

NO_CAP: Final = -1
"""A product's cap of -1 lifts the store's cap; its effective value reads null."""

GROUP_CODE: Final = re.compile(r"[A-Z0-9_]{1,32}")

_T = TypeVar("_T")

BACKORDER_LIMIT_EXCEEDED: Final = LineErrorCode.BACKORDER_LIMIT_EXCEEDED


def is_group_code(code: str) -> bool:
    """Whether `code` is a customer group code, `[A-Z0-9_]{1,32}`.

    Called by the wiring for `product`/`products`/`quote(customerGroup)` and `CustomerInput.group`,
    after the key check (a group without a key is FORBIDDEN before its format is looked at).
    """
    return GROUP_CODE.fullmatch(code) is not None


def customer_group(asserted: str | None) -> str:
    """The request's group: the asserted code, or GUEST when the request names none.

    Called by the wiring once per request; the result feeds `group_settings` and `Order.customerGroup`.
    """
    return GUEST if asserted is None else asserted


@dataclass(frozen=True)
class CapSettings:
    """The three settings of 7.3 at one level, or effective (None = not set / every group / no cap).

    At a level (store or product) None means "not set here". Effective (from `effective_caps`)
    `backorder_customer_groups` None means every group and a cap None means no cap.
    """

    backorder_customer_groups: tuple[str, ...] | None = None
    max_backorder_quantity_per_order: int | None = None
    max_backorder_quantity_per_customer: int | None = None


CAP_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(CapSettings))


def overridden_caps(product: CapSettings) -> list[str]:
    """Contract names of the 7.3 settings a product sets itself, for `StockSettings.overridden`."""
    return [contract_name(f) for f in CAP_FIELDS if getattr(product, f) is not None]


def effective_caps(store: CapSettings, product: CapSettings) -> CapSettings:
    """A product's effective 7.3 settings: its own value where set, else the store's.

    `["*"]` (any list holding "*") reads as null, every group, and a cap of -1 reads as null,
    no cap: that is how a product lifts a store-wide list or cap. Called by the wiring for the
    `StockSettings` fields of a product and before every stock field, quote and checkout line.
    """
    groups = _own_else_store(product.backorder_customer_groups, store.backorder_customer_groups)
    return CapSettings(
        backorder_customer_groups=None if groups is None or EVERY_GROUP in groups else groups,
        max_backorder_quantity_per_order=_cap(
            _own_else_store(product.max_backorder_quantity_per_order, store.max_backorder_quantity_per_order)
        ),
        max_backorder_quantity_per_customer=_cap(
            _own_else_store(product.max_backorder_quantity_per_customer, store.max_backorder_quantity_per_customer)
        ),
    )


def _own_else_store(own: _T | None, store: _T | None) -> _T | None:
    return store if own is None else own


def _cap(value: int | None) -> int | None:
    return None if value is None or value == NO_CAP else value


def may_backorder(groups: tuple[str, ...] | None, group: str) -> bool:
    """Whether `group` may backorder under an effective `backorderCustomerGroups` (None: every group; [] none)."""
    return groups is None or EVERY_GROUP in groups or group in groups


def group_settings(settings: StockSettings, groups: tuple[str, ...] | None, group: str) -> StockSettings:
    """The settings the section 3 rules must use for `group`: for a group not allowed to backorder
    the product behaves as NO_BACKORDERS; nothing else changes.

    Called by the wiring before `availability`, `decide_line`/`decide_capped_line` and
    `backorder_message`, so every stock field, quote and checkout sees the group's view.
    (A negative outOfStockThreshold then counts as 0, as section 3 says for backorders off.)
    """
    if may_backorder(groups, group):
        return settings
    return dataclasses.replace(settings, backorders=BackorderMode.NO_BACKORDERS)


@dataclass(frozen=True)
class GroupView:
    """A product's effective settings, and what one customer group must see of them."""

    settings: StockSettings
    caps: CapSettings
    may_backorder: bool
    group_settings: StockSettings


def group_view(
    store: StockSettings, store_caps: CapSettings, overrides: Mapping[str, Any], own_caps: CapSettings, group: str
) -> GroupView:
    """The one derivation of a group's view: product views read it for the request's group, stock
    events and back-in-stock alerts for GUEST (what `product(sku)` answers without a group, and
    what subscribing to an alert checked), so a group restriction never hides a change from them."""
    settings = effective_settings(store, overrides)
    caps = effective_caps(store_caps, own_caps)
    groups = caps.backorder_customer_groups
    return GroupView(settings, caps, may_backorder(groups, group), group_settings(settings, groups, group))


def validate_caps(level: CapSettings, *, product_level: bool) -> list[SettingViolation]:
    """Checks the 7.3 settings saved at one level, like `validate_settings`: violations, never raises.

    Group entries are group codes or "*"; caps are integers >= 0, and -1 (lift the store's cap)
    only at product level. Called by `updateInventoryConfig` (product_level=False) and
    `updateStockSettings` (product_level=True); each violation is a BAD_USER_INPUT naming its field.
    """
    found: list[SettingViolation] = []
    for entry in level.backorder_customer_groups or ():
        if entry != EVERY_GROUP and not is_group_code(entry):
            found.append(
                _violation(
                    "backorder_customer_groups",
                    f'entries must be group codes ([A-Z0-9_]{{1,32}}) or "*", got {entry!r}',
                )
            )
    lowest = NO_CAP if product_level else 0
    rule = "must be 0 or more, or -1 for no cap" if product_level else "must be 0 or more"
    for field in ("max_backorder_quantity_per_order", "max_backorder_quantity_per_customer"):
        value = getattr(level, field)
        if value is not None and value < lowest:
            found.append(_violation(field, f"{rule}, got {value}"))
    return found


def _violation(field: str, rule: str) -> SettingViolation:
    name = contract_name(field)
    return SettingViolation(name, f"{name} {rule}")


def backorder_room(per_order: int | None, per_customer: int | None, waiting: int | None) -> int | None:
    """n, the smaller room left of the two caps; None when no cap applies.

    The per-order cap's room is the cap itself (it bounds one line). The per-customer cap's room
    is the cap minus the customer's units still waiting (never below 0: a lowered cap leaves 0);
    it applies only when the customer is known (`waiting` not None): a quote without
    `customerEmail` applies the per-order cap alone.
    """
    rooms = [] if per_order is None else [per_order]
    if per_customer is not None and waiting is not None:
        rooms.append(max(0, per_customer - waiting))
    return min(rooms) if rooms else None


def backorder_limit_message(name: str, room: int) -> str:
    """The refusal's wording, from the design: how many more may be backordered (may be 0)."""
    return f'You can back order at most {room} more "{name}".'


def backorder_limit_error(
    sku: str,
    name: str,
    backordered: int,
    caps: CapSettings,
    waiting: int | None,
    preordered: int = 0,
) -> LineError | None:
    """BACKORDER_LIMIT_EXCEEDED for an accepted line whose backordered units exceed the room left, else None.

    `caps` are effective (`effective_caps`); `waiting` is the customer's backordered units still
    waiting for this product in this stock, pre-ordered ones left out (None: customer unknown);
    `preordered` is how many of the line's `backordered` units are pre-orders, which never count.
    Called through `decide_capped_line`; a resolver that already has a LineDecision may call it directly.
    """
    counted = max(0, backordered - preordered)
    if counted == 0:
        return None
    room = backorder_room(caps.max_backorder_quantity_per_order, caps.max_backorder_quantity_per_customer, waiting)
    if room is None or counted <= room:
        return None
    return LineError(sku, BACKORDER_LIMIT_EXCEEDED, backorder_limit_message(name, room))


def decide_capped_line(
    sku: str,
    quantity: int,
    product: ProductStock | None,
    caps: CapSettings,
    waiting: int | None,
    preordered: int = 0,
) -> LineDecision:
    """Section 3's line decision, then the cap check last (after NOT_ENOUGH_STOCK).

    `product.settings` must already be `group_settings(...)` for the request's group: a group
    that may not backorder then never has backordered units, so the caps only ever judge a line
    whose group may backorder. Called by `quote` and `checkout` for each merged line, the
    checkout under the same lock as the salable quantity.
    """
    decision = decide_line(sku, quantity, product)
    if decision.error is not None or product is None:
        return decision
    error = backorder_limit_error(sku, product.name, decision.backordered, caps, waiting, preordered)
    return decision if error is None else LineDecision(sku, quantity, error=error)
