"""Delivers webhook deliveries: claim due rows, POST outside any transaction, record the result.

Claiming works as for emails (see notifications.dispatcher): a lease moves the next attempt into
the future in one short transaction, `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes
never take the same row and a process that dies mid-request leaves the row to be retried. The
body is serialised once and those exact bytes are signed and sent. Redirects are not followed
(a 3xx is a failure, it could point anywhere); proxies from the environment are ignored; each
attempt is bounded as a whole by `webhook_timeout`, since httpx's timeouts are per read and a
receiver trickling bytes would never hit them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client import Counter
from tortoise.transactions import in_transaction

from backstock.events import addresses
from backstock.models import DeliveryStatus, WebhookDelivery
from backstock.settings import Settings

log = logging.getLogger("backstock.webhooks")
# Defined with the dispatcher that counts it, not in web.metrics: events sit below the web layer.
# /metrics serves it all the same (the default registry, or the multiprocess files).
WEBHOOK_FAILURES = Counter("backstock_webhook_failures", "Failed webhook delivery attempts.")


def _now() -> datetime:
    return datetime.now(UTC)


def body_of(delivery: WebhookDelivery) -> bytes:
    event = delivery.event
    payload = {
        "id": str(event.uid),
        "type": event.kind.value,
        "createdAt": event.created_at.isoformat(),
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookDispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lease = timedelta(seconds=settings.webhook_timeout + 60)
        # Built once: loading the CA bundle took most of a round's time when each round's client built its own.
        self.tls = httpx.create_ssl_context(trust_env=False)

    async def run(self, stop: asyncio.Event) -> None:
        """Delivers until `stop` is set; after a round with nothing due it waits `dispatch_interval`."""
        while not stop.is_set():
            try:
                attempted = await self.deliver_once()
            except Exception:
                log.exception("webhook round failed; retrying after the interval")
                attempted = 0
            if not attempted:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.dispatch_interval)

    async def deliver_once(self) -> int:
        """Attempts every due delivery it can claim, concurrently; returns how many were attempted."""
        rows = await self._claim()
        if rows:
            async with httpx.AsyncClient(verify=self.tls, trust_env=False, follow_redirects=False) as client:
                await asyncio.gather(*(self._attempt(client, row) for row in rows))
        return len(rows)

    async def _claim(self) -> list[WebhookDelivery]:
        now = _now()
        async with in_transaction():
            due = WebhookDelivery.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by("id")
            due = due.limit(self.settings.dispatch_batch_size)
            if not self.settings.is_sqlite:
                due = due.select_for_update(skip_locked=True)
            ids = [row.id for row in await due]
            if ids:
                await WebhookDelivery.filter(id__in=ids).update(next_attempt_at=now + self.lease)
        if not ids:
            return []
        return await WebhookDelivery.filter(id__in=ids).select_related("webhook", "event").order_by("id")

    async def _attempt(self, client: httpx.AsyncClient, row: WebhookDelivery) -> None:
        body = body_of(row)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "backstock-webhooks",
            "X-Backstock-Event-Id": str(row.event.uid),
            "X-Backstock-Event": row.event.kind.value,
            "X-Backstock-Timestamp": timestamp,
            "X-Backstock-Signature": signature(row.webhook.secret, timestamp, body),
        }
        try:
            async with asyncio.timeout(self.settings.webhook_timeout):
                target = await addresses.target(row.webhook.url, self.settings.webhooks_allow_private)
                response = await client.post(
                    target.url, content=body, headers=headers | target.headers, extensions=target.extensions
                )
        except addresses.RefusedUrl as exc:
            await self._record(row, f"refused: {exc}")
        except TimeoutError:
            await self._record(row, f"timed out after {self.settings.webhook_timeout:g} s")
        except (httpx.HTTPError, OSError) as exc:
            await self._record(row, f"{type(exc).__name__}: {exc}")
        else:
            ok = response.is_success
            await self._record(row, None if ok else f"HTTP {response.status_code} {response.reason_phrase}".strip())

    async def _record(self, row: WebhookDelivery, error: str | None) -> None:
        """Only a PENDING row is updated: one that another process settled after this one's lease ran out keeps
        that result."""
        now, attempts = _now(), row.attempts + 1
        pending = WebhookDelivery.filter(id=row.id, status=DeliveryStatus.PENDING)
        if error is None:
            await pending.update(status=DeliveryStatus.DELIVERED, attempts=attempts, delivered_at=now)
            return
        log.warning("webhook delivery %s to %s failed (attempt %d): %s", row.id, row.webhook.url, attempts, error)
        WEBHOOK_FAILURES.inc()
        final = attempts >= self.settings.webhook_max_attempts
        delay = min(self.settings.retry_max_delay, self.settings.retry_base_delay * 2 ** (attempts - 1))
        await pending.update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts,
            last_error=error[:500],
            next_attempt_at=now + timedelta(seconds=delay),
        )
