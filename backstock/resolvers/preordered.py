"""A product's stored pre-order as the rules see it, with its pre-ordered count (DESIGN.md 7.2).

Its own module, below catalog, allocation and restate, because all three read it: the product
views, and the stock events every change of a pre-order product compares (`rules.preorder_stock_state`).
"""

from __future__ import annotations

from tortoise.functions import Sum

from backstock import rules
from backstock.models import OrderLine, Product
from backstock.resolvers.product_rows import StoredProduct


def preorder_of(product: StoredProduct, preordered: int) -> rules.Preorder | None:
    """The product's stored pre-order (released or not) for the rules, None without one."""
    if product.preorder_release_date is None:
        return None
    return rules.Preorder(
        product.preorder_release_date, product.preorder_max_quantity, product.preorder_message, preordered
    )


async def preordered_units(product_id: int) -> int:
    """Units ordered before release and not cancelled, in every stock (the cap is product-wide): one query."""
    rows = (
        await OrderLine.filter(product_id=product_id, preorder_held=True)
        .annotate(ordered_units=Sum("ordered"), cancelled_units=Sum("cancelled"))
        .group_by()
        .values("ordered_units", "cancelled_units")
    )
    return int(rows[0]["ordered_units"] or 0) - int(rows[0]["cancelled_units"] or 0) if rows else 0


async def stored_preorder(product: Product) -> rules.Preorder | None:
    """`preorder_of` with the count as it stands now; no query for a product without a pre-order."""
    if product.preorder_release_date is None:
        return None
    return preorder_of(product, await preordered_units(product.id))
