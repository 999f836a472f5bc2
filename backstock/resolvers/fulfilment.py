"""Shipping ready units and cancelling unshipped ones, with the stock and money they move.

An order stays with the stock it reserved in: its units ship from that stock's sources, and
cancelled units return to that stock's pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.events import record as events
from backstock.models import (
    MovementReason,
    Order,
    OrderLine,
    Payment,
    PaymentKind,
    Shipment,
    ShipmentLine,
    StockItem,
    StoreConfig,
    rows,
)
from backstock.resolvers import ledger, validation
from backstock.resolvers.allocation import settle
from backstock.resolvers.errors import BadUserInput, NotFound
from backstock.resolvers.inventory import Locked, lock
from backstock.resolvers.lowstock import check_sources
from backstock.resolvers.sourcing import Picks, take_units

Lines = Sequence[tuple[str, int]] | None
Sources = Sequence[tuple[str, str, int]] | None


async def _locked_order(number: str) -> tuple[Order, list[OrderLine], dict[int, Locked]]:
    """The order's stock items are locked before its lines are read: allocation moves lines under that lock."""
    order = await Order.get_or_none(number=number) if validation.fits(Order, "number", number) else None
    if order is None:
        raise NotFound(f"number: no order {number!r}", field="number")
    lines, items = await lock_order(order)
    return order, lines, items


async def lock_order(order: Order) -> tuple[list[OrderLine], dict[int, Locked]]:
    """Locks the order's stock items, then reads its lines (oldest first) under the lock."""
    product_ids = cast(list[int], await OrderLine.filter(order_id=order.id).values_list("product_id", flat=True))
    items = await lock(cast(int, order.stock_id), ids=product_ids)
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    return lines, items


def _ready(line: OrderLine) -> int:
    return line.ready


def _unshipped(line: OrderLine) -> int:
    return line.ready + line.backordered


def waiting(line: OrderLine) -> int:
    return line.backordered


def requested(
    lines: list[OrderLine], asked: Lines, available: Callable[[OrderLine], int], what: str
) -> list[tuple[OrderLine, int]]:
    """Pairs each line with the units asked for: everything `available` when no lines are given.

    `what` ends the refusal "only N <what>"; `{sku}` in it names the line's SKU.
    """
    if asked is None:
        return [(line, available(line)) for line in lines if available(line)]
    by_sku = {line.sku: line for line in lines}
    plan = []
    for sku, quantity in rules.merge_lines(asked):
        line = by_sku.get(sku)
        if line is None:
            raise BadUserInput(f"lines: SKU {sku!r} is not on this order", field="lines")
        if quantity < 1:
            raise BadUserInput(f"lines: quantity for SKU {sku!r} must be 1 or more, got {quantity}", field="lines")
        if quantity > available(line):
            raise BadUserInput(
                f"lines: SKU {sku!r}: asked for {quantity}, but only {available(line)} {what.format(sku=sku)}",
                field="lines",
            )
        plan.append((line, quantity))
    return plan


async def ship_order(number: str, asked: Lines, sources: Sources, config: StoreConfig) -> Shipment:
    """Ships ready units: on hand and reserved fall together, so what is free does not change.

    The units leave the sources the admin names, else the stock's sources by priority.
    """
    async with in_transaction():
        order, lines, items = await _locked_order(number)
        plan = requested(lines, asked, _ready, "are ready to ship")
        if not plan:
            raise BadUserInput(f"number: order {number!r} has no units ready to ship", field="number")
        tracked = [(line, n) for line, n in plan if line.stock_tracked]
        wanted = [(line.product_id, line.sku, n) for line, n in tracked]
        picks = await take_units(cast(int, order.stock_id), wanted, sources)
        count = await Shipment.filter(order_id=order.id).count()
        shipment = await Shipment.create(order=order, number=f"{order.number}-{count + 1}")
        await ShipmentLine.bulk_create(
            [ShipmentLine(shipment=shipment, order_line=line, sku=line.sku, quantity=n) for line, n in plan]
        )
        for line, n in plan:
            line.ready -= n
            line.shipped += n
        await OrderLine.bulk_update([line for line, _ in plan], fields=["ready", "shipped"])
        movements = []
        for line, n in tracked:
            movements += await _ship(items[line.product_id], n, picks[line.product_id], order.id, shipment)
        await ledger.record(movements)
        await check_sources([line.product_id for line, _ in tracked], config)
        await events.order_shipped(order, shipment.number, plan)
    return shipment


async def _ship(entry: Locked, units: int, picks: Picks, order_id: int, shipment: Shipment) -> list[ledger.Movement]:
    """Lowers reserved by `units` and each picked source item by its share: one movement per source,
    the first also carrying the reserved delta (so a one-source shipment is one movement, as ever)."""
    item = entry.item
    await StockItem.filter(id=item.id).update(reserved=F("reserved") - units)
    item.reserved -= units
    await picks.take(shipment.id)
    return [
        ledger.movement(
            item.product_id,
            MovementReason.SHIPMENT,
            on_hand=-quantity,
            reserved=-units if i == 0 else 0,
            order_id=order_id,
            shipment_id=shipment.id,
            source_id=source_id,
            stock_id=item.stock_id if i == 0 else None,
        )
        for i, (source_id, quantity) in enumerate(picks.units)
    ]


async def cancel_order(number: str, asked: Lines, config: StoreConfig) -> Order:
    """Drops backordered units first, then ready ones, which go to the next waiting order; refunds them."""
    async with in_transaction():
        order, lines, items = await _locked_order(number)
        plan = requested(lines, asked, _unshipped, "are unshipped and not cancelled")
        if not plan:
            raise BadUserInput(f"number: order {number!r} has nothing left to cancel", field="number")
        await cancel_units(order, lines, items, plan, config)
    return order


async def cancel_units(
    order: Order,
    lines: list[OrderLine],
    items: dict[int, Locked],
    plan: list[tuple[OrderLine, int]],
    config: StoreConfig,
) -> None:
    """Cancels the planned units under the order's locks: backordered first, then ready ones, and refunds them.

    The lines are saved before allocation runs, so freed units cannot flow back to them.
    """
    ready_freed = {}
    for line, n in plan:
        from_backordered, ready_freed[line.id] = rules.cancel_split(line.backordered, line.ready, n)
        line.backordered -= from_backordered
        line.ready -= ready_freed[line.id]
        line.cancelled += n
    await OrderLine.bulk_update([line for line, _ in plan], fields=["ready", "backordered", "cancelled"])
    movements = []
    for line, n in plan:
        if line.stock_tracked:
            entry = items[line.product_id]
            before = entry.counts
            movements.append(await _release(entry, n, order.id))
            held = -n if line.preorder_held else 0
            await settle(entry.item, config, before, entry.counts, -ready_freed[line.id], preordered_changed=held)
    await ledger.record(movements)
    refund = sum((line.price * n for line, n in plan), Decimal(0))
    await rows.insert(Payment, [{"order_id": order.id, "kind": PaymentKind.REFUND, "amount": refund}])
    await events.order_canceled(order, lines, plan)


async def _release(entry: Locked, units: int, order_id: int) -> ledger.Movement:
    """Lowers reserved by `units` under the stock item's lock."""
    item = entry.item
    await StockItem.filter(id=item.id).update(reserved=F("reserved") - units)
    item.reserved -= units
    entry.counts = replace(entry.counts, reserved=item.reserved)
    return ledger.movement(
        item.product_id, MovementReason.CANCELLATION, reserved=-units, order_id=order_id, stock_id=item.stock_id
    )
