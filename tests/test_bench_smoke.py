"""A few seconds of every benchmark workload on a tiny SQLite data set, so bench/ cannot rot."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_benchmarks_run_and_find_no_oversell() -> None:
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--catalog",
        "300",
        "--lines",
        "400",
        "--hot-stock",
        "40",
        "--seconds",
        "0.5",
    ]
    table = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r.split(" | ")[0] for r in rows] == [
        "| listing (GraphQL)",
        "| listing floor (Starlette)",
        "| checkout storm",
    ]
    assert "3 SQL/request" in rows[0]
    assert "40 orders of 40; oversell: none" in rows[2]
