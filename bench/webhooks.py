"""Webhook deliveries/s: N deliveries queued for one webhook, then delivered by backstock's own
dispatcher (claim, sign, POST, record) to a real HTTP receiver on 127.0.0.1 that answers 204.

    .venv/bin/python -m bench.webhooks [--deliveries 2000] [--batch 50] [--database URL]

The receiver runs in another process, so it does not compete with the dispatcher for this
process's interpreter; it counts requests, and the figure counts only rows the database shows
DELIVERED. `--batch` is BACKSTOCK_DISPATCH_BATCH_SIZE (deliveries attempted concurrently per
round; default the setting's). A fresh SQLite file unless `--database` names another (migrated).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from backstock.db import migrate, tortoise_config
from backstock.events.record import Occurrence, record
from backstock.events.webhooks import WebhookDispatcher
from backstock.models import DeliveryStatus, EventKind, WebhookDelivery
from backstock.resolvers.webhooks import create_webhook
from backstock.settings import Settings
from harness.servers import free_port

QUEUE_CHUNK = 1000


def receive(port: int, received: Any) -> None:
    """The receiver process: answers every POST with 204 and counts it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with received.get_lock():
                received.value += 1

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: a line per request would cost more than the request."""

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024  # the default backlog of 5 resets a round's concurrent connections

    Server(("127.0.0.1", port), Handler).serve_forever()


async def queue(url: str, hook_url: str, deliveries: int) -> None:
    """One webhook for ORDER_PLACED and `deliveries` events of that kind, written as the app writes them."""
    await create_webhook(hook_url, [EventKind.ORDER_PLACED], allow_private=True)
    for start in range(0, deliveries, QUEUE_CHUNK):
        async with in_transaction():
            numbers = range(start, min(start + QUEUE_CHUNK, deliveries))
            await record(EventKind.ORDER_PLACED, [Occurrence({"orderNumber": f"B{n}"}, f"B{n}") for n in numbers])


async def measure(url: str, hook_url: str, deliveries: int, batch: int) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds of delivering everything queued."""
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    try:
        await queue(url, hook_url, deliveries)
        settings = Settings(
            database_url=url,
            admin_token=SecretStr("bench-admin-token-0123"),
            webhooks_allow_private=True,
            dispatch_batch_size=batch,
        )
        dispatcher = WebhookDispatcher(settings)
        pending = WebhookDelivery.filter(status=DeliveryStatus.PENDING)
        started, cpu = time.perf_counter(), time.process_time()
        while await pending.exists():  # a failed attempt waits for its retry
            if not await dispatcher.deliver_once():
                await asyncio.sleep(0.1)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        delivered = await WebhookDelivery.filter(status=DeliveryStatus.DELIVERED).count()
        assert delivered == deliveries, f"{delivered} of {deliveries} delivered"
    finally:
        await Tortoise.close_connections()
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=Settings.model_fields["dispatch_batch_size"].default)
    parser.add_argument("--database", help="a database URL (migrated, a webhook and events added)")
    args = parser.parse_args()
    port = free_port()
    received = multiprocessing.Value("i", 0)
    receiver = multiprocessing.Process(target=receive, args=(port, received), daemon=True)
    receiver.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database or f"sqlite://{Path(tmp) / 'webhooks.sqlite3'}"
            elapsed, cpu = asyncio.run(measure(url, f"http://127.0.0.1:{port}/hooks", args.deliveries, args.batch))
    finally:
        receiver.terminate()
        receiver.join(10)
    print(
        f"webhooks: {args.deliveries:,} deliveries in {elapsed:.2f} s = {args.deliveries / elapsed:,.0f} deliveries/s "
        f"({args.batch} at a time; {cpu:.2f} s of the dispatcher's CPU = {args.deliveries / cpu:,.0f} per CPU second; "
        f"the receiver got {received.value:,} requests, more means retries)"
    )


if __name__ == "__main__":
    main()
