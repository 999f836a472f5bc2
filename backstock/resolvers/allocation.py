"""Keeping promises in line with stock: after any change of a product's counters, as many
reserved units as are on hand are ready to ship, oldest order first.

Callers hold the product's row lock (see `stock.lock`) and pass the level before and after
their change plus the ready units their change itself added or removed; the difference to
`rules.ready_target` is handed out (or taken back, newest promise first) in batches.
"""

from __future__ import annotations

from tortoise.expressions import Q

from backstock import rules
from backstock.events import record as events
from backstock.models import Order, OrderLine, Product, StoreConfig
from backstock.notifications import messages
from backstock.notifications.outbox import Message, enqueue

BATCH = 500


async def settle(
    product: Product,
    store: StoreConfig,
    before: rules.StockLevel,
    after: rules.StockLevel,
    ready_changed: int = 0,
) -> None:
    """Re-balances ready units, then queues the emails the change calls for.

    `ready_changed` is what the caller itself did to ready units (checkout adds in-stock units,
    cancelling removes ready units), so only the remainder is allocated or taken back.
    """
    change = rules.ready_target(after) - (rules.ready_target(before) + ready_changed)
    orders = await _move(product.id, change)
    await events.backorders_allocated(product.sku, orders, change)
    outgoing = await _ready_notices(orders) + await _low_stock_alert(product, store, after)
    await enqueue(outgoing)


async def _move(product_id: int, units: int) -> set[int]:
    """Moves `units` from backordered to ready (or back when negative); returns the orders touched."""
    if units > 0:
        waiting, room, order = Q(backordered__gt=0), "backordered", ("order_id", "id")
    else:
        waiting, room, order = Q(ready__gt=0), "ready", ("-order_id", "-id")
    remaining, touched = abs(units), set[int]()
    while remaining > 0:
        lines = await OrderLine.filter(waiting, product_id=product_id, stock_tracked=True).order_by(*order).limit(BATCH)
        plan = rules.take_in_order(((line, getattr(line, room)) for line in lines), remaining)
        for line, share in plan:
            signed = share if units > 0 else -share
            line.ready += signed
            line.backordered -= signed
            touched.add(line.order_id)
        await OrderLine.bulk_update([line for line, _ in plan], fields=["ready", "backordered"], batch_size=BATCH)
        remaining -= sum(share for _, share in plan)
        if len(lines) < BATCH:
            break
    return touched


async def _ready_notices(order_ids: set[int]) -> list[Message]:
    """ "Ready to ship" for notify-mode orders (a line carries a notice) with nothing left waiting."""
    if not order_ids:
        return []
    waiting = await OrderLine.filter(order_id__in=order_ids, backordered__gt=0).values_list("order_id", flat=True)
    ready_ids = order_ids - set(waiting)
    orders = await Order.filter(id__in=ready_ids).prefetch_related("lines")
    return [
        messages.backorder_ready(order, list(order.lines))
        for order in orders
        if any(line.backorder_message for line in order.lines)
    ]


async def _low_stock_alert(product: Product, store: StoreConfig, after: rules.StockLevel) -> list[Message]:
    """Once per crossing into low stock; rising above the threshold re-arms it."""
    settings = rules.effective_settings(store.stock_settings(), product.overrides())
    low = rules.is_low_stock(settings, after)
    if low == product.low_stock_alerted:
        return []
    product.low_stock_alerted = low
    await Product.filter(id=product.id).update(low_stock_alerted=low)
    if not low:
        return []
    return [
        messages.low_stock(
            product.sku,
            product.name,
            after.free,
            settings.notify_for_quantity_below,
            store.low_stock_recipients,
        )
    ]
