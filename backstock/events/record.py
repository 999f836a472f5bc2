"""Recording events: rows in the caller's transaction, plus one delivery per interested webhook,
so events and their deliveries exist exactly when their cause does.

Order events carry the order number and the units the change concerned; a receiver reads the
whole order with the `order` query.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from tortoise.connection import connections

from backstock import rules
from backstock.events import audience, broker
from backstock.events.audience import Audience
from backstock.models import Event, EventKind, Order, OrderLine, WebhookDelivery


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
    rows = [
        Event(kind=kind, data=o.data, order_number=o.order_number, sku=o.sku, channel=o.channel)
        for kind, o in occurrences
    ]
    ids = await _insert(rows)
    if {row.kind for row in rows} & broker.STOCK_KINDS:
        await broker.announce([ids[str(row.uid)] for row in rows if row.kind in broker.STOCK_KINDS])
    now = datetime.now(UTC)
    deliveries = [
        WebhookDelivery(webhook_id=hook, event_id=ids[str(row.uid)], next_attempt_at=now)
        for row in rows
        for hook, kinds in heard.hooks
        if row.kind in kinds
    ]
    if deliveries:
        await WebhookDelivery.bulk_create(deliveries)


COLUMNS = ("uid", "kind", "data", "order_number", "sku", "channel", "created_at")
INSERT_ROWS = 1000  # 7,000 parameters a statement, under both databases' limits (32,766 and 32,767)


async def _insert(rows: Sequence[Event]) -> dict[str, int]:
    """Writes the events in one INSERT ... RETURNING and gives their ids by uid, to link deliveries and to
    announce stock events (at commit, see `broker.announce`).

    Hand-written because tortoise's bulk_create returns no ids and, on PostgreSQL, sends one INSERT
    per row: a checkout's two events then cost three statements (two inserts, a read back by uid).
    The values are converted by the model's own fields. RETURNING's row order is not promised
    (SQLite), hence the uids; `execute_query_dict`, as tortoise's `execute_query` drops what an
    INSERT returns on PostgreSQL.
    """
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    fields = Event._meta.fields_map
    columns = ", ".join(f'"{name}"' for name in COLUMNS)
    ids: dict[str, int] = {}
    for start in range(0, len(rows), INSERT_ROWS):
        chunk = rows[start : start + INSERT_ROWS]
        values = [fields[name].to_db_value(getattr(row, name), row) for row in chunk for name in COLUMNS]
        marks = iter(f"${n}" if postgres else "?" for n in range(1, len(values) + 1))
        tuples = ", ".join("(" + ", ".join(next(marks) for _ in COLUMNS) + ")" for _ in chunk)
        sql = f'INSERT INTO "event" ({columns}) VALUES {tuples} RETURNING "uid", "id"'  # noqa: S608 (no input)
        written = await connection.execute_query_dict(sql, values)
        ids.update((str(row["uid"]), int(row["id"])) for row in written)
    return ids


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
