"""The allocation arithmetic of DESIGN.md section 4: which promises are ready, and who gets freed units."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from backstock.rules.levels import StockLevel

K = TypeVar("K")


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
