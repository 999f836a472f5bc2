"""`backstock import-stock FILE.csv` and `backstock export-stock [FILE]`: stock levels as CSV.

The importer streams: it holds one batch of rows at a time, whatever the file's size, and
applies each batch through the same use cases as bulkUpdateStock (so allocation, emails and
events follow). The exporter pages through source items by id, so it streams too.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from io import TextIOWrapper
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from backstock import rules
from backstock.models import SourceItem
from backstock.resolvers import bulk, projection
from backstock.resolvers.config import load_store_config

COLUMNS = ("sku", "quantity", "delta", "source")
EXPORT_COLUMNS = ("sku", "quantity", "source")
EXPORT_PAGE = 1000


class BadFile(Exception):
    """A file that cannot be read as a stock file: the command stops with this one line."""


@dataclass
class Summary:
    applied: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Line:
    """One data row: its line number in the file, its SKU, and the change or why it cannot be one."""

    number: int
    sku: str
    row: bulk.StockRow | None
    reason: str | None = None


class StockFile:
    """An open stock file with a checked header: `sku`, exactly one of `quantity` and `delta`, maybe `source`."""

    def __init__(self, path: Path) -> None:
        try:
            self.raw = path.open("rb")
        except OSError as exc:
            raise BadFile(f"{path}: cannot read ({exc.strerror})") from None
        self.file = TextIOWrapper(self.raw, encoding="utf-8-sig", newline="")
        self.path = path
        self.reader = csv.DictReader(self.file)
        try:
            names = self.reader.fieldnames
        except (csv.Error, UnicodeDecodeError) as exc:
            self.file.close()
            raise BadFile(f"{path}: line 1: {exc}") from None
        try:
            self.change = self._check_header(list(names or []))
        except BadFile:
            self.file.close()
            raise

    def _check_header(self, names: list[str]) -> str:
        unknown = [name for name in names if name not in COLUMNS]
        changes = [name for name in ("quantity", "delta") if name in names]
        if not names or "sku" not in names or len(changes) != 1 or unknown or len(set(names)) != len(names):
            raise BadFile(
                f"{self.path}: the header row must name sku and exactly one of quantity (a stock count) "
                f"or delta (units to add), optionally source; it is {','.join(names) or 'empty'}"
            )
        return changes[0]

    def close(self) -> None:
        self.file.close()

    def lines(self) -> Iterator[Line]:
        try:
            for row in self.reader:
                yield self._parse(self.reader.line_num, row)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BadFile(f"{self.path}: line {self.reader.line_num + 1}: {exc}") from None

    def batches(self) -> Iterator[list[Line]]:
        return bulk.batches(self.lines())

    def position(self) -> int:
        """Bytes read so far, in the text layer's 8 KiB steps (a text file cannot tell() while iterated)."""
        return self.raw.tell()

    def _parse(self, number: int, row: dict[str | None, str | None]) -> Line:
        sku = row.get("sku") or ""
        if None in row:
            return Line(number, sku, None, f"more fields than the header's {len(self.reader.fieldnames or [])}")
        if not sku:
            return Line(number, sku, None, "sku: missing")
        value = row.get(self.change) or ""
        try:
            amount = int(value.strip())
        except ValueError:
            return Line(number, sku, None, f"{self.change}: {value!r} is not a whole number")
        if not -rules.MAX_INT - 1 <= amount <= rules.MAX_INT:
            return Line(
                number, sku, None, f"{self.change}: {amount} is outside Int's {-rules.MAX_INT - 1} to {rules.MAX_INT}"
            )
        source = row.get("source") or None
        if self.change == "quantity":
            return Line(number, sku, bulk.StockRow(sku, quantity=amount, source=source))
        return Line(number, sku, bulk.StockRow(sku, delta=amount, source=source))


async def import_stock(stock_file: StockFile, summary: Summary, timezone: str) -> None:
    """Applies the file batch by batch, naming each failed row as it goes (nothing piles up in memory).

    The progress bar goes to stderr and is drawn only on a terminal: rich's default console is
    stdout, where the failed rows go, and off a terminal it would still print a final bar. The store's
    calendar date (in `timezone`) is taken once: the dates the rows move are told against it.
    """
    store = await load_store_config()
    today = projection.today(timezone)
    console = Console(stderr=True)
    columns = (TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    size = stock_file.path.stat().st_size
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("import", total=size)
        for batch in stock_file.batches():
            results = iter(await bulk.apply_batch([line.row for line in batch if line.row is not None], store, today))
            for line in batch:
                reason = line.reason if line.row is None else next(results).error
                if reason is None:
                    summary.applied += 1
                else:
                    summary.failed += 1
                    print(f"line {line.number}: SKU {line.sku!r}: {reason}")
            progress.update(task, completed=stock_file.position())
    print(f"backstock import-stock: {summary.applied} applied, {summary.failed} failed")


async def export_stock(out: TextIO | None) -> None:
    """One row per source item, in the order they were created; reading pages keeps memory flat."""
    writer = csv.writer(out or sys.stdout, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    last = 0
    while (
        page := await SourceItem.filter(id__gt=last)
        .order_by("id")
        .limit(EXPORT_PAGE)
        .values_list("id", "product__sku", "quantity", "source__code")
    ):
        writer.writerows(row[1:] for row in page)
        last = page[-1][0]
