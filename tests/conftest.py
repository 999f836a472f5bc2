"""Fixtures on real parts: a migrated SQLite file (or PostgreSQL when BACKSTOCK_TEST_DATABASE_URL
names one), the ASGI app with its lifespan, an in-process aiosmtpd server.

One event loop serves the whole session, so the app and tortoise start once; every test
starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.connection import connections

from backstock.app import create_app
from backstock.db import migrate, tortoise_config
from backstock.models import (
    ApiKey,
    Event,
    Lease,
    Order,
    OrderLine,
    OutboxMessage,
    Payment,
    Product,
    ProductAlternative,
    PurchaseOrder,
    PurchaseOrderLine,
    Shipment,
    ShipmentLine,
    ShipmentSource,
    SourceItem,
    StockAlert,
    StockAlertEmail,
    StockItem,
    StockMovement,
    StoreConfig,
    Supplier,
    Webhook,
    WebhookDelivery,
)
from backstock.resolvers import clock
from backstock.settings import Settings
from harness.graphql import ADMIN_TOKEN
from harness.mailserver import MailServer
from tests.api import Api

TABLES = [
    StockAlert,
    StockAlertEmail,
    ProductAlternative,
    ShipmentSource,
    WebhookDelivery,
    Webhook,
    Event,
    ShipmentLine,
    StockMovement,
    Payment,
    Shipment,
    OrderLine,
    Order,
    PurchaseOrderLine,
    PurchaseOrder,
    SourceItem,
    StockItem,
    Product,
    Supplier,
    StoreConfig,
    OutboxMessage,
    ApiKey,
    Lease,
]
# The migration's `default` source, stock and channel stay; whatever a test added goes.
RESET_INVENTORY = """
DELETE FROM channel WHERE code <> 'default';
DELETE FROM stock_source WHERE source_id <> (SELECT id FROM source WHERE code = 'default');
UPDATE stock_source SET stock_id = (SELECT id FROM stock WHERE code = 'default'), priority = 1;
UPDATE channel SET stock_id = (SELECT id FROM stock WHERE code = 'default');
DELETE FROM source WHERE code <> 'default';
UPDATE source SET name = 'Default source', enabled = TRUE, email = NULL;
DELETE FROM stock WHERE code <> 'default';
UPDATE stock SET name = 'Default stock';
"""
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
    await Tortoise.init(config=tortoise_config(url))
    await connections.get("default").execute_script("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    await Tortoise.close_connections()


@pytest.fixture(scope="session")
async def migrated_url(database_url: str) -> str:
    """The test database with every migration applied, exactly as `backstock migrate` does."""
    if on_postgres():
        await _reset_postgres_schema(database_url)
    await migrate(database_url)
    return database_url


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def settings(migrated_url: str, mail_server: MailServer) -> Settings:
    """The app's dispatcher is off: tests send the outbox when they choose (`Api.send_mail`)."""
    return Settings(
        database_url=migrated_url,
        admin_token=SecretStr(ADMIN_TOKEN),
        smtp_port=mail_server.port,
        dispatcher_enabled=False,
        retry_base_delay=0.01,
        retry_max_delay=0.05,
        # Suites share 2 cores with PostgreSQL: the 10,000-line allocation test must not meet the
        # 10 s production limit on a busy machine (the limit has tests of its own).
        request_timeout=60.0,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    """The real application with its lifespan running (which initialises tortoise)."""
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="session")
async def orm(app: Starlette) -> None:
    """Tortoise is initialised by the app's lifespan; tests may use models directly."""


async def empty_tables() -> None:
    conn = connections.get("default")
    if on_postgres():
        names = ", ".join(f'"{m._meta.db_table}"' for m in TABLES)
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        for model in TABLES:
            await conn.execute_script(f'DELETE FROM "{model._meta.db_table}"')
    await conn.execute_script(RESET_INVENTORY)


@pytest.fixture
async def db(orm: None) -> None:
    """Empty tables for one test (models usable directly)."""
    await empty_tables()


@pytest.fixture
async def api(app: Starlette, db: None, mail_server: MailServer, settings: Settings) -> AsyncIterator[Api]:
    mail_server.clear()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backstock.test") as client:
        yield Api(client, settings)


@pytest.fixture
def tmp_cwd(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


@pytest.fixture
def store_zone(settings: Settings) -> Iterator[Callable[[str], None]]:
    """Moves the store's time zone (BACKSTOCK_TIMEZONE) for the rest of a test: the way to reach release day."""
    yield lambda zone: clock.use(settings.model_copy(update={"timezone": zone}))
    clock.use(settings)
