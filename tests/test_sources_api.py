"""Sources, stocks and sales channels through the HTTP app (DESIGN.md 7.6)."""

from __future__ import annotations

import pytest

from tests.api import Api
from tests.ledger import assert_ledger_matches_counters
from tests.multisource import (
    UPSERT_SOURCE,
    UPSERT_STOCK,
    checkout_in,
    product_in,
    set_quantity,
    source,
    source_items,
    stock,
    warehouses,
)


async def test_each_channel_sells_the_units_of_its_own_stock(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    await warehouses(api, "east")
    await set_quantity(api, "MUG", 7, "east")
    eu, home = await product_in(api, "MUG", "eu"), await api.product("MUG")
    assert (eu["quantity"], eu["salableQuantity"], home["quantity"], home["salableQuantity"]) == (7, 7, 5, 5)
    order = await checkout_in(api, "eu", ("MUG", 3))
    assert (order["channel"], order["lines"][0]["quantityReadyToShip"]) == ("eu", 3)
    eu, home = await product_in(api, "MUG", "eu"), await api.product("MUG")
    assert (eu["reservedQuantity"], eu["salableQuantity"]) == (3, 4)
    assert (home["reservedQuantity"], home["salableQuantity"]) == (0, 5)
    listing = await api.data('{ products(channel: "eu") { edges { node { sku quantity salableQuantity } } } }')
    assert listing["products"]["edges"][0]["node"] == {"sku": "MUG", "quantity": 7, "salableQuantity": 4}
    await assert_ledger_matches_counters()


async def test_a_stock_without_an_item_of_the_product_does_not_sell_it(api: Api) -> None:
    await api.create_product("MUG", quantity=5, notifyForQuantityBelow=10)
    await warehouses(api, "east")
    eu = await product_in(api, "MUG", "eu")
    assert (eu["stockStatus"], eu["quantity"], eu["inStock"], eu["isLowStock"]) == ("OUT_OF_STOCK", 0, False, False)
    assert (await api.product("MUG"))["isLowStock"] is True
    refused = await checkout_in(api, "eu", ("MUG", 1))
    assert refused["errors"][0]["code"] == "OUT_OF_STOCK"


@pytest.mark.parametrize(
    "query",
    [
        '{ product(sku: "MUG", channel: "moon") { sku } }',
        '{ products(channel: "moon") { totalCount } }',
        '{ products(channel: "moon", filter: {stockStatus: IN_STOCK}) { totalCount } }',
        '{ quote(input: {channel: "moon", lines: [{sku: "MUG", quantity: 1}]}) { isOrderable } }',
        'mutation { checkout(input: {channel: "moon", lines: [{sku: "MUG", quantity: 1}], '
        'customer: {email: "a@example.com"}}) { __typename } }',
    ],
)
async def test_an_unknown_channel_is_refused_naming_channel(api: Api, query: str) -> None:
    await api.create_product("MUG", quantity=5)
    error = await api.error(query, admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "channel"}


async def test_sources_and_stocks_are_listed_and_updated_by_code(api: Api) -> None:
    assert await source(api, "east", email="east@example.com") == {
        "code": "east",
        "name": "Source east",
        "enabled": True,
        "email": "east@example.com",
    }
    assert (await source(api, "east", enabled=False))["email"] == "east@example.com"
    updated = await source(api, "east", email=None)
    assert (updated["enabled"], updated["email"]) == (False, None)
    await source(api, "west")
    assert await stock(api, "eu", ["west", "east"], ["eu", "eu-b2b"]) == {
        "code": "eu",
        "name": "Stock eu",
        "sources": [{"code": "west"}, {"code": "east"}],
        "channels": ["eu", "eu-b2b"],
    }
    data = await api.data("{ sources { code enabled } stocks { code sources { code } channels } }")
    assert [s["code"] for s in data["sources"]] == ["default", "east", "west"]
    assert data["stocks"][0] == {"code": "default", "sources": [{"code": "default"}], "channels": ["default"]}
    assert data["stocks"][1]["channels"] == ["eu", "eu-b2b"]
    error = await api.error("{ sources { code } }", admin=False)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("mutation", "variables", "code", "field"),
    [
        (UPSERT_SOURCE, {"code": "East!", "name": "x"}, "BAD_USER_INPUT", "code"),
        (UPSERT_SOURCE, {"code": "e" * 33, "name": "x"}, "BAD_USER_INPUT", "code"),
        (UPSERT_SOURCE, {"code": "east", "name": "x", "email": "a@b.c\nBcc: x@y.z"}, "BAD_USER_INPUT", "email"),
        (UPSERT_SOURCE, {"code": "default", "name": "x", "enabled": False}, "BAD_USER_INPUT", "enabled"),
        (
            UPSERT_STOCK,
            {"code": "eu", "name": "x", "sources": ["nowhere"], "channels": []},
            "BAD_USER_INPUT",
            "sources",
        ),
        (UPSERT_STOCK, {"code": "eu", "name": "x", "sources": ["default"], "channels": []}, "CONFLICT", "sources"),
        (UPSERT_STOCK, {"code": "eu", "name": "x", "sources": [], "channels": ["default"]}, "CONFLICT", "channels"),
        (
            UPSERT_STOCK,
            {"code": "eu", "name": "x", "sources": [], "channels": ["Bad Code"]},
            "BAD_USER_INPUT",
            "channels",
        ),
        (
            UPSERT_STOCK,
            {"code": "default", "name": "x", "sources": [], "channels": ["default"]},
            "BAD_USER_INPUT",
            "sources",
        ),
        (
            UPSERT_STOCK,
            {"code": "default", "name": "x", "sources": ["default"], "channels": []},
            "BAD_USER_INPUT",
            "channels",
        ),
    ],
)
async def test_bad_sources_and_stocks_are_refused(
    api: Api, mutation: str, variables: dict[str, object], code: str, field: str
) -> None:
    error = await api.error(mutation, {"input": variables})
    assert error["extensions"] == {"code": code, "field": field}


async def test_a_source_sold_by_one_stock_cannot_join_another(api: Api) -> None:
    await warehouses(api, "east")
    error = await api.error(UPSERT_STOCK, {"input": {"code": "us", "name": "x", "sources": ["east"], "channels": []}})
    assert error["extensions"] == {"code": "CONFLICT", "field": "sources"}
    error = await api.error(UPSERT_STOCK, {"input": {"code": "us", "name": "x", "sources": [], "channels": ["eu"]}})
    assert error["extensions"] == {"code": "CONFLICT", "field": "channels"}


async def test_removing_a_channel_with_open_orders_or_promised_units_is_a_conflict(api: Api) -> None:
    await api.create_product("MUG")
    await warehouses(api, "east")
    await set_quantity(api, "MUG", 2, "east")
    await checkout_in(api, "eu", ("MUG", 2))
    error = await api.error(UPSERT_STOCK, {"input": {"code": "eu", "name": "x", "sources": ["east"], "channels": []}})
    assert error["extensions"] == {"code": "CONFLICT", "field": "channels"}
    error = await api.error(UPSERT_STOCK, {"input": {"code": "eu", "name": "x", "sources": [], "channels": ["eu"]}})
    assert error["extensions"] == {"code": "CONFLICT", "field": "sources"}
    await source(api, "west")
    await set_quantity(api, "MUG", 2, "west")
    moved = await stock(api, "eu", ["west", "east"], ["eu"])
    assert moved["sources"] == [{"code": "west"}, {"code": "east"}]
    assert (await stock(api, "eu", ["west"], ["eu"]))["sources"] == [{"code": "west"}]
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["reservedQuantity"], eu["backorderedQuantity"]) == (2, 2, 0)


async def test_a_source_item_turned_out_of_stock_stops_counting_and_takes_back_promises(api: Api) -> None:
    await api.create_product("MUG", quantity=4, backorders="ALLOW_QTY_BELOW_ZERO_AND_NOTIFY")
    order = await api.checkout(("MUG", 3))
    query = (
        'mutation { setStockStatus(sku: "MUG", inStock: false, source: "default") { stockStatus inStock quantity } }'
    )
    assert (await api.data(query))["setStockStatus"] == {"stockStatus": "OUT_OF_STOCK", "inStock": False, "quantity": 4}
    line = (await api.order(order["number"]))["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (0, 3)
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: true) { sku } }')
    line = (await api.order(order["number"]))["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (3, 0)


async def test_disabling_a_source_takes_its_units_out_of_its_stock(api: Api) -> None:
    await api.create_product("MUG")
    await warehouses(api, "east", "west")
    await set_quantity(api, "MUG", 3, "east")
    await set_quantity(api, "MUG", 4, "west")
    assert (await product_in(api, "MUG", "eu"))["salableQuantity"] == 7
    await source(api, "east", enabled=False)
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["salableQuantity"]) == (4, 4)
    assert set(await source_items(api, "MUG")) == {"default", "east", "west"}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ('source: "nowhere"', "source"),
        (
            'source: "default", notifyForQuantityBelow: 2, clearNotifyForQuantityBelow: true',
            "clearNotifyForQuantityBelow",
        ),
        ('source: "default", notifyForQuantityBelow: -1', "notifyForQuantityBelow"),
        ('source: "default", quantity: -1', "quantity"),
    ],
)
async def test_bad_source_item_changes_are_refused(api: Api, arguments: str, field: str) -> None:
    await api.create_product("MUG", quantity=1)
    error = await api.error(f'mutation {{ setSourceItem(sku: "MUG", {arguments}) {{ sku }} }}')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_set_source_item_keeps_omitted_fields(api: Api) -> None:
    await api.create_product("MUG", quantity=1)
    await api.data('mutation { setSourceItem(sku: "MUG", source: "default", notifyForQuantityBelow: 3) { sku } }')
    await api.data('mutation { setSourceItem(sku: "MUG", source: "default", quantity: 6) { sku } }')
    item = (await source_items(api, "MUG"))["default"]
    assert (item["quantity"], item["notifyForQuantityBelow"], item["inStock"], item["isLowStock"]) == (
        6,
        3,
        True,
        False,
    )
    await api.data(
        'mutation { setSourceItem(sku: "MUG", source: "default", clearNotifyForQuantityBelow: true) { sku } }'
    )
    assert (await source_items(api, "MUG"))["default"]["notifyForQuantityBelow"] is None
    for mutation in ("setStockQuantity(sku: $sku, quantity: 1", "adjustStock(sku: $sku, delta: 1"):
        error = await api.error(
            f'mutation($sku: String!) {{ {mutation}, source: "nowhere") {{ sku }} }}', {"sku": "MUG"}
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "source"}
