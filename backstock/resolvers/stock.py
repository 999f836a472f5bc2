"""Stock counts, restocks, shrinkage and the manual stock status flag.

Locking: every change to a product's counters first takes its rows with
`SELECT ... FOR UPDATE` (PostgreSQL), in product id order so two multi-product changes
cannot deadlock. On SQLite, tortoise runs each transaction alone on its single
connection, and only one process writes (serve refuses --workers > 1 there).
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import MovementReason, Product, SourceItem, StoreConfig
from backstock.models.catalog import DEFAULT_SOURCE
from backstock.resolvers import ledger, validation
from backstock.resolvers.allocation import settle
from backstock.resolvers.catalog import ProductView, get_product
from backstock.resolvers.errors import BadUserInput, unknown_sku


async def lock(*, skus: Sequence[str] = (), ids: Sequence[int] = ()) -> dict[int, SourceItem]:
    """Locks and loads products (by SKU or by id) with their default source item, keyed by product id.

    Filtering through the relation makes the join an inner one, which FOR UPDATE requires (an
    empty filter would leave it outer, so nothing to find is answered without a query).
    """
    wanted: Sequence[object] = validation.possible_skus(skus) if skus else ids
    if not wanted:
        return {}
    by = {"product__sku__in": wanted} if skus else {"product__id__in": wanted}
    items = (
        await SourceItem.filter(source_code=DEFAULT_SOURCE, **by)
        .select_related("product")
        .order_by("product_id")
        .select_for_update()
    )
    return {item.product_id: item for item in items}


async def lock_sku(sku: str) -> SourceItem:
    items = await lock(skus=[sku])
    if not items:
        raise unknown_sku(sku)
    return next(iter(items.values()))


def level_of(item: SourceItem) -> rules.StockLevel:
    return rules.StockLevel(item.quantity, item.product.reserved, item.product.in_stock)


def _check_fits(item: SourceItem, on_hand: int, store: StoreConfig, field: str) -> None:
    settings = rules.effective_settings(store.stock_settings(), item.product.overrides())
    validation.counters_fit(settings, rules.StockLevel(on_hand, item.product.reserved), field)


async def _change_on_hand(
    item: SourceItem, delta: int, reason: MovementReason, note: str | None, store: StoreConfig
) -> None:
    before = level_of(item)
    await SourceItem.filter(id=item.id).update(quantity=F("quantity") + delta)
    item.quantity += delta
    await ledger.record([ledger.movement(item.product_id, reason, on_hand=delta, note=note)])
    await settle(item.product, store, before, level_of(item))


async def set_stock_quantity(sku: str, quantity: int, store: StoreConfig) -> ProductView:
    """A stock count: the new figure is the truth; promises beyond it return to backordered."""
    validation.not_negative(quantity, "quantity")
    async with in_transaction():
        item = await lock_sku(sku)
        _check_fits(item, quantity, store, "quantity")
        if quantity != item.quantity:
            await _change_on_hand(item, quantity - item.quantity, MovementReason.STOCK_COUNT, None, store)
    return await get_product(sku, store.stock_settings())


async def adjust_stock(sku: str, delta: int, reason: str | None, store: StoreConfig) -> ProductView:
    """A restock (delta > 0) or shrinkage (delta < 0); on hand never goes below 0."""
    note = validation.name(reason, "reason") if reason is not None else None
    async with in_transaction():
        item = await lock_sku(sku)
        if item.quantity + delta < 0:
            raise BadUserInput(
                f"delta: {delta} would leave {item.quantity + delta} units on hand for SKU {sku!r}; "
                f"on hand cannot go below 0 (it is {item.quantity})",
                field="delta",
            )
        _check_fits(item, item.quantity + delta, store, "delta")
        if delta:
            await _change_on_hand(item, delta, MovementReason.ADJUSTMENT, note, store)
    return await get_product(sku, store.stock_settings())


async def set_stock_status(sku: str, in_stock: bool, store: StoreConfig) -> ProductView:
    if not validation.fits(Product, "sku", sku) or not await Product.filter(sku=sku).update(in_stock=in_stock):
        raise unknown_sku(sku)
    return await get_product(sku, store.stock_settings())
