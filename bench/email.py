"""Email figures: how fast the dispatcher delivers to a local SMTP server, and that checkout
latency does not depend on how slow SMTP is (email never runs on the request path).

    .venv/bin/python -m bench.email
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time

from tortoise import Tortoise

from backstock.db import tortoise_config
from backstock.models import OutboxMessage, OutboxStatus
from backstock.notifications.dispatcher import Dispatcher
from backstock.notifications.outbox import Message, enqueue
from backstock.settings import Settings
from bench import dataset
from bench.load import hammer
from bench.run import buy
from bench.setups import env_for
from harness.mailserver import MailServer
from harness.servers import running_server

EMAILS = 2000


async def delivery_rate(url: str, server: MailServer) -> float:
    await Tortoise.init(config=tortoise_config(url))
    message = Message("bench", "bench", ("someone@example.com",), "Benchmark", "text body", "<p>html body</p>")
    await enqueue([message] * EMAILS)
    dispatcher = Dispatcher(Settings(database_url=url, smtp_port=server.port, dispatch_batch_size=200))
    started = time.perf_counter()
    while await OutboxMessage.filter(status=OutboxStatus.PENDING).exists():
        await dispatcher.dispatch_once()
    elapsed = time.perf_counter() - started
    await Tortoise.close_connections()
    assert len(server.messages) == EMAILS
    return EMAILS / elapsed


async def checkout_latency(url: str, server: MailServer) -> tuple[float, float, int]:
    """p50/p95 of checkouts by 8 shoppers while the server's own dispatcher sends through `server`."""
    env = env_for(url) | {
        "BACKSTOCK_SMTP_PORT": str(server.port),
        "BACKSTOCK_DISPATCHER_ENABLED": "true",
        "BACKSTOCK_DISPATCH_INTERVAL": "0.05",
    }
    with running_server(env) as base:
        result = await hammer(base, buy, concurrency=8, seconds=5)
    return result.percentile(50), result.percentile(95), len(server.messages)


def fresh(path: str) -> str:
    url = f"sqlite://{path}"
    subprocess.run(
        [sys.executable, "-m", "backstock.cli", "migrate"], env=env_for(url), check=True, capture_output=True
    )
    dataset.load_sqlite(path, 100, 0, 1_000_000)
    return url


async def main() -> None:
    rows = ["| measure | figure |", "| --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        fast, slow = MailServer(), MailServer(delay=0.5)
        fast.start()
        slow.start()
        try:
            rate = await delivery_rate(fresh(f"{tmp}/rate.sqlite3"), fast)
            rows.append(f"| dispatcher to a local SMTP server (aiosmtpd), {EMAILS} emails | {rate:,.0f} emails/s |")
            fast.clear()
            for name, server in (("fast SMTP", fast), ("SMTP taking 0.5 s per email", slow)):
                p50, p95, sent = await checkout_latency(fresh(f"{tmp}/{len(name)}.sqlite3"), server)
                rows.append(
                    f"| checkout p50 / p95, 8 shoppers, {name} | {p50:.1f} / {p95:.1f} ms ({sent} emails sent meanwhile) |"
                )
        finally:
            fast.stop()
            slow.stop()
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
