"""Stock counts, restocks, shrinkage and the stock status flag of one source item.

Each change locks the product's stock item in the stock its source belongs to (see
`inventory.lock`), then the source item, changes it, and re-evaluates that stock like a
stock count. A source outside every stock moves no stock's counters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock.models import MovementReason, Product, Source, SourceItem, StockMovement, StoreConfig
from backstock.resolvers import ledger, validation
from backstock.resolvers.allocation import rebalance
from backstock.resolvers.catalog import ProductView, get_product
from backstock.resolvers.errors import BadUserInput, unknown_sku
from backstock.resolvers.inventory import find_source, lock, stock_of_source

Change = Callable[[SourceItem], Awaitable[list[StockMovement]]]


async def change_source_item(sku: str, source: Source, change: Change, store: StoreConfig) -> None:
    """Runs `change` on the product's item at `source` (created in stock with 0 units if missing)
    under the locks, records its movements and re-evaluates the source's stock. Inside a transaction."""
    product = await Product.get_or_none(sku=sku)
    if product is None:
        raise unknown_sku(sku)
    stock_id = await stock_of_source(source.id)
    locked = await lock(stock_id, ids=[product.id]) if stock_id is not None else {}
    item = await SourceItem.filter(product_id=product.id, source_id=source.id).select_for_update().first()
    if item is None:
        item = await SourceItem.create(product_id=product.id, source_id=source.id)
    await ledger.record(await change(item))
    if stock_id is not None:
        await rebalance(stock_id, locked, store)


async def _on_hand(item: SourceItem, delta: int, reason: MovementReason, note: str | None) -> list[StockMovement]:
    if not delta:
        return []
    await SourceItem.filter(id=item.id).update(quantity=F("quantity") + delta)
    item.quantity += delta
    return [ledger.movement(item.product_id, reason, on_hand=delta, note=note, source_id=item.source_id)]


async def set_stock_quantity(sku: str, quantity: int, source: str | None, store: StoreConfig) -> ProductView:
    """A stock count: the new figure is the truth; promises beyond it return to backordered."""
    validation.not_negative(quantity, "quantity")
    where = await find_source(source)

    async def count(item: SourceItem) -> list[StockMovement]:
        return await _on_hand(item, quantity - item.quantity, MovementReason.STOCK_COUNT, None)

    async with in_transaction():
        await change_source_item(sku, where, count, store)
    return await get_product(sku, store.stock_settings())


async def adjust_stock(sku: str, delta: int, reason: str | None, source: str | None, store: StoreConfig) -> ProductView:
    """A restock (delta > 0) or shrinkage (delta < 0); on hand never goes below 0."""
    note = validation.name(reason, "reason") if reason is not None else None
    where = await find_source(source)

    async def adjust(item: SourceItem) -> list[StockMovement]:
        if item.quantity + delta < 0:
            raise BadUserInput(
                f"delta: {delta} would leave {item.quantity + delta} units on hand for SKU {sku!r} "
                f"at source {where.code!r}; on hand cannot go below 0 (it is {item.quantity})",
                field="delta",
            )
        return await _on_hand(item, delta, MovementReason.ADJUSTMENT, note)

    async with in_transaction():
        await change_source_item(sku, where, adjust, store)
    return await get_product(sku, store.stock_settings())


async def set_stock_status(sku: str, in_stock: bool, source: str | None, store: StoreConfig) -> ProductView:
    """The source item's status: off, its units stop counting for its stock."""
    where = await find_source(source)

    async def flag(item: SourceItem) -> list[StockMovement]:
        await SourceItem.filter(id=item.id).update(in_stock=in_stock)
        item.in_stock = in_stock
        return []

    async with in_transaction():
        await change_source_item(sku, where, flag, store)
    return await get_product(sku, store.stock_settings())
