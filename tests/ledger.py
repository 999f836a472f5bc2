"""The ledger invariant: counters always equal the sums of their stock movements, per source item
(on hand) and per stock item (reserved)."""

from __future__ import annotations

from backstock.models import SourceItem, StockItem, StockMovement


async def assert_ledger_matches_counters() -> None:
    for item in await SourceItem.all().prefetch_related("product"):
        movements = await StockMovement.filter(product_id=item.product_id, source_id=item.source_id)
        assert sum(m.on_hand_delta for m in movements) == item.quantity, (item.product.sku, item.source_id)
    for stock_item in await StockItem.all().prefetch_related("product"):
        movements = await StockMovement.filter(product_id=stock_item.product_id, stock_id=stock_item.stock_id)
        assert sum(m.reserved_delta for m in movements) == stock_item.reserved, (
            stock_item.product.sku,
            stock_item.stock_id,
        )
