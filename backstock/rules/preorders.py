"""The pre-order rules of DESIGN.md section 7.2: status, salable quantity under the cap, every unit
waits, the line notice, the expected date, release-day allocation and the PreorderInput checks.

Plain values in and out; "today" is always an argument (the store's calendar date in
`BACKSTOCK_TIMEZONE`), never read here. Counters follow section 3: `level.reserved` includes the
pre-ordered units (ordered, neither shipped nor cancelled), and `Preorder.preordered_quantity`
counts the units ordered before release and not cancelled; while a pre-order is active none of
them is ready, so they are also exactly the units it holds back from allocation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from backstock.rules.allocation import ready_target, take_in_order
from backstock.rules.events import StockState, stock_state
from backstock.rules.levels import StockLevel
from backstock.rules.settings import BackorderMode, SettingViolation, StockSettings
from backstock.rules.stock import (
    Availability,
    LineDecision,
    ProductStock,
    StockStatus,
    availability,
    decide_line,
    is_low_stock,
)

K = TypeVar("K")

PREORDER_MESSAGE_MAX_LENGTH = 255
"""The merchant's notice replaces ours on every pre-ordered line and in emails: one short line of text."""


@dataclass(frozen=True)
class Preorder:
    """A product's pre-order as stored (the contract's `Preorder`; `PreorderInput` without the count)."""

    release_date: date
    max_quantity: int | None = None
    message: str | None = None
    preordered_quantity: int = 0


def is_preorder_active(preorder: Preorder | None, today: date) -> bool:
    """A pre-order exists only before its release date: a release today or earlier is no pre-order at all.

    Called for `Product.preorder` (null when this is false), `OrderLine.isPreorder` at checkout,
    and by the periodic release task (a stored pre-order that is no longer active is released).
    """
    return preorder is not None and preorder.release_date > today


def preorder_availability(
    settings: StockSettings,
    level: StockLevel,
    preorder: Preorder | None,
    today: date,
    group_may_backorder: bool,
) -> Availability:
    """`Product.availability` fields (isSalable, stockStatus, salableQuantity, onlyXLeft, isLowStock,
    backorderedQuantity): `rules.availability` unless a pre-order is active, so the wiring swaps it in.

    Before release: PRE_ORDER while orderable (PRE_ORDER always means orderable), salableQuantity =
    cap - pre-ordered (None without a cap), OUT_OF_STOCK (0) at the cap. The manual flag off, or a
    group outside `backorderCustomerGroups` (`group_may_backorder` false), reads OUT_OF_STOCK with 0,
    the cap kept for later. Stock not managed ignores only the cap (None); its units still wait.
    Pre-ordered units count as backordered even though units are on hand (they all wait).
    """
    if preorder is None or not is_preorder_active(preorder, today):
        return availability(settings, level)
    salable = preorder_salable_quantity(settings, level, preorder, group_may_backorder)
    orderable = salable is None or salable > 0
    cutoff = settings.only_x_left_threshold
    return Availability(
        is_salable=orderable,
        stock_status=StockStatus.PRE_ORDER if orderable else StockStatus.OUT_OF_STOCK,
        salable_quantity=salable,
        only_x_left=salable if salable is not None and cutoff > 0 and 0 < salable <= cutoff else None,
        is_low_stock=is_low_stock(settings, level),
        backordered=level.reserved - held_ready_target(level, preorder.preordered_quantity),
    )


def preorder_stock_state(
    settings: StockSettings,
    level: StockLevel,
    held: bool,
    preorder: Preorder | None,
    today: date,
    group_may_backorder: bool,
) -> StockState:
    """What a stock event tells of a product in one stock, pre-order aware: the one state every stock
    event and back-in-stock alert compares, before and after a change (`rules.stock_event_kinds`).

    `preorder` carries the pre-ordered count as it stands on that side of the change, so reaching the
    cap reads OUT_OF_STOCK and a cancellation below it PRE_ORDER again (salable: the alerts go).
    `settings` and `group_may_backorder` are one group's view (`group_view`; the wiring passes
    GUEST's, as `product(sku)` answers without a group). `held`: the stock has an item of the
    product; where it has none, nothing there can run low.
    """
    if preorder is None or not is_preorder_active(preorder, today):
        return stock_state(settings, level, held)
    view = preorder_availability(settings, level, preorder, today, group_may_backorder)
    return StockState(
        stock_status=view.stock_status,
        is_salable=view.is_salable,
        salable_quantity=view.salable_quantity,
        is_low_stock=held and view.is_low_stock,
    )


def preorder_salable_quantity(
    settings: StockSettings, level: StockLevel, preorder: Preorder, group_may_backorder: bool
) -> int | None:
    """Salable quantity of an active pre-order: cap - pre-ordered (never below 0), None when uncapped.

    The manual flag off and a group that may not backorder give 0 (nothing can be ordered before
    release); stock not managed ignores the cap only, so the flag still counts there.
    """
    if not level.in_stock or not group_may_backorder:
        return 0
    if not settings.manage_stock or preorder.max_quantity is None:
        return None
    return max(0, preorder.max_quantity - preorder.preordered_quantity)


def preorder_ship_date(release_date: date, projected: date | None) -> date:
    """A pre-ordered line's expected date: the later of the release date and its projection
    (section 7.1), the release date when the projection is unknown (None).

    Called for `OrderLine.expectedShipDate` of pre-ordered lines, the quote's date and the notice.
    """
    return release_date if projected is None else max(release_date, projected)


def preorder_notice(preorder: Preorder, ship_date: date) -> str:
    """The line notice, shown in every backorder mode: the merchant's message when set, else
    `Pre-order: ships from <date>.` with the line's expected date as YYYY-MM-DD."""
    return preorder.message or f"Pre-order: ships from {ship_date.isoformat()}."


def decide_preorder_line(
    sku: str,
    quantity: int,
    product: ProductStock | None,
    preorder: Preorder | None,
    today: date,
    *,
    group_may_backorder: bool,
    projected: date | None,
) -> LineDecision:
    """Checkout and quote lines: `rules.decide_line` unless a pre-order is active.

    Before release the refusals are rules.stock's, in its order (quantity below 1, unknown SKU,
    OUT_OF_STOCK when the pre-order is not orderable, min, max, increments, NOT_ENOUGH_STOCK beyond
    the cap's remainder); an accepted line puts every unit in waiting (in_stock 0), even with units
    on hand, with the pre-order notice for `preorder_ship_date(release, projected)`.
    """
    if product is None or preorder is None or not is_preorder_active(preorder, today):
        return decide_line(sku, quantity, product)
    view = preorder_availability(product.settings, product.level, preorder, today, group_may_backorder)
    checked = decide_line(sku, quantity, _as_stock_checks(product, view))
    if checked.error is not None:
        return checked
    notice = preorder_notice(preorder, preorder_ship_date(preorder.release_date, projected))
    return LineDecision(sku, quantity, in_stock=0, backordered=quantity, notice=notice)


def _as_stock_checks(product: ProductStock, view: Availability) -> ProductStock:
    """The pre-order as rules.stock's checks see it, so its refusals are theirs, not a copy: the manual
    flag says whether the pre-order is orderable, the cap's remainder is the only stock (no threshold,
    no backorders), and an uncapped pre-order is unlimited. Quantity rules keep the product's settings.
    """
    capped = view.salable_quantity is not None
    settings = replace(
        product.settings,
        manage_stock=True,
        out_of_stock_threshold=0,
        backorders=BackorderMode.NO_BACKORDERS if capped else BackorderMode.ALLOW_QTY_BELOW_ZERO,
    )
    level = StockLevel(on_hand=view.salable_quantity or 0, reserved=0, in_stock=view.is_salable)
    return replace(product, settings=settings, level=level)


def held_ready_target(level: StockLevel, preordered: int) -> int:
    """`rules.ready_target` while a pre-order holds `preordered` units back: they are reserved but
    never ready before release, so only the other reserved units are promised from stock on hand.

    The wiring passes this (not `ready_target`) as the before/after target of `settle` while a
    pre-order is active; with `preordered` 0 it is `ready_target`.
    """
    return max(0, min(level.on_hand, level.reserved - preordered))


def release_allocation(level: StockLevel, preordered: int, waiting: Iterable[tuple[K, int]]) -> list[tuple[K, int]]:
    """Release day (or `setPreorder(null)`): which waiting units become ready, as (line, units).

    `waiting` is every waiting line of the product, oldest order first, each with its waiting units.
    Free units on hand cover the pre-ordered units before any purchase order does: the units the
    pre-order held back from stock on hand are handed out now, in the release's transaction, and only
    what is still waiting afterwards goes to the projection (purchase orders). Called by the periodic
    release task and by `setPreorder(null)`, with the level and pre-ordered count before release.
    """
    return take_in_order(waiting, ready_target(level) - held_ready_target(level, preordered))


def validate_preorder(preorder: Preorder) -> list[SettingViolation]:
    """`setPreorder`'s input checks, each a BAD_USER_INPUT naming the field; any release date is accepted.

    maxQuantity ≥ 1 when set; message (when set) 1 to PREORDER_MESSAGE_MAX_LENGTH printable characters,
    not only blanks (it replaces the notice, which must say something).
    """
    found: list[SettingViolation] = []
    if preorder.max_quantity is not None and preorder.max_quantity < 1:
        found.append(SettingViolation("maxQuantity", f"maxQuantity must be 1 or more, got {preorder.max_quantity}"))
    message = preorder.message
    if message is not None and not (
        message.strip() and message.isprintable() and len(message) <= PREORDER_MESSAGE_MAX_LENGTH
    ):
        found.append(
            SettingViolation(
                "message", f"message must be 1 to {PREORDER_MESSAGE_MAX_LENGTH} printable characters, not only blanks"
            )
        )
    return found
