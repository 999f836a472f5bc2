"""bulkUpdateStock figure: 1,000 rows (distinct SKUs, half stock counts, half restocks) in one
request to the real app on a fresh SQLite file; the target is under 2 s.

    .venv/bin/python -m bench.bulk

Besides the wall time it prints what a loaded machine does not blur: the SQL statements the
request sent (from tortoise's log, BEGIN/COMMIT not included) and the CPU time the process spent.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from backstock.app import create_app
from backstock.db import migrate
from backstock.resolvers import catalog, config
from backstock.resolvers.groups import terms
from backstock.settings import Settings
from harness.queries import count_queries

ROWS = 1000
TOKEN = "bench-admin-token-0123"
BULK = """mutation($rows: [StockRowInput!]!) {
  bulkUpdateStock(rows: $rows, errorPolicy: REJECT_FAILED_ROWS) {
    applied failed rows { sku applied product { sku quantity salableQuantity stockStatus } }
  }
}"""


@dataclass(frozen=True)
class Figures:
    seconds: float
    cpu_seconds: float
    statements: int


async def measure(url: str) -> Figures:
    await migrate(url)
    # The default 10 s request limit would stop a slow run before it could be measured.
    settings = Settings(database_url=url, admin_token=SecretStr(TOKEN), dispatcher_enabled=False, request_timeout=120.0)
    app = create_app(settings)
    async with LifespanManager(app):
        store = terms(await config.load_store_config())
        for n in range(ROWS):
            await catalog.create_product(
                {"sku": f"SKU-{n}", "name": f"Product {n}", "price": Decimal("9.99"), "quantity": 5}, store
            )
        rows = [{"sku": f"SKU-{n}", "quantity": 20} if n % 2 else {"sku": f"SKU-{n}", "delta": 3} for n in range(ROWS)]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.test", timeout=60) as client:
            with count_queries() as statements:
                started, cpu = time.perf_counter(), time.process_time()
                response = await client.post(
                    "/graphql",
                    json={"query": BULK, "variables": {"rows": rows}},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                figures = Figures(time.perf_counter() - started, time.process_time() - cpu, len(statements))
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]["bulkUpdateStock"]["applied"] == ROWS, body["data"]["bulkUpdateStock"]["failed"]
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(measure(f"sqlite://{Path(tmp) / 'bulk.sqlite3'}"))
    print(
        f"bulkUpdateStock on SQLite: {ROWS} rows in {figures.seconds:.2f} s = {ROWS / figures.seconds:,.0f} rows/s "
        f"(target: < 2 s); {figures.statements / ROWS:.3f} SQL statements per row; "
        f"{figures.cpu_seconds:.2f} s of CPU"
    )


if __name__ == "__main__":
    main()
