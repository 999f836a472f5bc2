"""The tortoise-orm configuration and schema migrations, shared by the app, the CLI and tests."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

MODELS_MODULE = "backstock.models"
MIGRATIONS_MODULE = "backstock.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
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
