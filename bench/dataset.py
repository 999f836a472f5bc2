"""Loads a benchmark catalog straight into the tables (the API would take hours for a million lines).

`products` products, two hot SKUs with `hot_stock` units and no backorders (one for the
GraphQL storm, one for the checkout floor's, so both start from the same stock), and `lines`
order lines spread over the catalog (four per order), all shipped so they weigh on the
tables and indexes without changing what is salable. Everything lives in the `default`
source and stock: one source item and one stock item per product, orders in the `default`
channel.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg

HOT_SKU = "HOT-SKU"
FLOOR_HOT_SKU = "HOT-SKU-FLOOR"
HOT_SKUS = (HOT_SKU, FLOOR_HOT_SKU)
MODES = ["NO_BACKORDERS", "ALLOW_QTY_BELOW_ZERO", "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY", None]
CHUNK = 20_000
DEFAULT_ID = 1  # the migration creates the `default` source and stock first


def products(count: int, hot_stock: int) -> Iterator[tuple[Any, ...]]:
    now = datetime.now(UTC)
    for i, sku in enumerate(HOT_SKUS, 1):
        yield (i, sku, "Hot product", Decimal("25.00"), now, now, None, "NO_BACKORDERS", None)
    for i in range(len(HOT_SKUS) + 1, count + 1):
        mode = MODES[i % 4]
        threshold = -20 if mode and mode != "NO_BACKORDERS" and i % 3 == 0 else None
        yield (
            i,
            f"SKU-{i:07d}",
            f"Product {i}",
            Decimal(10 + i % 90),
            now,
            now,
            None,
            mode,
            threshold,
        )


def source_items(count: int, hot_stock: int) -> Iterator[tuple[Any, ...]]:
    for i in range(1, len(HOT_SKUS) + 1):
        yield (i, i, DEFAULT_ID, hot_stock, True, False)
    for i in range(len(HOT_SKUS) + 1, count + 1):
        yield (i, i, DEFAULT_ID, (i * 7) % 40, i % 50 != 0, False)


def stock_items(count: int) -> Iterator[tuple[Any, ...]]:
    for i in range(1, count + 1):
        yield (i, DEFAULT_ID, i, 0, False)


def orders(count: int) -> Iterator[tuple[Any, ...]]:
    now = datetime.now(UTC)
    for i in range(1, count + 1):
        yield (
            i,
            f"BENCH-{i:08d}",
            f"buyer{i}@example.com",
            None,
            Decimal("40.00"),
            None,
            "-",
            now,
            "default",
            DEFAULT_ID,
        )


def order_lines(count: int, catalog: int) -> Iterator[tuple[Any, ...]]:
    for i in range(1, count + 1):
        product = 2 + (i * 31) % (catalog - 1)
        yield (
            i,
            (i - 1) // 4 + 1,
            product,
            DEFAULT_ID,
            f"SKU-{product:07d}",
            f"Product {product}",
            Decimal("10.00"),
            1,
            0,
            0,
            1,
            0,
            None,
            True,
        )


PRODUCT_COLUMNS = (
    "id",
    "sku",
    "name",
    "price",
    "created_at",
    "updated_at",
    "manage_stock",
    "backorders",
    "out_of_stock_threshold",
)
SOURCE_COLUMNS = ("id", "product_id", "source_id", "quantity", "in_stock", "low_stock_alerted")
STOCK_ITEM_COLUMNS = ("id", "stock_id", "product_id", "reserved", "low_stock_alerted")
ORDER_COLUMNS = (
    "id",
    "number",
    "customer_email",
    "customer_name",
    "grand_total",
    "idempotency_key",
    "request_fingerprint",
    "created_at",
    "channel",
    "stock_id",
)
LINE_COLUMNS = (
    "id",
    "order_id",
    "product_id",
    "stock_id",
    "sku",
    "name",
    "price",
    "ordered",
    "ready",
    "backordered",
    "shipped",
    "cancelled",
    "backorder_message",
    "stock_tracked",
)


def tables(catalog: int, lines: int, hot_stock: int) -> list[tuple[str, tuple[str, ...], Iterator[tuple[Any, ...]]]]:
    return [
        ("product", PRODUCT_COLUMNS, products(catalog, hot_stock)),
        ("source_item", SOURCE_COLUMNS, source_items(catalog, hot_stock)),
        ("stock_item", STOCK_ITEM_COLUMNS, stock_items(catalog)),
        ("sales_order", ORDER_COLUMNS, orders((lines + 3) // 4)),
        ("order_line", LINE_COLUMNS, order_lines(lines, catalog)),
    ]


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load_sqlite(path: str, catalog: int, lines: int, hot_stock: int) -> None:
    db = sqlite3.connect(path)
    for table, columns, rows in tables(catalog, lines, hot_stock):
        marks = ", ".join("?" for _ in columns)
        for chunk in _chunks(rows):
            db.executemany(
                f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',
                [tuple(_sqlite(v) for v in r) for r in chunk],
            )
        db.commit()
    db.close()


async def load_postgres(url: str, catalog: int, lines: int, hot_stock: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        for table, columns, rows in tables(catalog, lines, hot_stock):
            for chunk in _chunks(rows):
                await conn.copy_records_to_table(table, records=chunk, columns=list(columns))
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


async def reserved(url: str, sku: str) -> int:
    """Units reserved of one product in the default stock, read straight from the table (what an
    oversell check must trust)."""
    query = (
        "SELECT i.reserved FROM stock_item i JOIN product p ON p.id = i.product_id "
        f"WHERE i.stock_id = {DEFAULT_ID} AND p.sku = "
    )
    if url.startswith("postgres"):
        conn = await asyncpg.connect(url)
        try:
            value: int = await conn.fetchval(query + "$1", sku)
        finally:
            await conn.close()
        return value
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite://"))) as db:
        found: int = db.execute(query + "?", (sku,)).fetchone()[0]
    return found
