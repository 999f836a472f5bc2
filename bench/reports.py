"""Report figures: each report's first page (50 rows) through the real app on the bench's data set
(`bench.dataset`: 100,000 products, 1,000,000 order lines by default), with every tenth line turned
back into a waiting one so the backorder report has rows; the target is under 300 ms each. Demand
over another window than the default 30 days, whose days are summed per request, is timed beside them.

    .venv/bin/python -m bench.reports [--catalog N --lines N] [--postgres URL]

`--postgres` names a database this run may wipe (its public schema is dropped and reloaded).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from tortoise.connection import connections

from backstock.app import create_app
from backstock.settings import Settings
from bench.run import prepare
from bench.setups import Setup
from harness.graphql import ADMIN_TOKEN

TIMES = 5
REPORTS = {
    "backorderReport": "backorderReport { rows { product { sku } backorderedQuantity openOrders oldestOrderAt "
    "incomingQuantity nextRestockDate uncoveredQuantity } totalCount }",
    "lowStockReport": "lowStockReport { rows { product { sku } freeQuantity notifyForQuantityBelow } totalCount }",
    "demandReport": "demandReport(days: 30) { rows { product { sku } soldQuantity dailyVelocity backorderedQuantity "
    "daysOfCover suggestedReorderQuantity } totalCount }",
    "demand7": "demand7: demandReport(days: 7) { rows { product { sku } soldQuantity suggestedReorderQuantity } "
    "totalCount }",
}
UNKEPT = {"demand7": "demandReport(days: 7), a window whose days are summed per request (no kept sums)"}


async def measure(setup: Setup) -> dict[str, tuple[float, int]]:
    """Median milliseconds of each report's first page (after one warm-up), and its totalCount."""
    await prepare(setup)
    settings = Settings(
        database_url=setup.url, admin_token=SecretStr(ADMIN_TOKEN), dispatcher_enabled=False, request_timeout=120.0
    )
    app = create_app(settings)
    figures: dict[str, tuple[float, int]] = {}
    async with LifespanManager(app):
        await connections.get("default").execute_script(
            'UPDATE "order_line" SET "backordered" = "ordered", "shipped" = 0 WHERE "id" % 10 = 0'
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test", timeout=120) as client:
            for name, selection in REPORTS.items():
                timings, total = [], 0
                for _ in range(TIMES + 1):
                    started = time.perf_counter()
                    response = await client.post(
                        "/graphql",
                        json={"query": f"{{ {selection} }}"},
                        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                    body = response.json()
                    assert "errors" not in body, body["errors"]
                    total = body["data"][name]["totalCount"]
                figures[name] = (statistics.median(timings[1:]), total)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL this run may wipe")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setups = [Setup("SQLite", f"sqlite://{tmp}/reports.sqlite3", 1, args.catalog, args.lines, 100)]
        if args.postgres:
            setups.append(Setup("PostgreSQL", args.postgres, 1, args.catalog, args.lines, 100))
        for setup in setups:
            for name, (ms, total) in asyncio.run(measure(setup)).items():
                if name in UNKEPT:
                    print(f"{setup.label}: {UNKEPT[name]}: first page {ms:.0f} ms ({total:,} rows)")
                    continue
                verdict = "ok" if ms < 300 else "over"
                print(f"{setup.label}: {name} first page {ms:.0f} ms ({total:,} rows) target < 300 ms: {verdict}")


if __name__ == "__main__":
    main()
