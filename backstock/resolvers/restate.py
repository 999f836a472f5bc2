"""Stock events for changes that move no counter: a product's own stock settings.

Counter changes send theirs from `allocation.settle`; a settings change never reaches it, yet a
new threshold or backorder mode can change what shoppers see in every stock of the product.
"""

from __future__ import annotations

from backstock import rules
from backstock.events.stock import stock_changed
from backstock.models import StockItem
from backstock.resolvers.inventory import lock


async def settings_changed(product_id: int, sku: str, old: rules.StockSettings, new: rules.StockSettings) -> None:
    """Call in the transaction that saves the new settings; locks the product's items stock by stock."""
    if old == new:
        return
    items = await StockItem.filter(product_id=product_id).order_by("stock_id")
    for stock_id in [item.stock_id for item in items]:
        for entry in (await lock(stock_id, ids=[product_id])).values():
            level, held = entry.counts.level, entry.counts.held is not None
            before, after = rules.stock_state(old, level, held), rules.stock_state(new, level, held)
            await stock_changed(sku, stock_id, before, after)
