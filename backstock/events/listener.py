"""Each worker's LISTEN connection on PostgreSQL: every worker's subscribers hear every commit's stock events.

A dedicated asyncpg connection, not one of tortoise's pool: the pool runs `UNLISTEN *` when a
connection goes back to it. NOTIFYs sent while it is down are lost, so after each (re)connection
the hub re-reads the event table from the last event it saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from backstock.events.broker import NOTIFY_CHANNEL, Hub

log = logging.getLogger("backstock.subscriptions")

# Only these go to asyncpg.connect: it would pass tortoise's own URL parameters (minsize, maxsize)
# to the server as settings, which the server refuses.
CONNECT_ARGUMENTS = ("host", "port", "user", "password", "database", "ssl")
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)


def connect_arguments(database_url: str) -> dict[str, Any]:
    credentials = expand_db_url(database_url)["credentials"]
    return {name: credentials[name] for name in CONNECT_ARGUMENTS if name in credentials}


@contextlib.asynccontextmanager
async def listening(database_url: str, hub: Hub) -> AsyncIterator[None]:
    """Listens for the lifetime of the block (nothing to do on SQLite)."""
    if not hub.postgres:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(_listen(connect_arguments(database_url), hub, stop), name="backstock-listen")
    try:
        yield
    finally:
        stop.set()
        await task


async def _listen(arguments: dict[str, Any], hub: Hub, stop: asyncio.Event) -> None:
    failures = 0
    while not stop.is_set():
        try:
            connection = await asyncpg.connect(**arguments)
        except (OSError, asyncpg.PostgresError) as exc:
            delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
            failures += 1
            log.warning("LISTEN connection failed (%s); retrying in %g s", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            continue
        failures = 0
        try:
            await _session(connection, hub, stop)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            log.warning("LISTEN connection lost (%s); reconnecting", exc)
        finally:
            if not connection.is_closed():
                await connection.close()


async def _session(connection: asyncpg.Connection, hub: Hub, stop: asyncio.Event) -> None:
    """Listens until `stop` or until the connection drops."""
    lost = asyncio.Event()
    connection.add_termination_listener(lambda _: lost.set())
    await connection.add_listener(NOTIFY_CHANNEL, lambda _c, _pid, _channel, payload: hub.notified(payload))
    hub.reconnected()
    stops, losses = asyncio.create_task(stop.wait()), asyncio.create_task(lost.wait())
    try:
        await asyncio.wait([stops, losses], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stops.cancel()
        losses.cancel()
