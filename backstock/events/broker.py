"""The subscription broker: stock events reach this process's subscribers once their transaction commits.

A `Hub` per app reads the event table, never a copy of events kept in memory, so whatever wrote
an event (this process, another worker, the CLI) it is delivered the same way and a rollback
delivers nothing:
- PostgreSQL: `announce` sends NOTIFY with the event ids inside the writing transaction, so it
  arrives at commit only; every worker's listener (`listener.py`) hands the ids to its hub.
- SQLite: `announce` wakes this process's hubs; their read waits for tortoise's connection lock,
  which the writing transaction holds until it ends. Other processes' events are found by polling
  every POLL_SECONDS while someone is subscribed (one server process: ids grow in commit order).

Subscribers get a bounded queue; one that falls QUEUE_SIZE events behind is dropped with an
error rather than letting memory grow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field

from tortoise.connection import connections

from backstock.models import Event, EventKind

log = logging.getLogger("backstock.subscriptions")

STOCK_KINDS = frozenset({EventKind.STOCK_CHANGED, EventKind.OUT_OF_STOCK, EventKind.BACK_IN_STOCK, EventKind.LOW_STOCK})
NOTIFY_CHANNEL = "backstock_events"
NOTIFY_BYTES = 7000  # PostgreSQL refuses payloads of 8000 bytes and more
QUEUE_SIZE = 256
POLL_SECONDS = 0.5
READ_BATCH = 1000

_hubs: set[Hub] = set()


class TooSlow(Exception):
    """The subscriber's queue filled up: it missed events and must subscribe again."""


@dataclass(frozen=True)
class Interest:
    """What one subscription listens to: None means every SKU, or every channel."""

    skus: frozenset[str] | None
    channel: str | None

    def wants(self, event: Event) -> bool:
        return (self.skus is None or event.sku in self.skus) and (self.channel is None or event.channel == self.channel)


@dataclass(eq=False)
class Subscriber:
    interest: Interest
    queue: asyncio.Queue[Event | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))


def _chunks(ids: Sequence[int]) -> Iterable[str]:
    chunk: list[str] = []
    for event_id in ids:
        if chunk and sum(len(i) + 1 for i in chunk) + len(str(event_id)) > NOTIFY_BYTES:
            yield ",".join(chunk)
            chunk = []
        chunk.append(str(event_id))
    if chunk:
        yield ",".join(chunk)


async def announce(ids: Sequence[int]) -> None:
    """Call in the transaction that wrote the events with these ids."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        for payload in _chunks(ids):
            await connection.execute_query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, payload])
        return
    for hub in _hubs:
        hub.wake.set()


class Hub:
    """One process's subscribers and the reader that feeds them (run it with `running`)."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.subscribers: set[Subscriber] = set()
        self.wake = asyncio.Event()
        self.pending: set[int] = set()
        self.last = 0
        self.catch_up = False

    def notified(self, payload: str) -> None:
        """The listener's callback (plain code on the loop): remember the ids, wake the reader."""
        self.pending.update(int(i) for i in payload.split(",") if i.isdigit())
        self.wake.set()

    def reconnected(self) -> None:
        """NOTIFYs sent while the listener was away are lost: read what came after the last event seen."""
        self.catch_up = True
        self.wake.set()

    @contextlib.asynccontextmanager
    async def subscription(self, interest: Interest) -> AsyncIterator[Subscriber]:
        if not self.subscribers:
            self.last = await _last_id()
        subscriber = Subscriber(interest)
        self.subscribers.add(subscriber)
        try:
            yield subscriber
        finally:
            self.subscribers.discard(subscriber)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        stop = asyncio.Event()
        _hubs.add(self)
        task = asyncio.create_task(self._run(stop), name="backstock-subscriptions")
        try:
            yield
        finally:
            _hubs.discard(self)
            stop.set()
            self.wake.set()
            await task

    async def _run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=None if self.postgres else POLL_SECONDS)
            self.wake.clear()
            if stop.is_set():
                return
            try:
                await self._read()
            except Exception:
                log.exception("reading events for subscribers failed; retrying at the next event")
                await asyncio.sleep(POLL_SECONDS)

    async def _read(self) -> None:
        ids, self.pending = self.pending, set()
        if not self.subscribers:
            return
        query = Event.filter(kind__in=STOCK_KINDS).order_by("id")
        if self.postgres and not self.catch_up:
            if not ids:
                return
            rows = await query.filter(id__in=ids)
        else:
            self.catch_up = False
            rows = await query.filter(id__gt=self.last).limit(READ_BATCH)
            if len(rows) == READ_BATCH:
                self.wake.set()
        for row in rows:
            self.last = max(self.last, row.id)
            self._deliver(row)

    def _deliver(self, event: Event) -> None:
        for subscriber in [s for s in self.subscribers if s.interest.wants(event)]:
            try:
                subscriber.queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning("a subscriber fell %d events behind and was dropped", QUEUE_SIZE)
                self.subscribers.discard(subscriber)
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                subscriber.queue.put_nowait(None)


async def _last_id() -> int:
    last = await Event.all().order_by("-id").only("id").first()
    return last.id if last is not None else 0


async def events(hub: Hub, interest: Interest) -> AsyncIterator[Event]:
    """The subscription's events, as they commit; raises TooSlow when it fell behind."""
    async with hub.subscription(interest) as subscriber:
        while True:
            event = await subscriber.queue.get()
            if event is None:
                raise TooSlow
            yield event
