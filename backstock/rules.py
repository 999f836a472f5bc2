"""The stock rules of DESIGN.md section 3 and the allocation arithmetic of section 4.

Everything here is pure: plain values in, plain values out, no I/O. Resolvers load rows,
turn them into these values, ask these functions, and write back what they answer, so
every stock decision the service takes can be read (and tested) in this one module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

K = TypeVar("K")


class BackorderMode(StrEnum):
    NO_BACKORDERS = "NO_BACKORDERS"
    ALLOW_QTY_BELOW_ZERO = "ALLOW_QTY_BELOW_ZERO"
    ALLOW_QTY_BELOW_ZERO_AND_NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"


class StockStatus(StrEnum):
    IN_STOCK = "IN_STOCK"
    BACKORDER = "BACKORDER"
    PRE_ORDER = "PRE_ORDER"
    OUT_OF_STOCK = "OUT_OF_STOCK"


class LineErrorCode(StrEnum):
    UNKNOWN_SKU = "UNKNOWN_SKU"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    NOT_ENOUGH_STOCK = "NOT_ENOUGH_STOCK"
    BELOW_MIN_SALE_QUANTITY = "BELOW_MIN_SALE_QUANTITY"
    ABOVE_MAX_SALE_QUANTITY = "ABOVE_MAX_SALE_QUANTITY"
    NOT_A_QUANTITY_INCREMENT = "NOT_A_QUANTITY_INCREMENT"


class OrderStatus(StrEnum):
    PROCESSING = "PROCESSING"
    COMPLETE = "COMPLETE"
    CANCELED = "CANCELED"


class PaymentStatus(StrEnum):
    CAPTURED = "CAPTURED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"


@dataclass(frozen=True)
class StockSettings:
    """A full set of stock settings; the defaults are Magento's store defaults."""

    manage_stock: bool = True
    backorders: BackorderMode = BackorderMode.NO_BACKORDERS
    out_of_stock_threshold: int = 0
    only_x_left_threshold: int = 0
    notify_for_quantity_below: int = 1
    min_sale_quantity: int = 1
    max_sale_quantity: int = 10000
    quantity_increments: int = 1


SETTING_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(StockSettings))


def contract_name(field: str) -> str:
    """The GraphQL contract spells settings in camelCase: `out_of_stock_threshold` is `outOfStockThreshold`."""
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


def effective_settings(store: StockSettings, overrides: Mapping[str, Any]) -> StockSettings:
    """A product's settings: its own value where it has one (not None), else the store's."""
    own = {name: value for name, value in overrides.items() if value is not None}
    return dataclasses.replace(store, **own)


def overridden(overrides: Mapping[str, Any]) -> list[str]:
    """Contract names of the settings a product overrides, in the contract's order."""
    return [contract_name(f) for f in SETTING_FIELDS if overrides.get(f) is not None]


@dataclass(frozen=True)
class SettingViolation:
    field: str
    message: str


def validate_settings(level: Mapping[str, Any], effective: StockSettings) -> list[SettingViolation]:
    """Checks the settings saved at one level (store or product; None = not set there).

    `effective` is what the product ends up with, so that a product overriding only
    maxSaleQuantity is still held to the store's minSaleQuantity.
    """
    found: list[SettingViolation] = []
    lower_bounds = {
        "min_sale_quantity": 1,
        "quantity_increments": 1,
        "only_x_left_threshold": 0,
        "notify_for_quantity_below": 0,
    }
    for field, bound in lower_bounds.items():
        value = level.get(field)
        if value is not None and value < bound:
            found.append(_violation(field, f"must be {bound} or more, got {value}"))
    touches_range = level.get("min_sale_quantity") is not None or level.get("max_sale_quantity") is not None
    if touches_range and effective.max_sale_quantity < effective.min_sale_quantity:
        found.append(
            _violation(
                "max_sale_quantity",
                f"must be at least minSaleQuantity ({effective.min_sale_quantity}), got {effective.max_sale_quantity}",
            )
        )
    threshold = level.get("out_of_stock_threshold")
    if threshold is not None and threshold < 0 and level.get("backorders") == BackorderMode.NO_BACKORDERS:
        found.append(
            _violation(
                "out_of_stock_threshold",
                f"may be negative only when backorders are allowed, got {threshold} with NO_BACKORDERS",
            )
        )
    return found


def _violation(field: str, rule: str) -> SettingViolation:
    name = contract_name(field)
    return SettingViolation(name, f"{name} {rule}")


@dataclass(frozen=True)
class StockLevel:
    """A product's counters: units on hand, units reserved by open orders, the manual flag."""

    on_hand: int
    reserved: int
    in_stock: bool = True

    @property
    def free(self) -> int:
        """Magento's "Qty": below 0 while backorders are outstanding."""
        return self.on_hand - self.reserved


def backorders_on(settings: StockSettings) -> bool:
    return settings.backorders is not BackorderMode.NO_BACKORDERS


def threshold(settings: StockSettings) -> int:
    """With backorders off a negative threshold counts as 0."""
    t = settings.out_of_stock_threshold
    return t if backorders_on(settings) else max(0, t)


def is_limited(settings: StockSettings) -> bool:
    """Whether a cap applies at all: backorders with a threshold of 0 or more are unlimited."""
    return settings.manage_stock and not (backorders_on(settings) and settings.out_of_stock_threshold >= 0)


def salable_quantity(settings: StockSettings, level: StockLevel) -> int | None:
    """How many more units can be sold; None means unlimited."""
    if not is_limited(settings):
        return None
    return max(0, level.free - threshold(settings))


def is_salable(settings: StockSettings, level: StockLevel) -> bool:
    if not settings.manage_stock:
        return True
    salable = salable_quantity(settings, level)
    return level.in_stock and (salable is None or salable > 0)


def stock_status(settings: StockSettings, level: StockLevel) -> StockStatus:
    """Silent mode (ALLOW_QTY_BELOW_ZERO) never tells the shopper an item is backordered."""
    if not is_salable(settings, level):
        return StockStatus.OUT_OF_STOCK
    notify = settings.backorders is BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY
    if notify and settings.manage_stock and level.free <= 0:
        return StockStatus.BACKORDER
    return StockStatus.IN_STOCK


def only_x_left(settings: StockSettings, level: StockLevel) -> int | None:
    salable = salable_quantity(settings, level)
    cutoff = settings.only_x_left_threshold
    if salable is None or cutoff <= 0 or not 0 < salable <= cutoff:
        return None
    return salable


def is_low_stock(settings: StockSettings, level: StockLevel) -> bool:
    """The low-stock threshold only alerts the merchant; it never changes what can be sold."""
    return settings.manage_stock and level.free <= settings.notify_for_quantity_below


@dataclass(frozen=True)
class Availability:
    """Everything a storefront reads about a product's stock, computed once per product."""

    is_salable: bool
    stock_status: StockStatus
    salable_quantity: int | None
    only_x_left: int | None
    is_low_stock: bool
    backordered: int


def availability(settings: StockSettings, level: StockLevel) -> Availability:
    return Availability(
        is_salable=is_salable(settings, level),
        stock_status=stock_status(settings, level),
        salable_quantity=salable_quantity(settings, level),
        only_x_left=only_x_left(settings, level),
        is_low_stock=is_low_stock(settings, level),
        backordered=backordered_total(level),
    )


def backorder_notice(product_name: str, backordered: int) -> str:
    """Magento's wording, kept word for word: merchants and shoppers know it."""
    return (
        f"We don't have as many \"{product_name}\" as you requested, but we'll back order the remaining {backordered}."
    )


@dataclass(frozen=True)
class ProductStock:
    """What the line decision needs to know of one product."""

    sku: str
    name: str
    settings: StockSettings
    level: StockLevel


@dataclass(frozen=True)
class LineError:
    sku: str
    code: LineErrorCode
    message: str


@dataclass(frozen=True)
class LineDecision:
    """The answer for one cart line: how it splits, the shopper's notice, or why it is refused."""

    sku: str
    requested: int
    in_stock: int = 0
    backordered: int = 0
    notice: str | None = None
    error: LineError | None = None


def merge_lines(lines: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Sums the lines of one cart by SKU, keeping the order in which SKUs first appear."""
    merged: dict[str, int] = {}
    for sku, quantity in lines:
        merged[sku] = merged.get(sku, 0) + quantity
    return list(merged.items())


def decide_line(sku: str, quantity: int, product: ProductStock | None) -> LineDecision:
    """Checks a line in DESIGN.md's order (the first failure is its error), else splits it.

    OUT_OF_STOCK is the merchant's manual flag; a product that has merely sold down to a
    salable quantity of 0 refuses with NOT_ENOUGH_STOCK ("You can order up to 0."), as in
    the worked example where the 76th unit of 75 salable is NOT_ENOUGH_STOCK.
    """
    error = _line_error(sku, quantity, product)
    if error is not None or product is None:
        return LineDecision(sku, quantity, error=error)
    return split_line(product, quantity)


def split_line(product: ProductStock, quantity: int) -> LineDecision:
    """Units that ship from stock on hand, and the rest backordered (with the notice in notify mode)."""
    in_stock = quantity
    if product.settings.manage_stock:
        in_stock = min(quantity, max(0, product.level.free))
    backordered = quantity - in_stock
    notify = product.settings.backorders is BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY
    notice = backorder_notice(product.name, backordered) if notify and backordered else None
    return LineDecision(product.sku, quantity, in_stock, backordered, notice)


def _line_error(sku: str, quantity: int, product: ProductStock | None) -> LineError | None:
    def refuse(code: LineErrorCode, message: str) -> LineError:
        return LineError(sku, code, message)

    if quantity < 1:
        return refuse(
            LineErrorCode.INVALID_QUANTITY,
            f"SKU '{sku}': quantity must be 1 or more, got {quantity}.",
        )
    if product is None:
        return refuse(LineErrorCode.UNKNOWN_SKU, f"SKU '{sku}' does not exist.")
    s, name = product.settings, product.name
    if s.manage_stock and not product.level.in_stock:
        return refuse(LineErrorCode.OUT_OF_STOCK, f'"{name}" is out of stock.')
    if quantity < s.min_sale_quantity:
        return refuse(
            LineErrorCode.BELOW_MIN_SALE_QUANTITY,
            f"The requested qty is not available. The fewest you may purchase is {s.min_sale_quantity}.",
        )
    if quantity > s.max_sale_quantity:
        return refuse(
            LineErrorCode.ABOVE_MAX_SALE_QUANTITY,
            f"The requested qty exceeds the maximum qty allowed in shopping cart. "
            f"The most you may purchase is {s.max_sale_quantity}.",
        )
    if quantity % s.quantity_increments:
        return refuse(
            LineErrorCode.NOT_A_QUANTITY_INCREMENT,
            f'You can buy "{name}" only in quantities of {s.quantity_increments} at a time.',
        )
    salable = salable_quantity(s, product.level)
    if salable is not None and quantity > salable:
        return refuse(
            LineErrorCode.NOT_ENOUGH_STOCK,
            f'We don\'t have as many "{name}" as you requested. You can order up to {salable}.',
        )
    return None


def backorder_message(product: ProductStock, quantity: int) -> str | None:
    """The notice a shopper ordering `quantity` units must see: only for an order that would be accepted."""
    return decide_line(product.sku, quantity, product).notice


def ready_target(level: StockLevel) -> int:
    """Units that should be promised from stock: as many reserved units as are on hand."""
    return max(0, min(level.on_hand, level.reserved))


def backordered_total(level: StockLevel) -> int:
    """With allocation always run eagerly, what is reserved beyond stock on hand waits for stock."""
    return max(0, level.reserved - max(0, level.on_hand))


def take_in_order(candidates: Iterable[tuple[K, int]], units: int) -> list[tuple[K, int]]:
    """Hands out `units` to candidates in the order given, each up to what it can take.

    Allocation passes waiting lines oldest first; de-allocation passes ready lines newest first.
    """
    taken: list[tuple[K, int]] = []
    for key, room in candidates:
        if units <= 0:
            break
        share = min(room, units)
        if share > 0:
            taken.append((key, share))
            units -= share
    return taken


def cancel_split(backordered: int, ready: int, quantity: int) -> tuple[int, int]:
    """Cancelling drops backordered units first, then ready ones: (from backordered, from ready)."""
    from_backordered = min(backordered, quantity)
    return from_backordered, min(ready, quantity - from_backordered)


@dataclass(frozen=True)
class LineProgress:
    ordered: int
    shipped: int
    cancelled: int


def order_status(lines: Sequence[LineProgress]) -> OrderStatus:
    if all(line.cancelled == line.ordered for line in lines):
        return OrderStatus.CANCELED
    if all(line.shipped + line.cancelled == line.ordered for line in lines):
        return OrderStatus.COMPLETE
    return OrderStatus.PROCESSING


def payment_status(captured: Decimal, refunded: Decimal) -> PaymentStatus:
    if refunded <= 0:
        return PaymentStatus.CAPTURED
    if refunded >= captured:
        return PaymentStatus.REFUNDED
    return PaymentStatus.PARTIALLY_REFUNDED
