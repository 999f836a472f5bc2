"""The stock rules: pure functions and frozen dataclasses, no I/O, no ORM, no GraphQL.

Resolvers load rows, turn them into these values, ask these functions, and write back what
they answer, so every stock decision the service takes can be read (and tested) here. One
module per concern; this package re-exports them so callers write `rules.salable_quantity`.
"""

from backstock.rules.allocation import backordered_total, cancel_split, ready_target, take_in_order
from backstock.rules.levels import MAX_INT, StockLevel
from backstock.rules.orders import LineProgress, OrderStatus, PaymentStatus, order_status, payment_status
from backstock.rules.settings import (
    SETTING_FIELDS,
    BackorderMode,
    SettingViolation,
    StockSettings,
    contract_name,
    effective_settings,
    overridden,
    validate_settings,
)
from backstock.rules.stock import (
    Availability,
    LineDecision,
    LineError,
    LineErrorCode,
    ProductStock,
    StockStatus,
    availability,
    backorder_message,
    backorder_notice,
    backorders_on,
    decide_line,
    is_limited,
    is_low_stock,
    is_salable,
    merge_lines,
    only_x_left,
    out_of_int_range,
    salable_quantity,
    split_line,
    stock_status,
    threshold,
)

__all__ = [
    "MAX_INT",
    "SETTING_FIELDS",
    "Availability",
    "BackorderMode",
    "LineDecision",
    "LineError",
    "LineErrorCode",
    "LineProgress",
    "OrderStatus",
    "PaymentStatus",
    "ProductStock",
    "SettingViolation",
    "StockLevel",
    "StockSettings",
    "StockStatus",
    "availability",
    "backorder_message",
    "backorder_notice",
    "backordered_total",
    "backorders_on",
    "cancel_split",
    "contract_name",
    "decide_line",
    "effective_settings",
    "is_limited",
    "is_low_stock",
    "is_salable",
    "merge_lines",
    "only_x_left",
    "order_status",
    "out_of_int_range",
    "overridden",
    "payment_status",
    "ready_target",
    "salable_quantity",
    "split_line",
    "stock_status",
    "take_in_order",
    "threshold",
    "validate_settings",
]
