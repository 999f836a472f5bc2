"""Runs every benchmark against servers it starts, and prints one table.

    .venv/bin/python -m bench.run [--postgres postgres://...] [--seconds 8] [--quick]

Workloads (issues 5 and 15): a 100-product listing with every stock field through GraphQL,
and the same SQL and JSON from a bare Starlette endpoint (the listing floor); the shopper's
listing anonymously and with a STOREFRONT key asserting a customer group (issue 11); a hot-SKU
checkout storm of 64 shoppers through GraphQL, and the same storm against a bare endpoint
running a checkout's SQL in one transaction (the checkout floor), oversell checked on both;
each on a 1,000-product catalog and on 100,000 products with 1,000,000 order lines; on
SQLite (1 worker) and, given --postgres, PostgreSQL (2 workers). On PostgreSQL the notes
give the statements of one listing and one checkout as the database's statement log counts
them. The load generator runs on the same 2 cores as the server, so absolute figures are
conservative.

Each server's output goes to a file under bench/results/<time>/ (or --results). A workload
that fails prints the tail of its server's log and the run goes on; the exit status is then
1 and the last line names every failed workload.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import asyncpg
import httpx
from pydantic import SecretStr

from bench import dataset, shopper
from bench.load import Request, Result, hammer
from bench.setups import Setup, env_for, setups
from bench.statements import statement_log
from harness.graphql import ADMIN_TOKEN, CHECKOUT, PRODUCT_FIELDS
from harness.servers import free_port, running_server, wait_ready

LISTING = f"{{ products(first: 100) {{ totalCount edges {{ cursor node {{ {PRODUCT_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
SHOPPERS = 64
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
RESULTS = Path(__file__).parent / "results"
TAIL = 40
T = TypeVar("T")


class Run:
    """Where the servers of one run write their logs, and which workloads failed."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.failed: list[str] = []
        self.notes: list[str] = []
        directory.mkdir(parents=True, exist_ok=True)

    def log(self, setup: Setup, server: str) -> Path:
        return self.directory / f"{setup.slug}-{server}.log"

    def fail(self, name: str, error: BaseException, logs: list[Path]) -> None:
        self.failed.append(name)
        print(f"!! {name} failed: {describe(error)}", file=sys.stderr)
        for log in logs:
            print(f"-- last {TAIL} lines of {log}:\n{tail(log)}", file=sys.stderr, flush=True)

    async def attempt(self, name: str, log: Path, work: Awaitable[T]) -> T | None:
        """The workload's result, or None once its failure and its server's log tail are printed."""
        try:
            return await work
        except Exception as exc:
            self.fail(name, exc, [log])
            return None


def describe(error: BaseException) -> str:
    """The first leaf of an exception group (a load client's failure), else the error itself."""
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"


def tail(log: Path) -> str:
    if not log.exists():
        return "(no log written)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-TAIL:])


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


async def listing(
    base: str, path: str, seconds: float, query: str = LISTING, headers: Mapping[str, str] = AUTH
) -> Result:
    async def ask(client: httpx.AsyncClient, _: int) -> bool:
        if path == "/graphql":
            response = await client.post(path, json={"query": query}, headers=headers)
        else:
            response = await client.get(path)
        page = response.json()["data"]["products"] if response.status_code == 200 else None
        assert page and len(page["edges"]) == 100, (
            f"HTTP {response.status_code}, not 100 products: {response.text[:300]}"
        )
        return True

    return await hammer(base, ask, concurrency=16, seconds=seconds)


async def storefront_listing(base: str, seconds: float) -> Result:
    """The shopper listing with a STOREFRONT key asserting a customer group (issue 11)."""
    headers = await shopper.storefront_headers(base)
    return await listing(base, "/graphql", seconds, shopper.GROUP_LISTING, headers)


async def buy(client: httpx.AsyncClient, shopper: int) -> bool:
    """One shopper's GraphQL checkout of one unit of the hot SKU; False once it is refused."""
    variables = {
        "input": {
            "lines": [{"sku": dataset.HOT_SKU, "quantity": 1}],
            "customer": {"email": f"shopper{shopper}@example.com"},
        }
    }
    response = await client.post("/graphql", json={"query": CHECKOUT, "variables": variables})
    return bool(response.json()["data"]["checkout"]["__typename"] == "Order")


async def buy_at_floor(client: httpx.AsyncClient, shopper: int) -> bool:
    """The same purchase from the checkout floor, of its own hot SKU."""
    line = {"sku": dataset.FLOOR_HOT_SKU, "quantity": 1, "email": f"shopper{shopper}@example.com"}
    response = await client.post("/checkout", json=line)
    return bool(response.json()["data"]["checkout"]["__typename"] == "Order")


async def storm(base: str, shopper: Request, seconds: float) -> Result:
    return await hammer(base, shopper, concurrency=SHOPPERS, seconds=seconds)


async def oversold(setup: Setup, sku: str, before: int, placed: int) -> str:
    """Read from the database: the storm's orders are exactly what was reserved, and no more than the stock."""
    after = await dataset.reserved(setup.url, sku)
    ok = after - before == placed and after <= setup.hot_stock
    return "none" if ok else f"OVERSOLD: reserved {after} (was {before}), placed {placed}, stock {setup.hot_stock}"


async def queries_per_listing(url: str) -> int:
    """Counted in-process through the ASGI app, from tortoise's log of every statement."""
    from asgi_lifespan import LifespanManager

    from backstock.app import create_app
    from backstock.settings import Settings
    from harness.queries import count_queries

    app = create_app(Settings(database_url=url, admin_token=SecretStr(ADMIN_TOKEN), dispatcher_enabled=False))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c,
    ):
        await c.post("/graphql", json={"query": LISTING}, headers=AUTH)
        with count_queries() as statements:
            await c.post("/graphql", json={"query": LISTING}, headers=AUTH)
    return len(statements)


async def statements_at_database(setup: Setup, run: Run) -> str:
    """One listing and one checkout through a fresh one-worker server, counted in PostgreSQL's statement log.

    Three of each run first, so that asyncpg's type introspection and statement preparation
    of a new connection are not counted.
    """
    async with statement_log(setup.url) as log:
        if isinstance(log, str):
            return log
        with running_server(env_for(setup.url), log=run.log(setup, "statements")) as base:
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:

                async def one_listing() -> None:
                    await client.post("/graphql", json={"query": LISTING}, headers=AUTH)

                async def one_checkout() -> None:
                    await buy(client, 0)

                for _ in range(3):
                    await one_listing()
                    await one_checkout()
                listed = await log.count(one_listing)
                bought = await log.count(one_checkout)
    statements = run.directory / f"{setup.slug}-statements.sql"
    statements.write_text("\n".join(["-- one listing", *listed.entries, "-- one checkout", *bought.entries, ""]))
    return f"statements at the database per listing: {listed}; per checkout: {bought} (each in {statements.name})"


@contextlib.contextmanager
def floor_server(url: str, workers: int, log: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench.floor:create_app", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env_for(url), stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, process, "/products", seconds=30)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def row(name: str, setup: Setup, result: Result | None, extra: str) -> str:
    if result is None:
        return f"| {name} | {setup.label} | FAILED | | | see the server log named on stderr |"
    return (
        f"| {name} | {setup.label} | {result.per_second:,.0f} | {result.percentile(50):.1f} | "
        f"{result.percentile(95):.1f} | {extra} |"
    )


def share(part: Result | None, whole: Result | None) -> str:
    if part is None or whole is None or not whole.per_second:
        return "n/a"
    return f"{part.per_second / whole.per_second:.0%}"


async def measure(setup: Setup, seconds: float, run: Run) -> list[str]:
    started = time.perf_counter()
    await prepare(setup)
    loaded = time.perf_counter() - started
    queries = await queries_per_listing(setup.url)
    if setup.database == "PostgreSQL":
        name, log = f"statement count, {setup.label}", run.log(setup, "statements")
        if (counted := await run.attempt(name, log, statements_at_database(setup, run))) is not None:
            run.notes.append(f"{setup.label}: {counted}")
    before = {sku: await dataset.reserved(setup.url, sku) for sku in dataset.HOT_SKUS}
    log = run.log(setup, "backstock")
    with running_server(env_for(setup.url), workers=setup.workers, log=log) as base:
        api = await run.attempt(f"listing (GraphQL), {setup.label}", log, listing(base, "/graphql", seconds))
        anonymous = await run.attempt(
            f"anonymous listing, {setup.label}", log, listing(base, "/graphql", seconds, shopper.ANONYMOUS_LISTING, {})
        )
        keyed = await run.attempt(f"storefront listing, {setup.label}", log, storefront_listing(base, seconds))
        orders = await run.attempt(f"checkout storm, {setup.label}", log, storm(base, buy, seconds))
    log = run.log(setup, "floor")
    with floor_server(setup.url, setup.workers, log) as base:
        floor = await run.attempt(f"listing floor, {setup.label}", log, listing(base, "/products", seconds))
        floor_orders = await run.attempt(f"checkout floor, {setup.label}", log, storm(base, buy_at_floor, seconds))
    rows = [
        row(
            "listing (GraphQL)",
            setup,
            api,
            f"{queries} SQL/request; {share(api, floor)} of floor; loaded in {loaded:.0f} s",
        ),
        row("listing floor (Starlette)", setup, floor, f"{queries} SQL/request, same JSON"),
        row("listing, anonymous shopper", setup, anonymous, "shopper fields, no key"),
        row(
            "listing, STOREFRONT key + group",
            setup,
            keyed,
            f"same fields, group {shopper.GROUP}; {share(keyed, anonymous)} of anonymous",
        ),
    ]
    for name, result, sku, extra in [
        ("checkout storm", orders, dataset.HOT_SKU, f"{share(orders, floor_orders)} of floor"),
        ("checkout floor (Starlette)", floor_orders, dataset.FLOOR_HOT_SKU, "same SQL, one transaction"),
    ]:
        if result is None:
            rows.append(row(name, setup, None, ""))
            continue
        check = await oversold(setup, sku, before[sku], result.successes)
        sold = f"{result.successes:,} orders of {setup.hot_stock:,}; oversell: {check}"
        rows.append(row(name, setup, result, f"{sold}; {extra}"))
    return rows


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="postgres:// URL of a database the benchmark may wipe")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    parser.add_argument("--hot-stock", type=int, default=3000, help="units of each hot SKU for the storms")
    parser.add_argument("--quick", action="store_true", help="only the 1,000-product catalog")
    parser.add_argument("--catalog", type=int, help="one catalog of this many products instead")
    parser.add_argument("--lines", type=int, default=0, help="order lines loaded with --catalog")
    parser.add_argument("--results", type=Path, help="directory for the servers' logs (default bench/results/<time>)")
    args = parser.parse_args()
    run = Run(args.results or RESULTS / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
    lines = ["| workload | setup | per s | p50 ms | p95 ms | notes |", "| --- | --- | --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp:
        for setup in setups(args, tmp):
            print(f"== {setup.label} (logs: {run.directory})", file=sys.stderr, flush=True)
            try:
                lines += await measure(setup, args.seconds, run)
            except Exception as exc:
                run.fail(setup.label, exc, sorted(run.directory.glob(f"{setup.slug}-*.log")))
    print("\n".join(lines))
    if run.notes:
        print("\nNotes:\n" + "\n".join(f"- {note}" for note in run.notes))
    if run.failed:
        print(f"bench.run: failed: {'; '.join(run.failed)} (logs: {run.directory})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
