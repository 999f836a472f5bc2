"""Shipping ready units and cancelling unshipped ones, with the stock and money they move."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    Product,
    Shipment,
    ShipmentLine,
    SourceItem,
    StockMovement,
    StoreConfig,
)
from backstock.resolvers import ledger
from backstock.resolvers.allocation import settle
from backstock.resolvers.errors import BadUserInput, NotFound
from backstock.resolvers.stock import level_of, lock

Lines = Sequence[tuple[str, int]] | None


async def _locked_order(number: str) -> tuple[Order, list[OrderLine], dict[int, SourceItem]]:
    """The order's products are locked before its lines are read: allocation moves lines under that lock."""
    order = await Order.get_or_none(number=number)
    if order is None:
        raise NotFound(f"number: no order {number!r}", field="number")
    product_ids = cast(list[int], await OrderLine.filter(order_id=order.id).values_list("product_id", flat=True))
    items = await lock(ids=product_ids)
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    return order, lines, items


def _ready(line: OrderLine) -> int:
    return line.ready


def _unshipped(line: OrderLine) -> int:
    return line.ready + line.backordered


def _requested(
    lines: list[OrderLine], asked: Lines, available: Callable[[OrderLine], int], what: str
) -> list[tuple[OrderLine, int]]:
    """Pairs each line with the units asked for: everything `available` when no lines are given."""
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
                f"lines: SKU {sku!r}: asked for {quantity}, but only {available(line)} {what}", field="lines"
            )
        plan.append((line, quantity))
    return plan


async def ship_order(number: str, asked: Lines) -> Shipment:
    """Ships ready units: on hand and reserved fall together, so what is free does not change."""
    async with in_transaction():
        order, lines, items = await _locked_order(number)
        plan = _requested(lines, asked, _ready, "are ready to ship")
        if not plan:
            raise BadUserInput(f"number: order {number!r} has no units ready to ship", field="number")
        count = await Shipment.filter(order_id=order.id).count()
        shipment = await Shipment.create(order=order, number=f"{order.number}-{count + 1}")
        await ShipmentLine.bulk_create(
            [ShipmentLine(shipment=shipment, order_line=line, sku=line.sku, quantity=n) for line, n in plan]
        )
        movements = []
        for line, n in plan:
            line.ready -= n
            line.shipped += n
            if line.stock_tracked:
                movements.append(
                    await _release(items[line.product_id], n, on_hand=-n, order_id=order.id, shipment_id=shipment.id)
                )
        await OrderLine.bulk_update([line for line, _ in plan], fields=["ready", "shipped"])
        await ledger.record(movements)
        await events.order_shipped(order, shipment.number, plan)
    return shipment


async def cancel_order(number: str, asked: Lines, config: StoreConfig) -> Order:
    """Drops backordered units first, then ready ones, which go to the next waiting order; refunds them.

    The lines are saved before allocation runs, so freed units cannot flow back to them.
    """
    async with in_transaction():
        order, lines, items = await _locked_order(number)
        plan = _requested(lines, asked, _unshipped, "are unshipped and not cancelled")
        if not plan:
            raise BadUserInput(f"number: order {number!r} has nothing left to cancel", field="number")
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
                item = items[line.product_id]
                before = level_of(item)
                movements.append(await _release(item, n, order_id=order.id))
                await settle(item.product, config, before, level_of(item), ready_changed=-ready_freed[line.id])
        await ledger.record(movements)
        refund = sum((line.price * n for line, n in plan), Decimal(0))
        await Payment.create(order=order, kind=PaymentKind.REFUND, amount=refund)
        await events.order_canceled(order, lines, plan)
    return order


async def _release(
    item: SourceItem, units: int, *, on_hand: int = 0, order_id: int | None = None, shipment_id: int | None = None
) -> StockMovement:
    """Lowers reserved (and on hand when shipping) by `units` under the product's lock."""
    await Product.filter(id=item.product_id).update(reserved=F("reserved") - units)
    item.product.reserved -= units
    if on_hand:
        await SourceItem.filter(id=item.id).update(quantity=F("quantity") + on_hand)
        item.quantity += on_hand
    reason = MovementReason.SHIPMENT if shipment_id else MovementReason.CANCELLATION
    return ledger.movement(
        item.product_id, reason, on_hand=on_hand, reserved=-units, order_id=order_id, shipment_id=shipment_id
    )
