"""Stock events for changes that move no counter: a product's own stock settings and 7.3 settings
(and, for back-in-stock alerts only, the store's).

Counter changes send theirs from `allocation.settle`; a settings change never reaches it, yet a
new threshold or backorder mode can change what shoppers see in every stock of the product.
"""

from __future__ import annotations

from backstock import rules
from backstock.events.stock import stock_changed
from backstock.models import StockAlert, StockAlertStatus, StockItem
from backstock.notifications import alerts
from backstock.resolvers import clock
from backstock.resolvers.groups import Terms, group_view
from backstock.resolvers.inventory import Locked, lock, stock_of_channel
from backstock.resolvers.preordered import stored_preorder


async def settings_changed(product_id: int, sku: str, old: rules.GroupView, new: rules.GroupView) -> None:
    """Call in the transaction that saves the new settings, with GUEST's view of the product before
    and after them (stock events tell what `product(sku)` answers without a group); locks the
    product's items stock by stock."""
    if _guest(old) == _guest(new):
        return
    items = await StockItem.filter(product_id=product_id).order_by("stock_id")
    for stock_id in [item.stock_id for item in items]:
        for entry in (await lock(stock_id, ids=[product_id])).values():
            await stock_changed(sku, stock_id, *await _states(entry, old, new))


async def store_settings_changed(old: Terms, new: Terms) -> None:
    """Call in the transaction that saves new store defaults. Their stock events are not sent (that
    would be one per product of the catalog), but the products that shoppers wait for with active
    back-in-stock alerts are checked in the `default` channel's stock, where alerts are decided:
    a change that makes one salable sends its alerts."""
    if (old.settings, old.caps) == (new.settings, new.caps):
        return
    rows = await StockAlert.filter(status=StockAlertStatus.ACTIVE).distinct().values("product_id")
    if not rows:
        return
    for entry in (await lock(await stock_of_channel(None), ids=sorted(int(r["product_id"]) for r in rows))).values():
        product = entry.item.product
        before, after = await _states(entry, group_view(old, product), group_view(new, product))
        if rules.StockEventKind.BACK_IN_STOCK in rules.stock_event_kinds(before, after):
            await alerts.became_salable(product.sku)


def _guest(view: rules.GroupView) -> tuple[rules.StockSettings, bool]:
    return view.group_settings, view.may_backorder


async def _states(
    entry: Locked, old: rules.GroupView, new: rules.GroupView
) -> tuple[rules.StockState, rules.StockState]:
    """The product's state in the locked stock under the old and the new view, its pre-order included."""
    preorder, today = await stored_preorder(entry.item.product), clock.today()
    level, held = entry.counts.level, entry.counts.held is not None
    return (
        rules.preorder_stock_state(old.group_settings, level, held, preorder, today, old.may_backorder),
        rules.preorder_stock_state(new.group_settings, level, held, preorder, today, new.may_backorder),
    )
