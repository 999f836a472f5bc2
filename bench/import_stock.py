"""import-stock figures: rows/s of a real `backstock import-stock` process on a fresh SQLite file,
and its peak RSS (resource.getrusage of the child), which must not grow with the file.

    .venv/bin/python -m bench.import_stock [ROWS ...]     (default: 200000)

Several sizes in one run show whether memory scales: each size gets its own database and
process, and RUSAGE_CHILDREN's ru_maxrss is the largest of the children so far, so sizes are
run smallest first.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from tortoise import Tortoise

from backstock.db import migrate, tortoise_config
from backstock.resolvers import catalog, config
from backstock.resolvers.groups import terms

PRODUCTS = 1000


async def prepare(url: str) -> None:
    """A catalog of PRODUCTS; the file's rows cycle through it (restocks, every row valid)."""
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    store = terms(await config.load_store_config())
    for n in range(PRODUCTS):
        await catalog.create_product({"sku": f"SKU-{n}", "name": f"Product {n}", "price": Decimal("1")}, store)
    await Tortoise.close_connections()


def measure(rows: int, tmp: Path) -> tuple[float, float, int]:
    """Wall seconds, the child's CPU seconds (what a loaded machine does not stretch) and peak RSS in KiB."""
    url = f"sqlite://{tmp / f'import-{rows}.sqlite3'}"
    asyncio.run(prepare(url))
    file = tmp / f"stock-{rows}.csv"
    with file.open("w") as out:
        out.write("sku,delta\n")
        out.writelines(f"SKU-{n % PRODUCTS},1\n" for n in range(rows))
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTOCK_")} | {"BACKSTOCK_DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "backstock.cli", "import-stock", str(file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stdout.endswith(f"{rows} applied, 0 failed\n"), result.stdout[-500:]
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu, after.ru_maxrss


def main() -> None:
    sizes = sorted(int(arg) for arg in sys.argv[1:]) or [200_000]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            elapsed, cpu, peak_kib = measure(rows, Path(tmp))
            print(
                f"import-stock on SQLite: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
                f"({cpu:.1f} s of CPU = {rows / cpu:,.0f} rows per CPU second), peak RSS {peak_kib / 1024:.0f} MiB",
                flush=True,
            )


if __name__ == "__main__":
    main()
