"""Fixtures on real parts: a migrated SQLite file (or PostgreSQL when BACKSTOCK_TEST_DATABASE_URL
names one), the ASGI app with its lifespan, an in-process aiosmtpd server.

One event loop serves the whole session, so the app and tortoise start once; every test
starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.connection import connections

from backstock import db
from backstock.models import (
    Order,
    OrderLine,
    OutboxMessage,
    Payment,
    Product,
    Shipment,
    ShipmentLine,
    SourceItem,
    StockMovement,
    StoreConfig,
)

TABLES = [
    ShipmentLine,
    StockMovement,
    Payment,
    Shipment,
    OrderLine,
    Order,
    SourceItem,
    Product,
    StoreConfig,
    OutboxMessage,
]
POSTGRES_URL = os.environ.get("BACKSTOCK_TEST_DATABASE_URL", "")


def on_postgres() -> bool:
    return POSTGRES_URL.startswith("postgres")


def pytest_report_header() -> str:
    if on_postgres():
        return f"backstock database: PostgreSQL ({POSTGRES_URL.rsplit('@', 1)[-1]})"
    return "backstock database: SQLite only — PostgreSQL NOT tested (set BACKSTOCK_TEST_DATABASE_URL=postgres://...)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="PostgreSQL not tested: BACKSTOCK_TEST_DATABASE_URL is not a postgres:// URL")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if on_postgres():
        return POSTGRES_URL
    return f"sqlite://{tmp_path_factory.mktemp('db') / 'backstock.sqlite3'}"


async def _reset_postgres_schema(url: str) -> None:
    await Tortoise.init(config=db.tortoise_config(url))
    await connections.get("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await Tortoise.close_connections()


@pytest.fixture(scope="session")
async def migrated_url(database_url: str) -> str:
    """The test database with every migration applied, exactly as `backstock migrate` does."""
    if on_postgres():
        await _reset_postgres_schema(database_url)
    await db.migrate(database_url)
    return database_url


@pytest.fixture(scope="session")
async def orm(migrated_url: str) -> AsyncIterator[None]:
    """Tortoise initialised for tests that use models directly, outside the app."""
    await Tortoise.init(config=db.tortoise_config(migrated_url))
    yield
    await Tortoise.close_connections()


async def empty_tables() -> None:
    conn = connections.get("default")
    if on_postgres():
        names = ", ".join(f'"{m._meta.db_table}"' for m in TABLES)
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for model in TABLES:
            await conn.execute_script(f'DELETE FROM "{model._meta.db_table}"')


@pytest.fixture
async def db(orm: None) -> AsyncIterator[None]:
    """Empty tables for one test (models usable directly)."""
    await empty_tables()
    yield


@pytest.fixture
def tmp_cwd(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)
