"""Order and payment status, derived from line progress and money movements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class OrderStatus(StrEnum):
    PROCESSING = "PROCESSING"
    COMPLETE = "COMPLETE"
    CANCELED = "CANCELED"


class PaymentStatus(StrEnum):
    CAPTURED = "CAPTURED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"


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
