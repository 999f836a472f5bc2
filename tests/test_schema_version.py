"""An unmigrated database: `serve` refuses it and /readyz says so, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise.connection import connections

from backstock.db import APP_LABEL, MIGRATIONS_TABLE, package_migrations
from tests.api import Api
from tests.test_cli import assert_refused, run_cli


@pytest.fixture
async def unmigrated(orm: None) -> AsyncIterator[None]:
    """The test database with its migrations unrecorded (tables kept), as before `backstock migrate`."""
    conn = connections.get("default")
    await conn.execute_script(f"UPDATE {MIGRATIONS_TABLE} SET app = 'hidden' WHERE app = '{APP_LABEL}'")
    try:
        yield
    finally:
        await conn.execute_script(f"UPDATE {MIGRATIONS_TABLE} SET app = '{APP_LABEL}' WHERE app = 'hidden'")


async def test_readyz_says_not_migrated_on_every_call(api: Api, unmigrated: None) -> None:
    ready = await api.client.get("/readyz")
    assert (ready.status_code, ready.json()["database"]) == (503, "not migrated")


async def test_readyz_is_ready_once_migrated(api: Api) -> None:
    ready = await api.client.get("/readyz")
    assert (ready.status_code, ready.json()["database"]) == (200, "ok")


@pytest.mark.slow
def test_serve_refuses_an_unmigrated_database(migrated_url: str, unmigrated: None) -> None:
    result = run_cli("serve", "--port", "1", settings={"database_url": migrated_url})
    assert_refused(result, "backstock: database ")
    shipped = package_migrations()
    expected = f"is not migrated ({len(shipped)} pending: {', '.join(shipped)}); run backstock migrate"
    assert result.stderr.rstrip().endswith(expected)
    assert "backstock:backstock@" not in result.stderr, "no password in messages"
