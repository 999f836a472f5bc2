"""Runs every benchmark against servers it starts, and prints one table.

    .venv/bin/python -m bench.run [--postgres postgres://...] [--seconds 8] [--quick]

Workloads (issue 5): a 100-product listing with every stock field through GraphQL, and the
same SQL and JSON from a bare Starlette endpoint (the floor); a hot-SKU checkout storm of
64 shoppers; each on a 1,000-product catalog and on 100,000 products with 1,000,000 order
lines; on SQLite (1 worker) and, given --postgres, PostgreSQL (2 workers). The load
generator runs on the same 2 cores as the server, so absolute figures are conservative.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from pydantic import SecretStr

from bench import dataset
from bench.load import Result, hammer
from tests.api import ADMIN_TOKEN, CHECKOUT, PRODUCT_FIELDS
from tests.servers import free_port, running_server

LISTING = f"{{ products(first: 100) {{ totalCount edges {{ cursor node {{ {PRODUCT_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
SHOPPERS = 64
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass(frozen=True)
class Setup:
    database: str
    url: str
    workers: int
    catalog: int
    lines: int
    hot_stock: int

    @property
    def label(self) -> str:
        return f"{self.database} {self.workers}w, {self.catalog:,} products, {self.lines:,} lines"


def env_for(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BACKSTOCK_DATABASE_URL": url,
        "BACKSTOCK_ADMIN_TOKEN": ADMIN_TOKEN,
        "BACKSTOCK_SMTP_PORT": str(free_port()),
        "BACKSTOCK_DISPATCHER_ENABLED": "false",
    }


async def prepare(setup: Setup) -> None:
    """A fresh, migrated database with the data set loaded."""
    if setup.database == "PostgreSQL":
        conn = await asyncpg.connect(setup.url)
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await conn.close()
    else:
        Path(setup.url.removeprefix("sqlite://")).unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "backstock.cli", "migrate"], env=env_for(setup.url), check=True, capture_output=True
    )
    if setup.database == "PostgreSQL":
        await dataset.load_postgres(setup.url, setup.catalog, setup.lines, setup.hot_stock)
    else:
        dataset.load_sqlite(setup.url.removeprefix("sqlite://"), setup.catalog, setup.lines, setup.hot_stock)


async def listing(base: str, path: str, seconds: float) -> Result:
    async def ask(client: httpx.AsyncClient, _: int) -> bool:
        if path == "/graphql":
            response = await client.post(path, json={"query": LISTING}, headers=AUTH)
        else:
            response = await client.get(path)
        assert response.status_code == 200 and len(response.json()["data"]["products"]["edges"]) == 100
        return True

    return await hammer(base, ask, concurrency=16, seconds=seconds)


async def buy(client: httpx.AsyncClient, shopper: int) -> bool:
    """One shopper's checkout of one unit of the hot SKU; False once it is refused."""
    variables = {
        "input": {
            "lines": [{"sku": dataset.HOT_SKU, "quantity": 1}],
            "customer": {"email": f"shopper{shopper}@example.com"},
        }
    }
    response = await client.post("/graphql", json={"query": CHECKOUT, "variables": variables})
    return bool(response.json()["data"]["checkout"]["__typename"] == "Order")


async def storm(base: str, seconds: float) -> Result:
    return await hammer(base, buy, concurrency=SHOPPERS, seconds=seconds)


async def oversold(base: str, placed: int, stock: int) -> str:
    async with httpx.AsyncClient(base_url=base) as client:
        query = f'{{ product(sku: "{dataset.HOT_SKU}") {{ reservedQuantity salableQuantity }} }}'
        product = (await client.post("/graphql", json={"query": query}, headers=AUTH)).json()["data"]["product"]
    ok = product["reservedQuantity"] == placed <= stock
    return "none" if ok else f"OVERSOLD: reserved {product['reservedQuantity']}, placed {placed}, stock {stock}"


async def queries_per_listing(url: str) -> int:
    """Counted in-process through the ASGI app, from tortoise's log of every statement."""
    from asgi_lifespan import LifespanManager

    from backstock.app import create_app
    from backstock.settings import Settings
    from tests.queries import count_queries

    app = create_app(Settings(database_url=url, admin_token=SecretStr(ADMIN_TOKEN), dispatcher_enabled=False))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c,
    ):
        await c.post("/graphql", json={"query": LISTING}, headers=AUTH)
        with count_queries() as statements:
            await c.post("/graphql", json={"query": LISTING}, headers=AUTH)
    return len(statements)


@contextlib.contextmanager
def floor_server(url: str, workers: int) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.floor:create_app",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env_for(url),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/products", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def row(name: str, setup: Setup, result: Result, extra: str) -> str:
    return (
        f"| {name} | {setup.label} | {result.per_second:,.0f} | {result.percentile(50):.1f} | "
        f"{result.percentile(95):.1f} | {extra} |"
    )


async def measure(setup: Setup, seconds: float) -> list[str]:
    started = time.perf_counter()
    await prepare(setup)
    loaded = time.perf_counter() - started
    queries = await queries_per_listing(setup.url)
    with running_server(env_for(setup.url), workers=setup.workers) as base:
        api = await listing(base, "/graphql", seconds)
        orders = await storm(base, seconds)
        check = await oversold(base, orders.successes, setup.hot_stock)
    with floor_server(setup.url, setup.workers) as base:
        floor = await listing(base, "/products", seconds)
    ratio = api.per_second / floor.per_second if floor.per_second else 0.0
    return [
        row("listing (GraphQL)", setup, api, f"{queries} SQL/request; {ratio:.0%} of floor; loaded in {loaded:.0f} s"),
        row("listing floor (Starlette)", setup, floor, f"{queries} SQL/request, same JSON"),
        row("checkout storm", setup, orders, f"{orders.successes:,} orders of {setup.hot_stock:,}; oversell: {check}"),
    ]


def setups(args: argparse.Namespace, tmp: str) -> list[Setup]:
    sizes = [(1_000, 0)] if args.quick else [(1_000, 0), (100_000, 1_000_000)]
    if args.catalog:
        sizes = [(args.catalog, args.lines)]
    hot = args.hot_stock
    found = [Setup("SQLite", f"sqlite://{tmp}/bench-{c}.sqlite3", 1, c, n, hot) for c, n in sizes]
    if args.postgres:
        found += [Setup("PostgreSQL", args.postgres, 2, c, n, hot) for c, n in sizes]
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="postgres:// URL of a database the benchmark may wipe")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--hot-stock", type=int, default=3000, help="units of the hot SKU for the storm")
    parser.add_argument("--quick", action="store_true", help="only the 1,000-product catalog")
    parser.add_argument("--catalog", type=int, help="one catalog of this many products instead")
    parser.add_argument("--lines", type=int, default=0, help="order lines loaded with --catalog")
    args = parser.parse_args()
    lines = ["| workload | setup | per s | p50 ms | p95 ms | notes |", "| --- | --- | --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        for setup in setups(args, tmp):
            print(f"== {setup.label}", file=sys.stderr, flush=True)
            lines += await measure(setup, args.seconds)
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
