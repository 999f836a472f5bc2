"""Recording events: rows in the caller's transaction, plus one delivery per interested webhook,
so events and their deliveries exist exactly when their cause does.

Order events carry the order number and the units the change concerned; a receiver reads the
whole order with the `order` query.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from backstock import rules
from backstock.events import audience, broker
from backstock.events.audience import Audience
from backstock.models import Event, EventKind, Order, OrderLine, WebhookDelivery, rows


class Occurrence(NamedTuple):
    data: dict[str, Any]
    order_number: str | None = None
    sku: str | None = None
    channel: str | None = None


Occurrences = Sequence[tuple[EventKind, Occurrence]]
Fanout = Callable[[Audience], Awaitable[Occurrences]]
"""Builds events from the audience once it is read: a stock event is told once per channel of its stock."""


@dataclass
class _Pending:
    """Events waiting to be written, in the order they were recorded, and the stocks whose channels they need."""

    parts: list[Occurrences | Fanout] = field(default_factory=list)
    stock_ids: set[int] = field(default_factory=set)


_batch: ContextVar[_Pending | None] = ContextVar("backstock_event_batch", default=None)


@contextlib.asynccontextmanager
async def batched() -> AsyncIterator[None]:
    """Events recorded inside the block are written together when it ends without an error: one read of
    their audience and one insert for all of them, where each `record` would cost its own. Enter it inside
    the transaction (a checkout's stock event and ORDER_PLACED then cost one round of statements)."""
    pending = _Pending()
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    await _write(pending)


async def record(kind: EventKind, occurrences: Sequence[Occurrence]) -> None:
    await record_all([(kind, o) for o in occurrences])


async def record_all(occurrences: Occurrences) -> None:
    """Call inside the transaction of the change that causes the events: a constant number of queries
    (inside `batched`, the events wait for the batch's end)."""
    if occurrences:
        await _add(_Pending([occurrences]))


async def record_per_channel(stock_ids: Collection[int], fanout: Fanout) -> None:
    """Like `record_all`, for events that depend on the channels of `stock_ids`: `fanout` builds them
    once those are read, in the same statement as the webhooks."""
    await _add(_Pending([fanout], set(stock_ids)))


async def _add(pending: _Pending) -> None:
    if (batch := _batch.get()) is None:
        await _write(pending)
        return
    batch.parts += pending.parts
    batch.stock_ids |= pending.stock_ids


async def _write(pending: _Pending) -> None:
    """The events, a delivery per interested webhook, and the announcement of stock events.

    Webhooks are few, so their subscriptions are matched here rather than in SQL (JSON lists are
    queried differently on SQLite and PostgreSQL).
    """
    if not pending.parts:
        return
    heard = await audience.read(pending.stock_ids)
    occurrences = [o for part in pending.parts for o in (await part(heard) if callable(part) else part)]
    if not occurrences:
        return
    events = [
        {
            "uid": uuid.uuid4(),
            "kind": kind,
            "data": o.data,
            "order_number": o.order_number,
            "sku": o.sku,
            "channel": o.channel,
        }
        for kind, o in occurrences
    ]
    ids = {str(row["uid"]): int(row["id"]) for row in await rows.insert(Event, events, returning=("uid", "id"))}
    if stock := [ids[str(event["uid"])] for event in events if event["kind"] in broker.STOCK_KINDS]:
        await broker.announce(stock)
    now = datetime.now(UTC)
    await rows.insert(
        WebhookDelivery,
        [
            {"webhook_id": hook, "event_id": ids[str(event["uid"])], "next_attempt_at": now}
            for event in events
            for hook, kinds in heard.hooks
            if event["kind"] in kinds
        ],
    )


async def order_placed(order: Order, lines: Sequence[OrderLine]) -> None:
    data = {
        "orderNumber": order.number,
        "customerEmail": order.customer_email,
        "grandTotal": str(order.grand_total),
        "lines": [
            {"sku": ln.sku, "quantityOrdered": ln.ordered, "quantityBackordered": ln.backordered} for ln in lines
        ],
    }
    await record(EventKind.ORDER_PLACED, [Occurrence(data, order.number)])


async def order_shipped(order: Order, shipment_number: str, shipped: Sequence[tuple[OrderLine, int]]) -> None:
    data = {
        "orderNumber": order.number,
        "shipmentNumber": shipment_number,
        "lines": [{"sku": line.sku, "quantity": n} for line, n in shipped],
    }
    await record(EventKind.ORDER_SHIPPED, [Occurrence(data, order.number)])


async def order_canceled(order: Order, lines: Sequence[OrderLine], cancelled: Sequence[tuple[OrderLine, int]]) -> None:
    """Every cancelOrder sends one, partial or whole; `orderStatus` (CANCELED when no unit is left) tells which.

    `lines` are all the order's lines as the cancellation left them.
    """
    status = rules.order_status([rules.LineProgress(ln.ordered, ln.shipped, ln.cancelled) for ln in lines])
    data = {
        "orderNumber": order.number,
        "orderStatus": str(status),
        "lines": [{"sku": line.sku, "quantityCanceled": n} for line, n in cancelled],
    }
    await record(EventKind.ORDER_CANCELED, [Occurrence(data, order.number)])


async def backorders_allocated(sku: str, order_ids: set[int], units: int) -> None:
    """One event per order whose waiting units of `sku` got stock; `units` <= 0 took units back instead."""
    if units <= 0 or not order_ids:
        return
    numbers = [str(n) for n in await Order.filter(id__in=order_ids).order_by("id").values_list("number", flat=True)]
    await record(EventKind.BACKORDER_ALLOCATED, [Occurrence({"orderNumber": n, "sku": sku}, n, sku) for n in numbers])
