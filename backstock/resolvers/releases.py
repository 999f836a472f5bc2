"""The periodic pre-order release (DESIGN.md 7.2): started beside the outbox dispatcher, led by one worker.

Every worker runs the loop; each round it tries to take or renew the `Lease` row with one
conditional update (taken when free, expired or already its own), so exactly one releases at a
time on SQLite and PostgreSQL alike. A leader renews every `CHECK_EVERY`; one that stops (or
hangs: each round is bounded in time) loses the lease after `LEASE_FOR`, and the next worker to
check takes it: a new leader within CHECK_EVERY + LEASE_FOR = 60 s. Stopping cleanly gives it up at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from backstock.models import Lease
from backstock.resolvers import clock, preorders
from backstock.resolvers.config import load_store_config

log = logging.getLogger("backstock.releases")
LEASE_NAME = "preorder-releases"
CHECK_EVERY = 20.0
LEASE_FOR = timedelta(seconds=40)


def _now() -> datetime:
    return datetime.now(UTC)


async def claim(holder: str, now: datetime) -> bool:
    """Takes or renews the lease; True when `holder` leads until now + LEASE_FOR."""
    mine_or_free = Q(name=LEASE_NAME) & (Q(holder=holder) | Q(expires_at__lt=now))
    if await Lease.filter(mine_or_free).update(holder=holder, expires_at=now + LEASE_FOR):
        return True
    try:
        await Lease.create(name=LEASE_NAME, holder=holder, expires_at=now + LEASE_FOR)
    except IntegrityError:
        return False
    return True


class Releases:
    """One worker's side of the release task."""

    def __init__(self, holder: str | None = None) -> None:
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    async def run(self, stop: asyncio.Event) -> None:
        """Checks every CHECK_EVERY seconds until `stop` is set, then gives the lease up."""
        try:
            while not stop.is_set():
                try:
                    async with asyncio.timeout(CHECK_EVERY):
                        await self.tick()
                except Exception:
                    log.exception("pre-order release round failed; retrying after the interval")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=CHECK_EVERY)
        finally:
            await self.resign()

    async def tick(self, now: datetime | None = None) -> bool:
        """One round: when this worker leads, releases every pre-order due today (store time zone)."""
        if not await claim(self.holder, now or _now()):
            return False
        released = await preorders.release_due(await load_store_config(), clock.today())
        if released:
            log.info("released %d pre-orders", released)
        return True

    async def resign(self) -> None:
        await Lease.filter(name=LEASE_NAME, holder=self.holder).update(expires_at=_now())
