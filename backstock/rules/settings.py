"""Stock settings (DESIGN.md section 3): the full set, per-product overrides, and their validation."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class BackorderMode(StrEnum):
    NO_BACKORDERS = "NO_BACKORDERS"
    ALLOW_QTY_BELOW_ZERO = "ALLOW_QTY_BELOW_ZERO"
    ALLOW_QTY_BELOW_ZERO_AND_NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"


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
    backorder_lead_time_days: int | None = None  # None: unknown (DESIGN.md 7.1)


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
