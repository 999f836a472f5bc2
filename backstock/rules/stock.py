"""The stock rules of DESIGN.md section 3: salable quantity, status, only-X-left, low stock, line decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from backstock.rules.allocation import backordered_total
from backstock.rules.levels import MAX_INT, StockLevel
from backstock.rules.settings import BackorderMode, StockSettings


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
    BACKORDER_LIMIT_EXCEEDED = "BACKORDER_LIMIT_EXCEEDED"


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
    """How many more units can be sold; None means unlimited.

    The manual flag off means nothing can be sold, whatever is on hand (Magento's GetProductSalableQty).
    Writes that would pass GraphQL's Int are refused (`out_of_int_range`), but a store-wide
    threshold change can still push free - threshold past it: it is then reported as the Int maximum.
    """
    if not is_limited(settings):
        return None
    if not level.in_stock:
        return 0
    return min(MAX_INT, _uncapped_salable(settings, level))


def _uncapped_salable(settings: StockSettings, level: StockLevel) -> int:
    return max(0, level.free - threshold(settings))


def out_of_int_range(settings: StockSettings, level: StockLevel) -> str | None:
    """Names the first counter of `level` a client could not read back (beyond GraphQL's 32-bit Int), or None.

    Checked before any write that raises a counter, so nothing unreadable is ever saved.
    """
    counters = {
        "quantity on hand": level.on_hand,
        "reserved quantity": level.reserved,
        "salable quantity": _uncapped_salable(settings, level) if is_limited(settings) else 0,
    }
    return next((f"{name} {value}" for name, value in counters.items() if not -MAX_INT <= value <= MAX_INT), None)


def is_salable(settings: StockSettings, level: StockLevel) -> bool:
    return _is_salable(settings, level, salable_quantity(settings, level))


def _is_salable(settings: StockSettings, level: StockLevel, salable: int | None) -> bool:
    """`salable`: the product's `salable_quantity`, computed once by whoever needs more than this."""
    return not settings.manage_stock or (level.in_stock and (salable is None or salable > 0))


def stock_status(settings: StockSettings, level: StockLevel) -> StockStatus:
    return _stock_status(settings, level, is_salable(settings, level))


def _stock_status(settings: StockSettings, level: StockLevel, salable: bool) -> StockStatus:
    """Silent mode (ALLOW_QTY_BELOW_ZERO) never tells the shopper an item is backordered, and a
    product whose stock is not managed never backorders at all (as in Magento)."""
    if not salable:
        return StockStatus.OUT_OF_STOCK
    notify = settings.backorders is BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY
    if notify and settings.manage_stock and level.free <= 0:
        return StockStatus.BACKORDER
    return StockStatus.IN_STOCK


def only_x_left(settings: StockSettings, level: StockLevel) -> int | None:
    return _only_x_left(settings, salable_quantity(settings, level))


def _only_x_left(settings: StockSettings, salable: int | None) -> int | None:
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
    """The same figures as the separate rules, the salable quantity worked out once: a listing asks
    this of every product on its page (it was four `salable_quantity` runs per product)."""
    salable = salable_quantity(settings, level)
    orderable = _is_salable(settings, level, salable)
    return Availability(
        is_salable=orderable,
        stock_status=_stock_status(settings, level, orderable),
        salable_quantity=salable,
        only_x_left=_only_x_left(settings, salable),
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

    OUT_OF_STOCK covers whatever makes the product unsalable (the manual flag, or a salable
    quantity of 0) and comes before the quantity rules, as Magento checks stock status first:
    the worked example's 76th unit of 75 salable is OUT_OF_STOCK, and NOT_ENOUGH_STOCK is
    only given when some units are left to offer.
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
    salable = salable_quantity(s, product.level)
    if not _is_salable(s, product.level, salable):
        return refuse(LineErrorCode.OUT_OF_STOCK, f'"{name}" is out of stock.')
    if quantity < s.min_sale_quantity:
        return refuse(LineErrorCode.BELOW_MIN_SALE_QUANTITY, f"The fewest you may purchase is {s.min_sale_quantity}.")
    if quantity > s.max_sale_quantity:
        return refuse(LineErrorCode.ABOVE_MAX_SALE_QUANTITY, f"The most you may purchase is {s.max_sale_quantity}.")
    if quantity % s.quantity_increments:
        return refuse(
            LineErrorCode.NOT_A_QUANTITY_INCREMENT,
            f'You can buy "{name}" only in quantities of {s.quantity_increments} at a time.',
        )
    if salable is not None and quantity > salable:
        return refuse(
            LineErrorCode.NOT_ENOUGH_STOCK,
            f'We don\'t have as many "{name}" as you requested. You can order up to {salable}.',
        )
    return None


def backorder_message(product: ProductStock, quantity: int) -> str | None:
    """The notice a shopper ordering `quantity` units must see: only for an order that would be accepted."""
    return decide_line(product.sku, quantity, product).notice
