"""Bulk stock: many stock counts and adjustments at once, for the API's bulkUpdateStock and the CSV importer.

Each row goes through the same use case as setStockQuantity or adjustStock, so allocation,
emails and events follow exactly as they do for one row. A batch of rows is one transaction;
each row's own `in_transaction` nests inside it as a savepoint (tortoise's nested transaction),
so a row that fails is rolled back alone and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from itertools import islice
from typing import TypeVar

from backstock.models import StoreConfig
from backstock.resolvers import promises, stock
from backstock.resolvers.catalog import ProductView
from backstock.resolvers.errors import BackstockError, BadUserInput, UnknownSku

T = TypeVar("T")
MAX_ROWS = 1000
# Rows per transaction: short enough that a large import does not hold locks for long, long
# enough that commits do not dominate (a commit is an fsync on SQLite).
BATCH_SIZE = 200


class BulkErrorPolicy(Enum):
    REJECT_ALL = "REJECT_ALL"
    REJECT_FAILED_ROWS = "REJECT_FAILED_ROWS"


@dataclass(frozen=True)
class StockRow:
    sku: str
    quantity: int | None = None
    delta: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class RowResult:
    sku: str
    product: ProductView | None = None
    error: str | None = None
    error_code: str | None = None

    @property
    def applied(self) -> bool:
        return self.product is not None

    @classmethod
    def failed(cls, sku: str, exc: BackstockError) -> RowResult:
        return cls(sku, error=exc.message, error_code="UNKNOWN_SKU" if isinstance(exc, UnknownSku) else exc.code)


@dataclass(frozen=True)
class BulkResult:
    rows: list[RowResult]

    @property
    def applied(self) -> int:
        return sum(row.applied for row in self.rows)

    @property
    def failed(self) -> int:
        return sum(row.error is not None for row in self.rows)


class _Rejected(Exception):
    """Rolls back an all-or-nothing run that found an invalid row, carrying the results out."""

    def __init__(self, rows: list[RowResult]) -> None:
        super().__init__("a row was invalid")
        self.rows = rows


def batches(items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """Lists of `size` items, drawn lazily: `itertools.batched` is Python 3.12+."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


async def bulk_update_stock(
    rows: Sequence[StockRow], policy: BulkErrorPolicy, store: StoreConfig, today: date
) -> BulkResult:
    if len(rows) > MAX_ROWS:
        raise BadUserInput(
            f"rows: at most {MAX_ROWS:,} rows per request, got {len(rows):,}; send them in several requests",
            field="rows",
        )
    if policy is BulkErrorPolicy.REJECT_ALL:
        return BulkResult(await _all_or_nothing(rows, store, today))
    return BulkResult([result for batch in batches(rows) for result in await apply_batch(batch, store, today)])


async def _all_or_nothing(rows: Sequence[StockRow], store: StoreConfig, today: date) -> list[RowResult]:
    """Every row is checked by applying it in one transaction, in order, which is then kept only
    if no row failed: a rule break can depend on the rows before it (the same SKU twice), which
    no check ahead of applying could see."""
    try:
        async with promises.transaction(store.stock_settings(), today):
            results = [await _apply(row, store, today) for row in rows]
            if any(result.error is not None for result in results):
                raise _Rejected(results)
    except _Rejected as rejected:
        return [RowResult(r.sku, error=r.error, error_code=r.error_code) for r in rejected.rows]
    return results


async def apply_batch(rows: Sequence[StockRow], store: StoreConfig, today: date) -> list[RowResult]:
    """One transaction: the valid rows are written, each invalid one is rolled back alone; the
    promises the batch moves are told once at its end."""
    async with promises.transaction(store.stock_settings(), today):
        return [await _apply(row, store, today) for row in rows]


async def _apply(row: StockRow, store: StoreConfig, today: date) -> RowResult:
    try:
        if row.quantity is not None and row.delta is None:
            view = await stock.set_stock_quantity(row.sku, row.quantity, row.source, store, today)
        elif row.delta is not None and row.quantity is None:
            view = await stock.adjust_stock(row.sku, row.delta, None, row.source, store, today)
        else:
            raise BadUserInput(
                "quantity, delta: give exactly one, quantity (a stock count) or delta (units to add or remove)",
                field="quantity",
            )
    except BackstockError as exc:
        return RowResult.failed(row.sku, exc)
    return RowResult(row.sku, product=view)
