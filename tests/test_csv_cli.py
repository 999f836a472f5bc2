"""`backstock import-stock` and `export-stock` as an operator runs them: real processes on the test
database (SQLite or PostgreSQL), each bounded by a timeout, checked through the API."""

from __future__ import annotations

import asyncio
import os
import pty
import sqlite3
import sys
from pathlib import Path

from backstock import csvio
from backstock.models import StockMovement
from backstock.resolvers.bulk import BATCH_SIZE
from tests.api import Api
from tests.multisource import source, source_items

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"


async def cli(*args: str, database_url: str, stderr: int = asyncio.subprocess.PIPE) -> tuple[int, str, str]:
    """Each run is bounded: 60 s, for a busy CI machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKSTOCK_")}
    env["BACKSTOCK_DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "backstock.cli", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=stderr
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), (err or b"").decode()


async def test_import_applies_the_valid_rows_and_names_each_failed_one(api: Api, tmp_path: Path) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("TEE", quantity=4)
    await source(api, "shop")
    file = tmp_path / "stock.csv"
    # Excel's byte order mark, a quoted SKU, and six bad rows.
    file.write_bytes(
        b'\xef\xbb\xbfsku,delta,source\n"MUG",5,\nTEE,2,shop\nNOPE,1,\nMUG,abc,\nTEE,-99,\nMUG,1,mars\nMUG,99999999999,\nMUG,1,,x\n'
    )
    status, out, err = await cli("import-stock", str(file), database_url=api.settings.database_url)
    assert status == 1, (out, err)
    assert out.splitlines() == [
        "line 4: SKU 'NOPE': sku: no product with SKU 'NOPE'",
        "line 5: SKU 'MUG': delta: 'abc' is not a whole number",
        "line 6: SKU 'TEE': delta: -99 would leave -95 units on hand for SKU 'TEE' at source 'default'; "
        "on hand cannot go below 0 (it is 4)",
        "line 7: SKU 'MUG': source: no source 'mars'",
        "line 8: SKU 'MUG': delta: 99999999999 is outside Int's -2147483648 to 2147483647",
        "line 9: SKU 'MUG': more fields than the header's 3",
        "backstock import-stock: 2 applied, 6 failed",
    ]
    assert err == "", "no progress bar off a terminal"
    assert (await api.product("MUG"))["quantity"] == 8
    assert (await source_items(api, "TEE"))["shop"]["quantity"] == 2


async def test_an_imported_stock_count_allocates_backorders(api: Api, tmp_path: Path) -> None:
    await api.create_product("BAG", quantity=0, backorders=NOTIFY)
    number = (await api.checkout(("BAG", 2)))["number"]
    file = tmp_path / "count.csv"
    file.write_text("sku,quantity\nBAG,7\n")
    status, out, _ = await cli("import-stock", str(file), database_url=api.settings.database_url)
    assert (status, out) == (0, "backstock import-stock: 1 applied, 0 failed\n")
    line = (await api.order(number))["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (2, 0)


async def test_export_writes_every_source_item_and_reimports_unchanged(api: Api, tmp_path: Path) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("TEE", quantity=0)
    await source(api, "shop")
    await api.data('mutation { setSourceItem(sku: "TEE", source: "shop", quantity: 9) { sku } }')
    url = api.settings.database_url
    status, printed, _ = await cli("export-stock", database_url=url)
    assert status == 0
    assert printed.splitlines() == ["sku,quantity,source", "MUG,3,default", "TEE,0,default", "TEE,9,shop"]
    file = tmp_path / "export.csv"
    assert (await cli("export-stock", str(file), database_url=url))[:2] == (0, "")
    assert file.read_text() == printed
    movements = await StockMovement.all().count()
    assert (await cli("import-stock", str(file), database_url=url))[:2] == (
        0,
        "backstock import-stock: 3 applied, 0 failed\n",
    )
    assert await StockMovement.all().count() == movements
    assert (await cli("export-stock", database_url=url))[1] == printed


async def test_progress_is_drawn_on_stderr_only_on_a_terminal(api: Api, tmp_path: Path) -> None:
    await api.create_product("MUG", quantity=3)
    file = tmp_path / "stock.csv"
    file.write_text("sku,quantity\nMUG,4\n")
    main, terminal = pty.openpty()
    try:
        status, out, _ = await cli("import-stock", str(file), database_url=api.settings.database_url, stderr=terminal)
        drawn = os.read(main, 65536).decode()
    finally:
        os.close(terminal)
        os.close(main)
    assert (status, out) == (0, "backstock import-stock: 1 applied, 0 failed\n")
    assert "importing" in drawn


async def test_a_bad_file_or_an_unmigrated_database_stops_the_command_with_one_line(api: Api, tmp_path: Path) -> None:
    url = api.settings.database_url
    header = tmp_path / "header.csv"
    header.write_text("sku,quantity,delta\nMUG,1,1\n")
    neither = tmp_path / "neither.csv"
    neither.write_text("sku,source\nMUG,default\n")
    for args, words in [
        (("import-stock", str(tmp_path / "missing.csv")), "cannot read"),
        (("import-stock", str(header)), "exactly one of quantity"),
        (("import-stock", str(neither)), "exactly one of quantity"),
        (("export-stock", str(tmp_path / "no" / "dir.csv")), "cannot write"),
    ]:
        status, out, err = await cli(*args, database_url=url)
        assert (status, out, err.count("\n")) == (2, "", 1), err
        assert err.startswith(f"backstock: {args[0]}: ") and words in err, err
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    header.write_text("sku,quantity\nMUG,1\n")
    status, _, err = await cli("import-stock", str(header), database_url=f"sqlite://{empty}")
    assert status == 2 and "not migrated" in err, err


def test_the_importer_holds_one_batch_at_a_time(tmp_path: Path) -> None:
    """20,000 rows come in batches, and when the first is handed over most of the file is still unread."""
    file = tmp_path / "big.csv"
    file.write_text("sku,delta\n" + "".join(f"SKU-{n},1\n" for n in range(20_000)))
    stock_file = csvio.StockFile(file)
    try:
        batches = stock_file.batches()
        first = next(batches)
        assert stock_file.position() < file.stat().st_size / 10
        assert [line.number for line in first] == list(range(2, 2 + BATCH_SIZE))
        sizes = [len(first), *(len(batch) for batch in batches)]
    finally:
        stock_file.close()
    assert sum(sizes) == 20_000
    assert max(sizes) == BATCH_SIZE
