"""The tortoise-orm configuration and schema migrations, shared by the app, the CLI and tests."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

MODELS_MODULE = "backstock.models"
MIGRATIONS_MODULE = "backstock.migrations"


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


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": with_sqlite_pragmas(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(database_url: str) -> None:
    """Applies every pending migration; run once before starting workers, never in each one."""
    await run_migrations(config=tortoise_config(database_url))
    await Tortoise.close_connections()


TORTOISE_ORM = tortoise_config("sqlite://./backstock.sqlite3")
