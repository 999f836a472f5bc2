"""Bulk stock: many stock counts and adjustments at once, for the API's bulkUpdateStock and the CSV importer.

Each row is what setStockQuantity or adjustStock would make of it: the same checks and messages,
a ledger movement, and its stock re-evaluated like a stock count (`allocation.rebalance`), so
allocation, emails and events follow. A batch of rows is one transaction.

A batch is applied in runs of rows with distinct SKUs (the same SKU again starts the next run), and
a run costs a constant number of queries, not a few per row: it loads every row's source, product,
stock item and source item (both locked) at once, decides each row in order against what it loaded,
writes the valid rows' quantities and movements in bulk, and settles each stock item it touched
once. A row found invalid has written nothing, so it is rolled back alone without a savepoint of its
own; and as a run touches each product once, a row's result is the product as that row left it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from itertools import islice
from typing import TypeVar

from backstock import rules
from backstock.models import MovementReason, Product, Source, SourceItem, StoreConfig
from backstock.resolvers import ledger, promises, stock, validation
from backstock.resolvers.allocation import rebalance
from backstock.resolvers.catalog import ProductView, views_in
from backstock.resolvers.errors import BackstockError, BadUserInput, UnknownSku, unknown_sku
from backstock.resolvers.groups import terms
from backstock.resolvers.inventory import Locked, find_source, lock, stock_of_channel, stock_of_source
from backstock.resolvers.lowstock import check_sources

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
            results = await _apply_runs(rows, store)
            if any(result.error is not None for result in results):
                raise _Rejected(results)
    except _Rejected as rejected:
        return [RowResult(r.sku, error=r.error, error_code=r.error_code) for r in rejected.rows]
    return results


async def apply_batch(rows: Sequence[StockRow], store: StoreConfig, today: date) -> list[RowResult]:
    """One transaction: the valid rows are written, the invalid ones are not; the promises the
    batch moves are told once at its end."""
    async with promises.transaction(store.stock_settings(), today):
        return await _apply_runs(rows, store)


async def _apply_runs(rows: Sequence[StockRow], store: StoreConfig) -> list[RowResult]:
    return [result for run in _runs(rows) for result in await _apply_run(run, store)]


def _runs(rows: Sequence[StockRow]) -> Iterator[list[StockRow]]:
    """The rows in order, cut before each SKU the current run already holds."""
    run: list[StockRow] = []
    skus: set[str] = set()
    for row in rows:
        if row.sku in skus:
            yield run
            run, skus = [], set()
        run.append(row)
        skus.add(row.sku)
    if run:
        yield run


@dataclass(frozen=True)
class _Target:
    """A row whose input, source and SKU are valid: what it changes."""

    row: StockRow
    source: Source
    stock_id: int | None
    product: Product


class _Run:
    """One run's rows, with everything they change loaded and locked."""

    def __init__(self, store: StoreConfig) -> None:
        self.store = store
        self.results: dict[int, RowResult] = {}
        self.targets: dict[int, _Target] = {}
        self.locked: dict[int, dict[int, Locked]] = {}
        self.items: dict[tuple[int, int], SourceItem] = {}

    async def load(self, rows: Sequence[StockRow]) -> None:
        """The sources and products in a query or two each, then the locks: stock items stock by stock
        (lower id first, as transfers do), then source items."""
        sources: dict[str | None, tuple[Source, int | None] | BackstockError] = {}
        for code in {row.source for row in rows}:
            try:
                source = await find_source(code)
            except BackstockError as exc:
                sources[code] = exc
            else:
                sources[code] = (source, await stock_of_source(source.id))
        wanted = validation.possible_skus({row.sku for row in rows})
        products = {p.sku: p for p in await Product.filter(sku__in=wanted).only("id", "sku")} if wanted else {}
        for index, row in enumerate(rows):
            try:
                _check_input(row)
                where = sources[row.source]
                if isinstance(where, BackstockError):
                    raise where
                product = products.get(row.sku)
                if product is None:
                    raise unknown_sku(row.sku)
            except BackstockError as exc:
                self.results[index] = RowResult.failed(row.sku, exc)
            else:
                self.targets[index] = _Target(row, where[0], where[1], product)
        by_stock: dict[int, set[int]] = {}
        for target in self.targets.values():
            if target.stock_id is not None:
                by_stock.setdefault(target.stock_id, set()).add(target.product.id)
        for stock_id in sorted(by_stock):
            self.locked[stock_id] = await lock(stock_id, ids=sorted(by_stock[stock_id]))
        if self.targets:
            items = (
                await SourceItem.filter(
                    product_id__in={t.product.id for t in self.targets.values()},
                    source_id__in={t.source.id for t in self.targets.values()},
                )
                .order_by("id")
                .select_for_update()
            )
            self.items = {(item.product_id, item.source_id): item for item in items}

    def change(self, target: _Target, item: SourceItem) -> int:
        """The row's change of the item's units, checked as setStockQuantity and adjustStock check it."""
        row = target.row
        if row.quantity is not None:
            delta, field = row.quantity - item.quantity, "quantity"
        else:
            delta, field = row.delta or 0, "delta"
            stock.not_below_zero(row.sku, target.source, item.quantity, delta)
        validation.counters_fit(rules.StockSettings(), rules.StockLevel(item.quantity + delta, 0), field)
        entry = None if target.stock_id is None else self.locked[target.stock_id].get(target.product.id)
        if entry is not None and target.source.enabled and item.in_stock:
            settings = rules.effective_settings(self.store.stock_settings(), entry.item.product.overrides())
            validation.counters_fit(settings, replace(entry.counts, on_hand=entry.counts.on_hand + delta).level, field)
        return delta

    async def apply(self) -> set[int]:
        """Decides each row in order, writes the valid ones in bulk, settles what they touched; returns
        the products changed."""
        changed: list[SourceItem] = []
        created: list[SourceItem] = []
        movements: list[ledger.Movement] = []
        for index, target in self.targets.items():
            key = (target.product.id, target.source.id)
            item = self.items.get(key) or SourceItem(product_id=key[0], source_id=key[1])
            try:
                delta = self.change(target, item)
            except BackstockError as exc:
                self.results[index] = RowResult.failed(target.row.sku, exc)
                continue
            (changed if key in self.items else created).append(item)
            item.quantity += delta
            if delta:
                reason = MovementReason.STOCK_COUNT if target.row.quantity is not None else MovementReason.ADJUSTMENT
                movements.append(ledger.movement(key[0], reason, on_hand=delta, source_id=key[1]))
        touched = {item.product_id for item in [*changed, *created]}
        if changed:
            await SourceItem.bulk_update(changed, fields=["quantity"], batch_size=BATCH_SIZE)
        if created:
            await SourceItem.bulk_create(created)
        await ledger.record(movements)
        for entries in self.locked.values():
            if mine := {product_id: e for product_id, e in entries.items() if product_id in touched}:
                await rebalance(mine, self.store)
        if touched:
            await check_sources(sorted(touched), self.store)
        return touched


def _check_input(row: StockRow) -> None:
    if (row.quantity is None) == (row.delta is None):
        raise BadUserInput(
            "quantity, delta: give exactly one, quantity (a stock count) or delta (units to add or remove)",
            field="quantity",
        )
    if row.quantity is not None:
        validation.not_negative(row.quantity, "quantity")


async def _apply_run(rows: Sequence[StockRow], store: StoreConfig) -> list[RowResult]:
    """Rows with distinct SKUs, inside the caller's transaction; one result per row, in order."""
    run = _Run(store)
    await run.load(rows)
    touched = await run.apply()
    views: dict[int, ProductView] = {}
    if touched:
        stock_id = await stock_of_channel(None)
        views = {
            view.product.id: view for view in await views_in(Product.filter(id__in=touched), terms(store), stock_id)
        }
    return [
        run.results.get(index) or RowResult(row.sku, product=views[run.targets[index].product.id])
        for index, row in enumerate(rows)
    ]
