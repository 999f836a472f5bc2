"""Low stock per source item (DESIGN.md 7.6): one email per crossing, to the source's email,
else the merchant's lowStockRecipients; only for products held at more than one source, so a
one-source store gets exactly the product-level emails."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from backstock import rules
from backstock.models import SourceItem, StoreConfig
from backstock.notifications import messages
from backstock.notifications.outbox import Message, enqueue
from backstock.rules.sourcing import is_source_low, source_threshold


async def check_sources(product_ids: Sequence[int], store: StoreConfig) -> None:
    """Re-arms or fires each source item's latch; call after its quantity or threshold changed,
    inside the change's transaction and under its locks. Products held at one source are sorted
    out first by their ids alone: building their items would be most of a bulk change's work."""
    held_by = Counter(await SourceItem.filter(product_id__in=product_ids).values_list("product_id", flat=True))
    several = [product_id for product_id, held in held_by.items() if held > 1]
    if not several:
        return
    items = await SourceItem.filter(product_id__in=several).select_related("product", "source")
    by_product: dict[int, list[SourceItem]] = {}
    for item in items:
        by_product.setdefault(item.product_id, []).append(item)
    outgoing: list[Message] = []
    for held in by_product.values():
        if len(held) < 2:
            continue
        settings = rules.effective_settings(store.stock_settings(), held[0].product.overrides())
        for item in held:
            low = is_source_low(item.quantity, item.notify_for_quantity_below, settings)
            if low == item.low_stock_alerted:
                continue
            await SourceItem.filter(id=item.id).update(low_stock_alerted=low)
            if low:
                recipients = [item.source.email] if item.source.email else store.low_stock_recipients
                threshold = source_threshold(item.notify_for_quantity_below, settings)
                product = item.product
                outgoing.append(
                    messages.source_low_stock(
                        product.sku, product.name, item.source.code, item.quantity, threshold, recipients
                    )
                )
    await enqueue(outgoing)
