"""Stock counts, restocks, shrinkage, the stock status flag and threshold of one source item,
and transfers between sources.

Each change locks the product's stock item in the stock its source belongs to (see
`inventory.lock`), then the source item, changes it, and re-evaluates that stock like a
stock count. A source outside every stock moves no stock's counters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from tortoise.expressions import F

from backstock import rules
from backstock.models import MovementReason, Product, Source, SourceItem, StoreConfig
from backstock.resolvers import ledger, promises, validation
from backstock.resolvers.allocation import rebalance
from backstock.resolvers.catalog import ProductView, get_product
from backstock.resolvers.errors import BadUserInput, unknown_sku
from backstock.resolvers.groups import terms
from backstock.resolvers.inventory import Locked, find_source, lock, stock_of_source
from backstock.resolvers.lowstock import check_sources

Change = Callable[[SourceItem], Awaitable[list[ledger.Movement]]]


async def change_source_item(sku: str, source: Source, change: Change, store: StoreConfig, field: str) -> None:
    """Runs `change` on the product's item at `source` (created in stock with 0 units if missing)
    under the locks, records its movements and re-evaluates the source's stock. Inside a transaction:
    a change whose counters would pass GraphQL's Int (named by `field`) raises, and nothing stays written."""
    product = await Product.get_or_none(sku=sku) if validation.fits(Product, "sku", sku) else None
    if product is None:
        raise unknown_sku(sku)
    stock_id = await stock_of_source(source.id)
    locked = await lock(stock_id, ids=[product.id]) if stock_id is not None else {}
    item = await SourceItem.filter(product_id=product.id, source_id=source.id).select_for_update().first()
    if item is None:
        item = await SourceItem.create(product_id=product.id, source_id=source.id)
    await ledger.record(await change(item))
    await rebalance(locked, store)
    _check_fits(locked, store, field)
    await check_sources([product.id], store)


def _check_fits(locked: dict[int, Locked], store: StoreConfig, field: str) -> None:
    for entry in locked.values():
        settings = rules.effective_settings(store.stock_settings(), entry.item.product.overrides())
        validation.counters_fit(settings, entry.counts.level, field)


async def _on_hand(
    item: SourceItem, delta: int, reason: MovementReason, note: str | None, field: str
) -> list[ledger.Movement]:
    if not delta:
        return []
    validation.counters_fit(rules.StockSettings(), rules.StockLevel(item.quantity + delta, 0), field)
    await SourceItem.filter(id=item.id).update(quantity=F("quantity") + delta)
    item.quantity += delta
    return [ledger.movement(item.product_id, reason, on_hand=delta, note=note, source_id=item.source_id)]


async def set_stock_quantity(
    sku: str, quantity: int, source: str | None, store: StoreConfig, today: date
) -> ProductView:
    """A stock count: the new figure is the truth; promises beyond it return to backordered."""
    validation.not_negative(quantity, "quantity")
    where = await find_source(source)

    async def count(item: SourceItem) -> list[ledger.Movement]:
        return await _on_hand(item, quantity - item.quantity, MovementReason.STOCK_COUNT, None, "quantity")

    async with promises.transaction(store.stock_settings(), today):
        await change_source_item(sku, where, count, store, "quantity")
    return await get_product(sku, terms(store))


async def adjust_stock(
    sku: str, delta: int, reason: str | None, source: str | None, store: StoreConfig, today: date
) -> ProductView:
    """A restock (delta > 0) or shrinkage (delta < 0); on hand never goes below 0."""
    note = validation.name(reason, "reason") if reason is not None else None
    where = await find_source(source)
    async with promises.transaction(store.stock_settings(), today):
        await add_on_hand(sku, delta, note, where, store)
    return await get_product(sku, terms(store))


async def add_on_hand(sku: str, delta: int, note: str | None, where: Source, store: StoreConfig) -> None:
    """A restock or shrinkage inside the caller's transaction: adjustStock, and receivePurchaseOrder,
    whose receipts so allocate waiting lines and send emails and events exactly as a restock does."""

    async def adjust(item: SourceItem) -> list[ledger.Movement]:
        not_below_zero(sku, where, item.quantity, delta)
        return await _on_hand(item, delta, MovementReason.ADJUSTMENT, note, "delta")

    await change_source_item(sku, where, adjust, store, "delta")


def not_below_zero(sku: str, where: Source, on_hand: int, delta: int) -> None:
    """A shrinkage may take what a source holds, no more."""
    if on_hand + delta < 0:
        raise BadUserInput(
            f"delta: {delta} would leave {on_hand + delta} units on hand for SKU {sku!r} "
            f"at source {where.code!r}; on hand cannot go below 0 (it is {on_hand})",
            field="delta",
        )


async def set_stock_status(
    sku: str, in_stock: bool, source: str | None, store: StoreConfig, today: date
) -> ProductView:
    """The source item's status: off, its units stop counting for its stock."""
    where = await find_source(source)

    async def flag(item: SourceItem) -> list[ledger.Movement]:
        await SourceItem.filter(id=item.id).update(in_stock=in_stock)
        item.in_stock = in_stock
        return []

    async with promises.transaction(store.stock_settings(), today):
        await change_source_item(sku, where, flag, store, "inStock")
    return await get_product(sku, terms(store))


async def set_source_item(
    sku: str,
    source: str,
    quantity: int | None,
    in_stock: bool | None,
    threshold: int | None,
    clear_threshold: bool,
    store: StoreConfig,
    today: date,
) -> ProductView:
    """Omitted fields keep their value; a new quantity is a stock count at that source."""
    if quantity is not None:
        validation.not_negative(quantity, "quantity")
    if threshold is not None:
        validation.not_negative(threshold, "notifyForQuantityBelow")
        if clear_threshold:
            raise BadUserInput(
                "clearNotifyForQuantityBelow: give a threshold or clear it, not both",
                field="clearNotifyForQuantityBelow",
            )
    where = await find_source(source)

    async def set_item(item: SourceItem) -> list[ledger.Movement]:
        if in_stock is not None:
            item.in_stock = in_stock
        if threshold is not None or clear_threshold:
            item.notify_for_quantity_below = threshold
        await item.save(update_fields=["in_stock", "notify_for_quantity_below"])
        if quantity is None:
            return []
        return await _on_hand(item, quantity - item.quantity, MovementReason.STOCK_COUNT, None, "quantity")

    async with promises.transaction(store.stock_settings(), today):
        await change_source_item(sku, where, set_item, store, "quantity")
    return await get_product(sku, terms(store))
