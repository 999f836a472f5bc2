"""totalCount at scale: the database keeps the number of products (triggers on `product`), and a page
reads it instead of counting the catalog; it must stay exact whatever writes products."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from backstock.models import Product
from harness.queries import count_queries
from tests.api import Api

TOTAL = "{ products(first: 1) { totalCount } }"


async def total(api: Api) -> int:
    return int((await api.data(TOTAL, admin=False))["products"]["totalCount"])


async def test_total_count_follows_created_products_and_not_refused_ones(api: Api) -> None:
    assert await total(api) == 0
    for n in range(1, 4):
        await api.create_product(f"C-{n}", quantity=n)
        assert await total(api) == n
    duplicate = await api.error('mutation { createProduct(input: {sku: "C-1", name: "Again", price: "1.00"}) { sku } }')
    assert duplicate["extensions"]["code"] == "CONFLICT"
    refused = await api.error(
        'mutation { createProduct(input: {sku: "C-9", name: "Bad", price: "1.00", quantity: -1}) { sku } }'
    )
    assert refused["extensions"]["field"] == "quantity"
    assert await total(api) == 3


async def test_simultaneous_creations_are_each_counted(api: Api) -> None:
    async with asyncio.timeout(60):
        await asyncio.gather(*(api.create_product(f"P-{n}") for n in range(20)))
    assert await total(api) == 20


async def test_rows_written_around_the_api_are_counted(api: Api) -> None:
    """Bulk loaders (the bench's data set) insert many rows in one statement; deletes count too."""
    await api.create_product("KEEP")
    await Product.bulk_create([Product(sku=f"B-{n}", name=f"Bulk {n}", price=Decimal("1.00")) for n in range(250)])
    assert await total(api) == 251
    await Product.filter(sku__startswith="B-").delete()
    assert await total(api) == 1


async def test_a_page_with_its_total_does_not_count_the_catalog(api: Api) -> None:
    for n in range(5):
        await api.create_product(f"S-{n}")
    with count_queries() as statements:
        data = await api.data("{ products(first: 2) { totalCount edges { node { sku } } } }", admin=False)
    assert data["products"]["totalCount"] == 5
    assert not [s for s in statements if "COUNT(" in s.upper()], statements
