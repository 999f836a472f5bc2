"""bulkUpdateStock figure: 1,000 rows (distinct SKUs, half stock counts, half restocks) in one
request to the real app on a fresh SQLite file; the target is under 2 s.

    .venv/bin/python -m bench.bulk
"""

from __future__ import annotations

import asyncio
import tempfile
import time
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

ROWS = 1000
TOKEN = "bench-admin-token-0123"
BULK = """mutation($rows: [StockRowInput!]!) {
  bulkUpdateStock(rows: $rows, errorPolicy: REJECT_FAILED_ROWS) {
    applied failed rows { sku applied product { sku quantity salableQuantity stockStatus } }
  }
}"""


async def measure(url: str) -> float:
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
            started = time.perf_counter()
            response = await client.post(
                "/graphql",
                json={"query": BULK, "variables": {"rows": rows}},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            elapsed = time.perf_counter() - started
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]["bulkUpdateStock"]["applied"] == ROWS, body["data"]["bulkUpdateStock"]["failed"]
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        elapsed = asyncio.run(measure(f"sqlite://{Path(tmp) / 'bulk.sqlite3'}"))
    print(f"bulkUpdateStock on SQLite: {ROWS} rows in {elapsed:.2f} s = {ROWS / elapsed:,.0f} rows/s (target: < 2 s)")


if __name__ == "__main__":
    main()
