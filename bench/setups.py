"""The setups a run measures (database, workers, data set size) and the environment of their servers."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from harness.graphql import ADMIN_TOKEN
from harness.servers import free_port


@dataclass(frozen=True)
class Setup:
    database: str
    url: str
    workers: int
    catalog: int
    lines: int
    hot_stock: int

    @property
    def label(self) -> str:
        return f"{self.database} {self.workers}w, {self.catalog:,} products, {self.lines:,} lines"

    @property
    def slug(self) -> str:
        """Names the setup's log files."""
        return f"{self.database.lower()}-{self.workers}w-{self.catalog}p-{self.lines}l"


def env_for(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BACKSTOCK_DATABASE_URL": url,
        "BACKSTOCK_ADMIN_TOKEN": ADMIN_TOKEN,
        "BACKSTOCK_SMTP_PORT": str(free_port()),
        "BACKSTOCK_DISPATCHER_ENABLED": "false",
    }


def setups(args: argparse.Namespace, tmp: str) -> list[Setup]:
    sizes = [(1_000, 0)] if args.quick else [(1_000, 0), (100_000, 1_000_000)]
    if args.catalog:
        sizes = [(args.catalog, args.lines)]
    hot = args.hot_stock
    found = [Setup("SQLite", f"sqlite://{tmp}/bench-{c}.sqlite3", 1, c, n, hot) for c, n in sizes]
    if args.postgres:
        found += [Setup("PostgreSQL", args.postgres, 2, c, n, hot) for c, n in sizes]
    return found
