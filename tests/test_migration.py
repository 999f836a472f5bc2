"""Migrations on a phase-1 database: units, flags, reservations and orders move to `default` (0002),
and existing orders become GUEST orders (0006)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harness.servers import backstock, server_env

pytestmark = pytest.mark.slow

TO_0001 = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from backstock.db import tortoise_config

async def main():
    await migrate(config=tortoise_config(sys.argv[1]), target="models.0001_initial")
    await Tortoise.close_connections()

asyncio.run(main())
"""
PHASE_1 = [
    "INSERT INTO product (id, sku, name, price, in_stock, reserved, low_stock_alerted, created_at, updated_at) "
    "VALUES (1, 'MUG', 'Mug', '9.00', 0, 3, 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO source_item (product_id, source_code, quantity) VALUES (1, 'default', 7)",
    "INSERT INTO sales_order (id, number, customer_email, grand_total, request_fingerprint, created_at) "
    "VALUES (1, 'BS-1', 'a@example.com', '27.00', '-', '2026-01-01')",
    "INSERT INTO order_line (order_id, product_id, sku, name, price, ordered, ready, backordered, shipped, cancelled, "
    "stock_tracked) VALUES (1, 1, 'MUG', 'Mug', '9.00', 3, 3, 0, 0, 0, 1)",
    "INSERT INTO stock_movement (product_id, on_hand_delta, reserved_delta, reason, created_at) "
    "VALUES (1, 7, 0, 'INITIAL_STOCK', '2026-01-01'), (1, 0, 3, 'CHECKOUT', '2026-01-01')",
]


def test_phase_1_data_moves_into_the_default_source_stock_and_channel(tmp_path: Path) -> None:
    path = tmp_path / "phase1.sqlite3"
    url = f"sqlite://{path}"
    subprocess.run([sys.executable, "-c", TO_0001, url], check=True, capture_output=True, timeout=60)
    with sqlite3.connect(path) as db:
        for statement in PHASE_1:
            db.execute(statement)
    backstock("migrate", env=server_env(url, 1))
    with sqlite3.connect(path) as db:
        item = db.execute(
            "SELECT source.code, quantity, in_stock, low_stock_alerted FROM source_item "
            "JOIN source ON source.id = source_item.source_id"
        ).fetchall()
        counters = db.execute(
            "SELECT stock.code, reserved, low_stock_alerted FROM stock_item JOIN stock ON stock.id = stock_item.stock_id"
        ).fetchall()
        orders = db.execute(
            "SELECT channel, stock.code, customer_group FROM sales_order JOIN stock ON stock.id = sales_order.stock_id"
        ).fetchall()
        lines = db.execute("SELECT stock_id FROM order_line").fetchall()
        movements = db.execute("SELECT source_id, stock_id FROM stock_movement ORDER BY id").fetchall()
        product_columns = {row[1] for row in db.execute("PRAGMA table_info(product)")}
    assert item == [("default", 7, 0, 0)]
    assert counters == [("default", 3, 1)]
    assert orders == [("default", "default", "GUEST")]
    assert lines == [(1,)]
    assert movements == [(1, None), (None, 1)]
    assert not {"in_stock", "reserved", "low_stock_alerted"} & product_columns
