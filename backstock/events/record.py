"""Recording events: rows in the caller's transaction, plus one delivery per interested webhook,
so events and their deliveries exist exactly when their cause does.

Order events carry the order number and the units the change concerned; a receiver reads the
whole order with the `order` query.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, NamedTuple

from tortoise.connection import connections

from backstock import rules
from backstock.events import broker
from backstock.models import Event, EventKind, Order, OrderLine, Webhook, WebhookDelivery


class Occurrence(NamedTuple):
    data: dict[str, Any]
    order_number: str | None = None
    sku: str | None = None
    channel: str | None = None


Pending = list[tuple[EventKind, Occurrence]]
_batch: ContextVar[Pending | None] = ContextVar("backstock_event_batch", default=None)


@contextlib.asynccontextmanager
async def batched() -> AsyncIterator[None]:
    """Events recorded inside the block are written together when it ends without an error: one insert
    and one read of the webhooks for all of them, where each `record` would cost its own. Enter it inside
    the transaction (a checkout's stock event and ORDER_PLACED then cost one round of statements)."""
    pending: Pending = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    await record_all(pending)


async def record(kind: EventKind, occurrences: Sequence[Occurrence]) -> None:
    await record_all([(kind, o) for o in occurrences])


async def record_all(occurrences: Sequence[tuple[EventKind, Occurrence]]) -> None:
    """Call inside the transaction of the change that causes the events: a constant number of queries
    (inside `batched`, the events wait for the batch's end).

    Webhooks are few, so their subscriptions are matched here rather than in SQL (JSON lists are
    queried differently on SQLite and PostgreSQL).
    """
    if not occurrences:
        return
    if (batch := _batch.get()) is not None:
        batch.extend(occurrences)
        return
    rows = [
        Event(kind=kind, data=o.data, order_number=o.order_number, sku=o.sku, channel=o.channel)
        for kind, o in occurrences
    ]
    ids = await _insert(rows)
    kinds = {row.kind for row in rows}
    hooks = [hook for hook in await Webhook.filter(active=True) if any(kind in hook.events for kind in kinds)]
    if kinds & broker.STOCK_KINDS:
        await broker.announce([ids[str(row.uid)] for row in rows if row.kind in broker.STOCK_KINDS])
    if not hooks:
        return
    now = datetime.now(UTC)
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(webhook=hook, event_id=ids[str(row.uid)], next_attempt_at=now)
            for row in rows
            for hook in hooks
            if row.kind in hook.events
        ]
    )


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
