"""Keeping promises in line with stock: after any change of a product's counters in a stock, as
many units reserved there as are on hand there are ready to ship, oldest order first.

Callers hold the stock item's row lock (see `inventory.lock`) and pass the level before and after
their change plus the ready units their change itself added or removed; the difference to
`rules.ready_target` is handed out (or taken back, newest promise first) in batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Sum

from backstock import rules
from backstock.events import record as events
from backstock.events.stock import StockChange, stock_changes
from backstock.models import Order, OrderLine, StockItem, StoreConfig
from backstock.notifications import messages
from backstock.notifications.outbox import Message, enqueue
from backstock.resolvers import clock, promises
from backstock.resolvers.groups import group_view, terms
from backstock.resolvers.inventory import Counts, Locked, counts_of, recount
from backstock.resolvers.preordered import preorder_of, preordered_units

BATCH = 500


@dataclass(frozen=True)
class Settling:
    """One product's change in one stock: its stock item (locked), its counts before and after the
    change, what the change itself did to ready units (see `settle`) and to the product's
    pre-ordered units (a pre-ordered line placed or cancelled moves the cap's remainder)."""

    item: StockItem
    before: Counts
    after: Counts
    ready_changed: int = 0
    preordered_changed: int = 0


@dataclass(frozen=True)
class Shown:
    """A product's pre-order as shoppers read it on `day` (None: it holds none), with its pre-ordered count."""

    preorder: rules.Preorder | None
    day: date


async def settle(
    item: StockItem,
    store: StoreConfig,
    before: Counts,
    after: Counts,
    ready_changed: int = 0,
    preordered_changed: int = 0,
) -> None:
    """Re-balances ready units, then queues the emails and records the events the change calls for.
    Every change of a product's counters in a stock passes here, so stock events are decided here.

    `ready_changed` is what the caller itself did to ready units (checkout adds in-stock units,
    cancelling removes ready units), so only the remainder is allocated or taken back;
    `preordered_changed` the pre-ordered units it placed (or cancelled, negative), so the stock
    events see a pre-order reach its cap or fall below it. While the product holds a pre-order its
    held units are left out of the target instead (see `_held_change`).
    """
    await settle_all([Settling(item, before, after, ready_changed, preordered_changed)], store)


async def settle_all(changes: Sequence[Settling], store: StoreConfig) -> None:
    """`settle` for many changes at once: queries per change only where units move or a low-stock
    latch turns, and the stock events and emails of all of them are written together, so a bulk
    change costs a few queries more than one change, not a few per row."""
    today = clock.today()
    settled: list[tuple[Settling, int, tuple[rules.StockState, rules.StockState]]] = []
    elsewhere: list[StockChange] = []
    for change in changes:
        was, now = await _shown(change, today)
        states = (_state(store, change.item, change.before, was), _state(store, change.item, change.after, now))
        settled.append((change, await _units(change), states))
        if change.preordered_changed:
            elsewhere += await _elsewhere(change, store, was, now)
    await _hand_out(settled, store, elsewhere)


async def preorder_changed(entry: Locked, store: StoreConfig, was: Shown, now: Shown, units: int = 0) -> None:
    """Setting, moving or ending a pre-order changes what shoppers see of the product without moving
    a counter: records the stock events (and so queues the alerts) of the change from `was` to `now`
    in this stock, and hands out `units` waiting units oldest order first (what a release frees)."""
    counts = entry.counts
    states = (_state(store, entry.item, counts, was), _state(store, entry.item, counts, now))
    await _hand_out([(Settling(entry.item, counts, counts), units, states)], store)


async def _shown(change: Settling, today: date) -> tuple[Shown, Shown]:
    """The product's pre-order before and after the change: its count before is the count now less
    what the change placed (or plus what it cancelled)."""
    product = change.item.product
    now = await preordered_units(product.id) if product.preorder_release_date is not None else 0
    was, shown = (Shown(preorder_of(product, count), today) for count in (now - change.preordered_changed, now))
    return was, shown


async def _elsewhere(change: Settling, store: StoreConfig, was: Shown, now: Shown) -> list[StockChange]:
    """A pre-order's cap is product-wide: units pre-ordered or cancelled in one stock move what shoppers
    see of the product in its other stocks too. Their counters do not move, so they are read, not locked."""
    item = change.item
    others = await StockItem.filter(product_id=item.product_id).exclude(stock_id=item.stock_id)
    if not others:
        return []
    counts = await counts_of(others)
    return [
        StockChange(
            item.product.sku,
            other.stock_id,
            _state(store, item, counts[other.id], was),
            _state(store, item, counts[other.id], now),
        )
        for other in others
    ]


async def _units(change: Settling) -> int:
    """Units to allocate (negative: to take back); while the product holds a pre-order its held units
    are left out of the target (see `_held_change`)."""
    if change.item.product.preorder_release_date is not None:
        return await _held_change(change.item, change.after)
    return rules.ready_target(change.after.level) - (rules.ready_target(change.before.level) + change.ready_changed)


async def _hand_out(
    changes: Sequence[tuple[Settling, int, tuple[rules.StockState, rules.StockState]]],
    store: StoreConfig,
    elsewhere: Sequence[StockChange] = (),
) -> None:
    """Moves each change's units and writes its emails and events, with the stock events of other
    stocks that `elsewhere` carries."""
    states: list[StockChange] = []
    outgoing: list[Message] = []
    for change, units, (before, after) in changes:
        item = change.item
        moved = await _move(item.stock_id, item.product_id, units)
        promises.changed(item.stock_id, [item.product_id], [line.id for line in moved] if units < 0 else ())
        orders = {line.order_id for line in moved}
        await events.backorders_allocated(item.product.sku, orders, units)
        states.append(StockChange(item.product.sku, item.stock_id, before, after))
        outgoing += await _ready_notices(orders) + await _low_stock_alert(item, store, change.after)
    await stock_changes([*states, *elsewhere])
    await enqueue(outgoing)


async def _held_change(item: StockItem, after: Counts) -> int:
    """Units to allocate (or take back) while a pre-order holds units back: the target
    (`rules.held_ready_target`) against the units actually ready, both read now, because a
    cancelled or newly placed pre-order line moves the held count and the reserved count together.
    """
    rows = (
        await OrderLine.filter(stock_id=item.stock_id, product_id=item.product_id, stock_tracked=True)
        .annotate(ready_units=Sum("ready"), held_units=Sum("backordered", _filter=Q(preorder_held=True)))
        .group_by()
        .values("ready_units", "held_units")
    )
    ready, held = (rows[0]["ready_units"], rows[0]["held_units"]) if rows else (0, 0)
    return rules.held_ready_target(after.level, int(held or 0)) - int(ready or 0)


def _state(store: StoreConfig, item: StockItem, counts: Counts, shown: Shown) -> rules.StockState:
    """The product as GUEST sees it (see `rules.group_view`)."""
    view = group_view(terms(store), item.product)
    held = counts.held is not None
    return rules.preorder_stock_state(
        view.group_settings, counts.level, held, shown.preorder, shown.day, view.may_backorder
    )


async def _move(stock_id: int, product_id: int, units: int) -> list[OrderLine]:
    """Moves `units` from backordered to ready (or back when negative); returns the lines moved."""
    if units > 0:
        waiting, room, order = Q(backordered__gt=0, preorder_held=False), "backordered", ("order_id", "id")
    else:
        waiting, room, order = Q(ready__gt=0), "ready", ("-order_id", "-id")
    remaining, moved = abs(units), list[OrderLine]()
    while remaining > 0:
        lines = (
            await OrderLine.filter(waiting, stock_id=stock_id, product_id=product_id, stock_tracked=True)
            .order_by(*order)
            .limit(BATCH)
        )
        plan = rules.take_in_order(((line, getattr(line, room)) for line in lines), remaining)
        for line, share in plan:
            signed = share if units > 0 else -share
            line.ready += signed
            line.backordered -= signed
            moved.append(line)
        await OrderLine.bulk_update([line for line, _ in plan], fields=["ready", "backordered"], batch_size=BATCH)
        remaining -= sum(share for _, share in plan)
        if len(lines) < BATCH:
            break
    return moved


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


async def _low_stock_alert(item: StockItem, store: StoreConfig, after: Counts) -> list[Message]:
    """Once per crossing into low stock in this stock; rising above the threshold re-arms it.
    A stock without an item of the product has nothing to run low."""
    product = item.product
    settings = rules.effective_settings(store.stock_settings(), product.overrides())
    low = after.held is not None and rules.is_low_stock(settings, after.level)
    if low == item.low_stock_alerted:
        return []
    item.low_stock_alerted = low
    await StockItem.filter(id=item.id).update(low_stock_alerted=low)
    if not low:
        return []
    return [
        messages.low_stock(
            product.sku,
            product.name,
            after.level.free,
            settings.notify_for_quantity_below,
            store.low_stock_recipients,
        )
    ]


async def rebalance(locked: dict[int, Locked], store: StoreConfig) -> None:
    """After a change of on hand in a stock made under the lock of its items: re-reads their counts
    and settles each like a stock count (newest promises back to waiting, or waiting lines allocated)."""
    before = {product_id: entry.counts for product_id, entry in locked.items()}
    await recount(locked)
    await settle_all([Settling(e.item, before[product_id], e.counts) for product_id, e in locked.items()], store)
