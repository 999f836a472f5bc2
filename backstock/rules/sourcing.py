"""Multi-source arithmetic (DESIGN.md 7.6): a stock's counters from its source items, and which
sources a shipment takes its units from (Magento's "source priority" algorithm)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backstock.rules.levels import StockLevel
from backstock.rules.settings import StockSettings


@dataclass(frozen=True)
class Holding:
    """One product at one source of a stock, as the rules see it."""

    source: str
    quantity: int
    in_stock: bool = True
    enabled: bool = True

    @property
    def usable(self) -> bool:
        """Magento sells and ships only from enabled sources whose item status is "in stock"."""
        return self.enabled and self.in_stock


def units_held(holdings: Iterable[Holding]) -> int:
    """What the merchant sees as the stock's quantity: units at enabled sources, whatever their flag."""
    return sum(h.quantity for h in holdings if h.enabled)


def stock_level(holdings: Sequence[Holding], reserved: int) -> StockLevel:
    """A stock's numbers for the section 3 rules: on hand counts only usable items, and the
    stock is in stock when some item at an enabled source is ("at least one source marked as In Stock")."""
    return StockLevel(
        on_hand=sum(h.quantity for h in holdings if h.usable),
        reserved=reserved,
        in_stock=any(h.usable for h in holdings),
    )


@dataclass(frozen=True)
class Selection:
    """Units to take per source code, in priority order, and what the usable sources lack."""

    picks: list[tuple[str, int]]
    shortfall: int


def select_sources(holdings: Sequence[Holding], units: int) -> Selection:
    """Source priority: the stock's sources in order, skipping disabled or out-of-stock ones,
    taking what each holds until `units` are found, so one line may split over several sources."""
    picks: list[tuple[str, int]] = []
    remaining = units
    for holding in holdings:
        if remaining <= 0:
            break
        take = min(remaining, holding.quantity) if holding.usable else 0
        if take > 0:
            picks.append((holding.source, take))
            remaining -= take
    return Selection(picks, max(0, remaining))


def source_threshold(own: int | None, settings: StockSettings) -> int:
    """A source item's low-stock threshold: its own, else the product's or the store's (`settings`
    are the product's effective settings, which already fall back to the store)."""
    return settings.notify_for_quantity_below if own is None else own


def is_source_low(quantity: int, own: int | None, settings: StockSettings) -> bool:
    """A source item is low at or below its threshold, counting its own units (reservations are per stock)."""
    return settings.manage_stock and quantity <= source_threshold(own, settings)
