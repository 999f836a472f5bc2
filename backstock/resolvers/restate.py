"""Stock events for changes that move no counter: a product's own stock settings (and, for
back-in-stock alerts only, the store's).

Counter changes send theirs from `allocation.settle`; a settings change never reaches it, yet a
new threshold or backorder mode can change what shoppers see in every stock of the product.
"""

from __future__ import annotations

from backstock import rules
from backstock.events.stock import stock_changed
from backstock.models import StockAlert, StockAlertStatus, StockItem
from backstock.notifications import alerts
from backstock.resolvers.inventory import lock, stock_of_channel


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


async def store_settings_changed(old: rules.StockSettings, new: rules.StockSettings) -> None:
    """Call in the transaction that saves new store defaults. Their stock events are not sent (that
    would be one per product of the catalog), but the products that shoppers wait for with active
    back-in-stock alerts are checked in the `default` channel's stock, where alerts are decided:
    a change that makes one salable sends its alerts."""
    if old == new:
        return
    rows = await StockAlert.filter(status=StockAlertStatus.ACTIVE).distinct().values("product_id")
    if not rows:
        return
    for entry in (await lock(await stock_of_channel(None), ids=sorted(int(r["product_id"]) for r in rows))).values():
        overrides = entry.item.product.overrides()
        level, held = entry.counts.level, entry.counts.held is not None
        before = rules.stock_state(rules.effective_settings(old, overrides), level, held)
        after = rules.stock_state(rules.effective_settings(new, overrides), level, held)
        if rules.StockEventKind.BACK_IN_STOCK in rules.stock_event_kinds(before, after):
            await alerts.became_salable(entry.item.product.sku)
