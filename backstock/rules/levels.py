"""A product's stock counters, the plain values every rule reads."""

from __future__ import annotations

from dataclasses import dataclass

MAX_INT = 2**31 - 1
"""GraphQL's Int is 32-bit: a counter beyond it could be saved but never read back."""


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
