"""The tortoise-orm configuration and schema migrations, shared by the app, the CLI and tests."""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sqlite3
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import connections
from tortoise.exceptions import OperationalError
from tortoise.migrations.api import migrate as run_migrations

MODELS_MODULE = "backstock.models"
MIGRATIONS_MODULE = "backstock.migrations"
APP_LABEL = "models"
MIGRATIONS_TABLE = "tortoise_migrations"


class DatabaseUnusable(Exception):
    """A database a command cannot work on; the message is the one line the CLI prints."""


def display_url(database_url: str) -> str:
    """The URL without user and password, for messages and logs."""
    scheme, _, rest = database_url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


SQLITE_PRAGMAS = {"synchronous": "NORMAL"}


def with_sqlite_pragmas(database_url: str) -> str:
    """WAL with synchronous=NORMAL: never corrupts, may lose the last commits on power loss (not on a crash).

    A full fsync per commit would cap checkout at the disk's sync rate. Pragmas given in the
    URL's query string win.
    """
    if not database_url.startswith("sqlite") or ":memory:" in database_url:
        return database_url
    url = urlsplit(database_url)
    given = dict(parse_qsl(url.query))
    return urlunsplit(url._replace(query=urlencode(SQLITE_PRAGMAS | given)))


class PoolConnection(asyncpg.Connection):  # type: ignore[misc]
    """A PostgreSQL connection of tortoise's pool that sends nothing when it goes back to the pool.

    asyncpg's reset query (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`)
    costs a round trip per acquisition: half of a listing's statements. backstock leaves no session
    state on pool connections (advisory locks are transaction-scoped, LISTEN has its own connection,
    no SET, no cursor outside a transaction), and asyncpg still rolls back an open transaction and
    drops listeners on release whatever this query says (the documented way to change it).
    """

    def get_reset_query(self) -> str:
        return ""


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(("postgres://", "asyncpg://")):
        return with_sqlite_pragmas(database_url)
    config = expand_db_url(database_url)
    config["credentials"]["connection_class"] = PoolConnection
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            APP_LABEL: {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def check_sqlite_file(database_url: str) -> None:
    """Opens the SQLite file once with the standard library before tortoise does.

    tortoise's SQLite client keeps its connection lock when opening the file fails, so the
    first query raises and every later one (shutdown's too) waits on that lock forever: a
    missing directory hung `migrate` and `serve`, even on SIGTERM.
    """
    if not database_url.startswith("sqlite") or ":memory:" in database_url:
        return
    path = expand_db_url(database_url)["credentials"]["file_path"]
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=5)) as connection:
            connection.execute("PRAGMA schema_version")
    except sqlite3.Error as exc:
        raise DatabaseUnusable(f"database {display_url(database_url)}: cannot open {path} ({exc})") from None


async def migrate(database_url: str) -> list[str]:
    """Applies every pending migration and returns their names; run once before starting workers."""
    check_sqlite_file(database_url)
    applied: list[str] = []

    def progress(event: str, _app: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)

    try:
        await run_migrations(config=tortoise_config(database_url), progress=progress)
    finally:
        await Tortoise.close_connections()
    return applied


@cache
def package_migrations() -> tuple[str, ...]:
    """The migrations this package ships, found the way tortoise's loader finds them."""
    package = importlib.import_module(MIGRATIONS_MODULE)
    return tuple(
        sorted(name for _, name, is_pkg in pkgutil.iter_modules(package.__path__) if not is_pkg and name[0] not in "_~")
    )


async def pending_migrations() -> list[str]:
    """The package's migrations the default connection's database has not applied.

    Raises when the database cannot be reached. tortoise's own MigrationRecorder is not used:
    it builds a model class per instance (about 20 ms, too slow for every /readyz) and reads
    any error, an unreachable server included, as "nothing applied".
    """
    connection = connections.get("default")
    await connection.execute_query("SELECT 1")
    try:
        _, rows = await connection.execute_query(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = '{APP_LABEL}'"  # noqa: S608 (constants only)
        )
    except OperationalError:  # no migrations table yet: a database never migrated
        rows = []
    done = {row["name"] for row in rows}
    return [name for name in package_migrations() if name not in done]


TORTOISE_ORM = tortoise_config("sqlite://./backstock.sqlite3")
