"""A few seconds of every benchmark workload on a tiny SQLite data set, so bench/ cannot rot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.run import Setup, measure

pytestmark = pytest.mark.slow


async def test_benchmarks_run_and_find_no_oversell(tmp_path: Path) -> None:
    setup = Setup("SQLite", f"sqlite://{tmp_path / 'bench.sqlite3'}", 1, catalog=300, lines=400, hot_stock=40)
    rows = await measure(setup, seconds=0.5)
    assert [r.split(" | ")[0] for r in rows] == [
        "| listing (GraphQL)",
        "| listing floor (Starlette)",
        "| checkout storm",
    ]
    assert "3 SQL/request" in rows[0]
    assert "oversell: none" in rows[2]
