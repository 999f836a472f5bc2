"""The delay from a checkout to the stockChanged event a subscriber receives, p50 and p95.

    .venv/bin/python -m bench.subscriptions [--postgres postgres://...] [--workers 2] [--checkouts 100]

Starts a real `backstock serve` (a fresh SQLite file, or the given PostgreSQL database, migrated
first), subscribes over graphql-transport-ws to one product, then places checkouts of one unit
one after another; each changes the salable quantity, so each sends one STOCK_CHANGED. The delay
runs from sending the checkout request to receiving its event (the request's own time included).
One subscriber, no other load: a latency figure, not a throughput one. Each checkout opens a new
connection, so with `--workers 2` on PostgreSQL about half of them are made by the worker that does not
hold the subscriber's WebSocket (their events come through LISTEN/NOTIFY like every other).
The checkout request's own time is printed beside it: the part of the delay that is not the event's.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from harness.graphql import ADMIN_TOKEN, CHECKOUT
from harness.servers import backstock, free_port, running_server, server_env
from harness.subscriber import subscribed

CREATE = "mutation($input: ProductInput!) { createProduct(input: $input) { sku } }"
ADJUST = "mutation($sku: String!) { adjustStock(sku: $sku, delta: 1) { sku } }"


async def answered_at(client: httpx.AsyncClient, order: dict[str, Any]) -> float:
    """A new connection per checkout (`Connection: close`): with several workers any of them may take it,
    so the subscriber (on one worker's WebSocket) hears changes made by the others too."""
    body = {"query": CHECKOUT, "variables": {"input": order}}
    await client.post("/graphql", json=body, headers={"Connection": "close"})
    return time.perf_counter()


async def measure(base: str, checkouts: int) -> tuple[list[float], list[float]]:
    """The delays to each event, and each checkout request's own time (how much of the delay it is)."""
    sku = f"BENCH-SUB-{uuid.uuid4().hex[:8]}"
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        product = {"sku": sku, "name": "Subscription bench", "price": "1.00", "quantity": checkouts + 10}
        await client.post("/graphql", json={"query": CREATE, "variables": {"input": product}}, headers=admin)
        async with subscribed(base, variables={"skus": [sku]}) as subscriber:
            for _ in range(50):  # the subscription starts asynchronously: wait until it hears a change
                await client.post("/graphql", json={"query": ADJUST, "variables": {"sku": sku}}, headers=admin)
                if not await subscriber.quiet(0.3):
                    break
            else:
                raise SystemExit("the subscriber heard nothing in 15 s")
            await subscriber.quiet(0.3)
            delays, requests = [], []
            for i in range(checkouts):
                order = {"lines": [{"sku": sku, "quantity": 1}], "customer": {"email": f"b{i}@example.com"}}
                started = time.perf_counter()
                sent = asyncio.create_task(answered_at(client, order))
                event = await subscriber.event(10)
                delays.append(time.perf_counter() - started)
                assert event["sku"] == sku and event["kind"] == "STOCK_CHANGED", event
                requests.append(await sent - started)
    return delays, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (its database is migrated, products are added)")
    parser.add_argument("--workers", type=int, default=1, help="server workers (PostgreSQL only)")
    parser.add_argument("--checkouts", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        env = server_env(url, free_port(), BACKSTOCK_DISPATCHER_ENABLED="false")
        backstock("migrate", env=env)
        with running_server(env, workers=args.workers, log=Path(tmp) / "server.log") as base:
            delays, requests = asyncio.run(measure(base, args.checkouts))
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"checkout -> stockChanged event, {database}, {args.workers} worker(s), {len(delays)} checkouts:")
    print(f"  event    {percentiles(delays)}")
    print(f"  response {percentiles(requests)}   (the checkout request alone, for comparison)")


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p50, p95 = statistics.median(ms), ms[max(0, round(0.95 * len(ms)) - 1)]
    return f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {ms[-1]:.1f} ms"


if __name__ == "__main__":
    main()
