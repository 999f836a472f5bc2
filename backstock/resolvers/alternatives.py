"""Alternatives (DESIGN.md 7.2): the merchant's ordered list of substitutes per product, read for
many products at once so a listing costs a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import Product, ProductAlternative
from backstock.resolvers import validation
from backstock.resolvers.catalog import MAX_PAGE, ProductView, get_product, views_of
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.groups import Terms
from backstock.resolvers.product_rows import ProductRow, product_rows

MAX_ALTERNATIVES = 50
ON_REFUSAL = 5
REFUSALS_WITH_ALTERNATIVES = frozenset({rules.LineErrorCode.OUT_OF_STOCK, rules.LineErrorCode.NOT_ENOUGH_STOCK})


class Shelf(NamedTuple):
    """What "salable" is computed for: the product's SKU, the request's stock and group terms."""

    sku: str
    stock_id: int
    store: Terms


async def replace_alternatives(sku: str, alternatives: list[str], store: Terms) -> ProductView:
    """Replaces the list in one transaction; every SKU is checked before anything is written."""
    product = (await get_product(sku, store)).product
    if len(alternatives) > MAX_ALTERNATIVES:
        raise _refused(f"at most {MAX_ALTERNATIVES} alternatives, got {len(alternatives)}")
    seen: set[str] = set()
    for alternative in alternatives:
        if alternative == sku:
            raise _refused(f"{sku!r} cannot be an alternative to itself")
        if alternative in seen:
            raise _refused(f"{alternative!r} is listed twice")
        seen.add(alternative)
    found = dict(
        await Product.filter(sku__in=validation.possible_skus(alternatives)).values_list("sku", "id")
        if alternatives
        else []
    )
    unknown = [alternative for alternative in alternatives if alternative not in found]
    if unknown:
        raise _refused(f"no product with SKU {unknown[0]!r}")
    async with in_transaction():
        await ProductAlternative.filter(product_id=product.id).delete()
        await ProductAlternative.bulk_create(
            [
                ProductAlternative(product_id=product.id, alternative_id=found[alternative], position=position)
                for position, alternative in enumerate(alternatives)
            ]
        )
    return await get_product(sku, store)


def _refused(reason: str) -> BadUserInput:
    return BadUserInput(f"alternatives: {reason}", field="alternatives")


async def load(shelves: Sequence[Shelf]) -> list[list[ProductView]]:
    """Every shelf's alternatives in list order, as views for its stock and group: one query for the
    lists and one per stock asked about (a listing reads one stock), whatever the number of products."""
    links = await (
        ProductAlternative.filter(product__sku__in=sorted({shelf.sku for shelf in shelves}))
        .order_by("product_id", "position")
        .values_list("product__sku", "alternative_id")
    )
    listed: dict[str, list[int]] = defaultdict(list)
    for sku, alternative_id in links:
        listed[str(sku)].append(int(alternative_id))
    wanted: dict[int, set[int]] = defaultdict(set)
    for shelf in shelves:
        wanted[shelf.stock_id].update(listed[shelf.sku])
    rows: dict[int, dict[int, ProductRow]] = {}
    for stock_id, ids in wanted.items():
        found = await product_rows(Product.filter(id__in=sorted(ids)), stock_id) if ids else []
        rows[stock_id] = {row.id: row for row in found}
    return [
        views_of([rows[shelf.stock_id][i] for i in listed[shelf.sku]], shelf.store, shelf.stock_id) for shelf in shelves
    ]


def pick(views: list[ProductView], only_available: bool, first: int) -> list[ProductView]:
    """`first` counts after the salable filter."""
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}, got {first}", field="first")
    return [view for view in views if view.availability.is_salable or not only_available][:first]
