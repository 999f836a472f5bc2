"""`ProductFilter.search` and `ProductFilter.isLowStock` (contract 7.5): what a storefront's search box and an
operator's "what runs low" view ask of the listing, with the other filters, channels and cursor pages."""

from __future__ import annotations

from typing import Any

from harness.queries import count_queries
from tests.api import Api
from tests.groups import key

LISTING = """query($filter: ProductFilter, $first: Int, $after: String, $channel: String) {
  products(filter: $filter, first: $first, after: $after, channel: $channel) {
    totalCount edges { node { sku } } pageInfo { hasNextPage endCursor } } }"""
NAMED = "mutation($s: String!, $n: String!) { updateProduct(sku: $s, input: {name: $n}) { sku } }"


async def listed(api: Api, *, admin: bool = True, **variables: Any) -> tuple[list[str], int]:
    page = (await api.data(LISTING, variables, admin=admin))["products"]
    return [e["node"]["sku"] for e in page["edges"]], page["totalCount"]


async def catalog(api: Api, names: dict[str, str]) -> None:
    for sku, name in names.items():
        await api.create_product(sku, quantity=5)
        await api.data(NAMED, {"s": sku, "n": name})


async def test_search_matches_a_substring_of_the_name_or_the_sku_in_any_case(api: Api) -> None:
    await catalog(api, {"MUG-RED": "Red mug", "CUP-1": "Espresso cup", "HAT": "Wool hat (red)", "BAG": "Tote"})
    assert await listed(api, filter={"search": "RED"}, admin=False) == (["MUG-RED", "HAT"], 2)
    assert await listed(api, filter={"search": "cup-"}, admin=False) == (["CUP-1"], 1)
    assert await listed(api, filter={"search": "mUg"}, admin=False) == (["MUG-RED"], 1)
    assert await listed(api, filter={"search": "sock"}, admin=False) == ([], 0)
    assert await listed(api, filter={"search": ""}, admin=False) == (["MUG-RED", "CUP-1", "HAT", "BAG"], 4)


async def test_search_takes_like_wildcards_literally(api: Api) -> None:
    await catalog(api, {"A_1": "Half 50% off", "AB1": "Plain", "A.1": "Back\\slash"})
    assert await listed(api, filter={"search": "A_"}) == (["A_1"], 1)
    assert await listed(api, filter={"search": "50%"}) == (["A_1"], 1)
    assert await listed(api, filter={"search": "%"}) == (["A_1"], 1)
    assert await listed(api, filter={"search": "k\\s"}) == (["A.1"], 1)


async def test_search_combines_with_skus_status_and_cursor_pages(api: Api) -> None:
    await catalog(api, {f"MUG-{i}": f"Mug {i}" for i in range(5)} | {"HAT": "Hat"})
    await api.data('mutation { setStockQuantity(sku: "MUG-1", quantity: 0) { sku } }')
    assert await listed(api, filter={"search": "mug", "skus": ["MUG-2", "HAT", "MUG-4"]}) == (["MUG-2", "MUG-4"], 2)
    assert await listed(api, filter={"search": "mug", "stockStatus": "OUT_OF_STOCK"}) == (["MUG-1"], 1)
    first = (await api.data(LISTING, {"filter": {"search": "MUG"}, "first": 3}))["products"]
    assert [e["node"]["sku"] for e in first["edges"]] == ["MUG-0", "MUG-1", "MUG-2"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (5, True)
    rest = await listed(api, filter={"search": "MUG"}, first=3, after=first["pageInfo"]["endCursor"])
    assert rest == (["MUG-3", "MUG-4"], 5)


async def test_low_stock_filter_follows_the_products_is_low_stock(api: Api) -> None:
    """Default notifyForQuantityBelow is 1: 0 and 1 unit are low; a product's own threshold counts."""
    for sku, quantity in {"A": 0, "B": 1, "C": 2, "D": 7, "E": 9}.items():
        await api.create_product(sku, quantity=quantity)
    await api.data('mutation { updateStockSettings(sku: "E", input: {notifyForQuantityBelow: 9}) { sku } }')
    await api.checkout(("D", 6))
    assert await listed(api, filter={"isLowStock": True}) == (["A", "B", "D", "E"], 4)
    assert await listed(api, filter={"isLowStock": False}) == (["C"], 1)
    assert await listed(api, filter={"isLowStock": True, "search": "product d"}) == (["D"], 1)
    assert await listed(api, filter={"isLowStock": True, "stockStatus": "OUT_OF_STOCK"}) == (["A"], 1)
    first = (await api.data(LISTING, {"filter": {"isLowStock": True}, "first": 2}))["products"]
    assert [e["node"]["sku"] for e in first["edges"]] == ["A", "B"] and first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    assert await listed(api, filter={"isLowStock": True}, first=2, after=after) == (["D", "E"], 4)


async def test_low_stock_is_decided_in_the_asked_channel(api: Api) -> None:
    """A stock holding no item of a product cannot run low of it (DESIGN.md 7.6)."""
    await api.data('mutation { upsertSource(input: {code: "east", name: "East"}) { code } }')
    await api.data(
        'mutation { upsertStock(input: {code: "eu", name: "EU", sources: ["east"], channels: ["eu"]}) { code } }'
    )
    await api.create_product("LOW", quantity=0)
    assert await listed(api, filter={"isLowStock": True}) == (["LOW"], 1)
    assert await listed(api, filter={"isLowStock": True}, channel="eu") == ([], 0)
    assert await listed(api, filter={"isLowStock": False}, channel="eu") == (["LOW"], 1)


async def test_low_stock_filter_needs_an_admin_key(api: Api) -> None:
    await api.create_product("A", quantity=0)
    for low in (True, False):
        error = await api.error(LISTING, {"filter": {"isLowStock": low}}, admin=False)
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "field": "filter.isLowStock"}
        body = await api.post(LISTING, {"filter": {"isLowStock": low}}, token=await key(api))
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "filter.isLowStock"}
    assert await listed(api, filter={"isLowStock": None, "search": "a"}, admin=False) == (["A"], 1)


async def test_an_over_long_search_is_refused_naming_the_field(api: Api) -> None:
    error = await api.error(LISTING, {"filter": {"search": "x" * 256}}, admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.search"}
    assert "255" in error["message"]
    assert await listed(api, filter={"search": "x" * 255}, admin=False) == ([], 0)


async def test_a_filtered_listing_costs_the_same_queries_for_5_or_100_products(api: Api) -> None:
    for i in range(5):
        await api.create_product(f"S-{i}", quantity=i)
    variables: dict[str, Any] = {"filter": {"search": "s-", "isLowStock": False}, "first": 100}
    with count_queries() as small:
        await api.data(LISTING, variables)
    for i in range(5, 100):
        await api.create_product(f"S-{i}", quantity=i)
    with count_queries() as large:
        skus, total = await listed(api, **variables)
    assert (len(skus), total) == (98, 98)  # 0 and 1 unit are low stock
    assert len(small) == len(large) <= 2, large
