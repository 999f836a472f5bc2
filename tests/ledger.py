"""The ledger invariant: counters always equal the sums of their stock movements."""

from __future__ import annotations

from backstock.models import Product, SourceItem, StockMovement


async def assert_ledger_matches_counters() -> None:
    for product in await Product.all():
        movements = await StockMovement.filter(product_id=product.id)
        on_hand = sum((await SourceItem.filter(product_id=product.id).values_list("quantity", flat=True)), 0)
        assert sum(m.on_hand_delta for m in movements) == on_hand, product.sku
        assert sum(m.reserved_delta for m in movements) == product.reserved, product.sku
