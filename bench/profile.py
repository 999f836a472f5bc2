"""CPU time and statements per request, in process through the ASGI app: figures that hold on a shared machine.

    .venv/bin/python -m bench.profile [listing|listing-no-total|floor|typename|checkout|floor-checkout]
        [--requests 200] [--catalog 1000] [--postgres postgres://...] [--top 25]

Wall-clock rates (`bench.run`) move with whatever else the cores run; the CPU time this process
spends per request, and the statements tortoise sends per request, do not. The data set is
`bench.dataset`'s, loaded into a fresh SQLite file (or the given PostgreSQL database, which is
wiped); requests go one at a time through httpx's ASGI transport after a warm-up, first timed
(`time.process_time`), then under cProfile, whose busiest functions are printed. `floor` asks
the listing floor (`bench.floor`'s GET /products, the same page as `listing`) in the same way: the
CPU per request a listing would cost with no GraphQL and no ORM models. `typename` asks
`{ __typename }`: what a GraphQL request costs before any field (transport, middleware, context,
extensions' hooks, the parser and validation caches). `floor-checkout` asks the checkout floor's POST
/checkout (`bench.floor`: the same statements without GraphQL or ORM models), the reference for `checkout`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from backstock.app import create_app
from backstock.db import migrate
from backstock.settings import Settings
from bench import dataset, floor
from bench.run import AUTH, LISTING
from harness.graphql import ADMIN_TOKEN, CHECKOUT
from harness.queries import count_queries

WARM_UP = 20
QUERIES = {"listing": LISTING, "listing-no-total": LISTING.replace("totalCount ", "")}


async def prepare(url: str, catalog: int, requests: int) -> None:
    if url.startswith("postgres"):
        conn = await asyncpg.connect(url)
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await conn.close()
    await migrate(url)
    hot_stock = 2 * (requests + WARM_UP) + 10
    if url.startswith("postgres"):
        await dataset.load_postgres(url, catalog, 0, hot_stock)
    else:
        dataset.load_sqlite(url.removeprefix("sqlite://"), catalog, 0, hot_stock)


def request_of(client: httpx.AsyncClient, workload: str) -> Callable[[int], Awaitable[None]]:
    async def listing(_: int) -> None:
        response = await client.post("/graphql", json={"query": QUERIES[workload]}, headers=AUTH)
        assert len(response.json()["data"]["products"]["edges"]) == 100, response.text[:300]

    async def typename(_: int) -> None:
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=AUTH)
        assert response.json() == {"data": {"__typename": "Query"}}, response.text[:300]

    async def at_floor(_: int) -> None:
        response = await client.get("/products")
        assert len(response.json()["data"]["products"]["edges"]) == 100, response.text[:300]

    async def checkout(n: int) -> None:
        customer = {"email": f"shopper{n}@example.com"}
        variables = {"input": {"lines": [{"sku": dataset.HOT_SKU, "quantity": 1}], "customer": customer}}
        response = await client.post("/graphql", json={"query": CHECKOUT, "variables": variables})
        assert response.json()["data"]["checkout"]["__typename"] == "Order", response.text[:300]

    async def checkout_at_floor(n: int) -> None:
        line = {"sku": dataset.FLOOR_HOT_SKU, "quantity": 1, "email": f"shopper{n}@example.com"}
        response = await client.post("/checkout", json=line)
        assert response.json()["data"]["checkout"]["__typename"] == "Order", response.text[:300]

    workloads = {"checkout": checkout, "floor": at_floor, "floor-checkout": checkout_at_floor, "typename": typename}
    return workloads.get(workload, listing)


async def profile(url: str, workload: str, requests: int, top: int, sort: str) -> None:
    settings = Settings(database_url=url, admin_token=SecretStr(ADMIN_TOKEN), dispatcher_enabled=False)
    app = floor.create_app(settings) if workload.startswith("floor") else create_app(settings)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        ask = request_of(client, workload)
        for n in range(WARM_UP):
            await ask(n)
        with count_queries() as statements:
            await ask(WARM_UP)
        started = time.process_time()
        for n in range(requests):
            await ask(WARM_UP + 1 + n)
        cpu = (time.process_time() - started) / requests
        profiler = cProfile.Profile()
        if top:
            profiler.enable()
            for n in range(requests):
                await ask(WARM_UP + 1 + requests + n)
            profiler.disable()
    print(f"{workload}: {cpu * 1000:.2f} ms CPU per request over {requests}; {len(statements)} statements (ORM log)")
    for statement in statements:
        print(f"  {statement[:160]}")
    if top:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        print(f"{stats.total_calls / requests:,.0f} function calls per request")  # type: ignore[attr-defined]
        stats.sort_stats(sort).print_stats(top)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "workload", nargs="?", default="listing", choices=[*QUERIES, "floor", "typename", "checkout", "floor-checkout"]
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--catalog", type=int, default=1000)
    parser.add_argument("--postgres", help="postgres:// URL of a database the profile may wipe")
    parser.add_argument("--top", type=int, default=25, help="functions printed (0: no profile)")
    parser.add_argument("--sort", default="tottime", help="pstats order of the functions printed (tottime, cumtime)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite://{Path(tmp) / 'profile.sqlite3'}"
        await prepare(url, args.catalog, args.requests)
        await profile(url, args.workload, args.requests, args.top, args.sort)


if __name__ == "__main__":
    asyncio.run(main())
