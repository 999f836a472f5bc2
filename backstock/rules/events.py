"""Which stock events a change sends (DESIGN.md 7.5, "Stock events"), from what a shopper sees before and after."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backstock.rules.levels import StockLevel
from backstock.rules.settings import StockSettings
from backstock.rules.stock import StockStatus, is_low_stock, is_salable, salable_quantity, stock_status


class StockEventKind(StrEnum):
    STOCK_CHANGED = "STOCK_CHANGED"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    BACK_IN_STOCK = "BACK_IN_STOCK"
    LOW_STOCK = "LOW_STOCK"


@dataclass(frozen=True)
class StockState:
    """What a stock event tells of a product in one stock: the fields a product query answers."""

    stock_status: StockStatus
    is_salable: bool
    salable_quantity: int | None
    is_low_stock: bool


def stock_state(settings: StockSettings, level: StockLevel, held: bool) -> StockState:
    """`held`: the stock has an item of the product; where it has none, nothing there can run low."""
    return StockState(
        stock_status=stock_status(settings, level),
        is_salable=is_salable(settings, level),
        salable_quantity=salable_quantity(settings, level),
        is_low_stock=held and is_low_stock(settings, level),
    )


def stock_event_kinds(before: StockState, after: StockState) -> list[StockEventKind]:
    """Every change of status or salable quantity is a STOCK_CHANGED; crossing into or out of
    "not salable" adds OUT_OF_STOCK or BACK_IN_STOCK; crossing into low stock adds LOW_STOCK
    (rising above the threshold sends nothing of its own, as with the low-stock email)."""
    kinds = []
    if (before.stock_status, before.salable_quantity) != (after.stock_status, after.salable_quantity):
        kinds.append(StockEventKind.STOCK_CHANGED)
    if before.is_salable and not after.is_salable:
        kinds.append(StockEventKind.OUT_OF_STOCK)
    if after.is_salable and not before.is_salable:
        kinds.append(StockEventKind.BACK_IN_STOCK)
    if after.is_low_stock and not before.is_low_stock:
        kinds.append(StockEventKind.LOW_STOCK)
    return kinds
