"""Moving units between two sources of one product, in one transaction.

Both stocks' items are locked (lower stock id first, so two transfers cannot deadlock) before
the source items; only units free in the sending stock may leave (never units promised to
ready lines); both stocks are then re-evaluated, so waiting lines of the receiving stock are
allocated.
"""

from __future__ import annotations

from datetime import date

from tortoise.expressions import F

from backstock.models import MovementReason, Product, SourceItem, StoreConfig
from backstock.resolvers import ledger, promises
from backstock.resolvers.allocation import rebalance
from backstock.resolvers.catalog import ProductView, get_product
from backstock.resolvers.errors import BadUserInput, unknown_sku
from backstock.resolvers.groups import terms
from backstock.resolvers.inventory import Locked, find_source, lock, stock_of_source
from backstock.resolvers.lowstock import check_sources


async def transfer_stock(
    sku: str, from_code: str, to_code: str, quantity: int, store: StoreConfig, today: date
) -> ProductView:
    if quantity < 1:
        raise BadUserInput(f"quantity must be 1 or more, got {quantity}", field="quantity")
    origin = await find_source(from_code, "fromSource")
    target = await find_source(to_code, "toSource")
    if origin.id == target.id:
        raise BadUserInput(f"toSource: units must move to another source than {from_code!r}", field="toSource")
    async with promises.transaction(store.stock_settings(), today):
        product = await Product.get_or_none(sku=sku)
        if product is None:
            raise unknown_sku(sku)
        sending, receiving = await stock_of_source(origin.id), await stock_of_source(target.id)
        locked: dict[int, dict[int, Locked]] = {}
        for stock_id in sorted({s for s in (sending, receiving) if s is not None}):
            locked[stock_id] = await lock(stock_id, ids=[product.id])
        source_item = await SourceItem.filter(product_id=product.id, source_id=origin.id).select_for_update().first()
        held = source_item.quantity if source_item is not None else 0
        if source_item is None or held < quantity:
            raise BadUserInput(f"quantity: source {from_code!r} holds {held} units of SKU {sku!r}", field="quantity")
        if sending is not None and origin.enabled and source_item.in_stock:
            free = max(0, locked[sending][product.id].counts.level.free)
            if quantity > free:
                raise BadUserInput(
                    f"quantity: only {free} units of SKU {sku!r} at {from_code!r} are free; "
                    "the others are promised to orders",
                    field="quantity",
                )
        target_item, _ = await SourceItem.get_or_create(product_id=product.id, source_id=target.id)
        await SourceItem.filter(id=source_item.id).update(quantity=F("quantity") - quantity)
        await SourceItem.filter(id=target_item.id).update(quantity=F("quantity") + quantity)
        await ledger.record(
            [
                ledger.movement(product.id, MovementReason.TRANSFER, on_hand=-quantity, source_id=origin.id),
                ledger.movement(product.id, MovementReason.TRANSFER, on_hand=quantity, source_id=target.id),
            ]
        )
        for items in locked.values():
            await rebalance(items, store)
        await check_sources([product.id], store)
    return await get_product(sku, terms(store))
