"""Catalog and configuration through the HTTP app: what a storefront and an admin see."""

from __future__ import annotations

from typing import Any

import pytest

from harness.graphql import PRODUCT_FIELDS
from harness.queries import count_queries
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
CONFIG_FIELDS = """manageStock backorders outOfStockThreshold onlyXLeftThreshold notifyForQuantityBelow
    minSaleQuantity maxSaleQuantity quantityIncrements lowStockRecipients"""
UPDATE_SETTINGS = """mutation($sku: String!, $input: StockSettingsInput!) {
  updateStockSettings(sku: $sku, input: $input) {
    stockStatus backorderMessage(quantity: 5)
    stockSettings { backorders outOfStockThreshold minSaleQuantity overridden }
  }
}"""


async def test_store_defaults_are_magentos(api: Api) -> None:
    data = await api.data(f"{{ inventoryConfig {{ {CONFIG_FIELDS} }} }}")
    assert data["inventoryConfig"] == {
        "manageStock": True,
        "backorders": "NO_BACKORDERS",
        "outOfStockThreshold": 0,
        "onlyXLeftThreshold": 0,
        "notifyForQuantityBelow": 1,
        "minSaleQuantity": 1,
        "maxSaleQuantity": 10000,
        "quantityIncrements": 1,
        "lowStockRecipients": [],
    }


async def test_a_new_product_reads_its_stock(api: Api) -> None:
    created = await api.create_product("TEE-1", quantity=3, price="19.90")
    assert created == {
        "sku": "TEE-1",
        "name": "Product TEE-1",
        "price": "19.90",
        "stockStatus": "IN_STOCK",
        "isSalable": True,
        "salableQuantity": 3,
        "onlyXLeft": None,
        "backorderMessage": None,
        "quantity": 3,
        "reservedQuantity": 0,
        "backorderedQuantity": 0,
        "inStock": True,
        "isLowStock": False,
    }


async def test_notify_mode_changes_status_and_notice(api: Api) -> None:
    await api.create_product("KETTLE", quantity=2)
    data = await api.data(UPDATE_SETTINGS, {"sku": "KETTLE", "input": {"backorders": NOTIFY}})
    product = data["updateStockSettings"]
    assert product["stockStatus"] == "IN_STOCK"
    assert product["backorderMessage"] == (
        "We don't have as many \"Product KETTLE\" as you requested, but we'll back order the remaining 3."
    )
    assert product["stockSettings"]["overridden"] == ["backorders"]
    await api.data('mutation { setStockQuantity(sku: "KETTLE", quantity: 0) { sku } }')
    assert (await api.product("KETTLE"))["stockStatus"] == "BACKORDER"


async def test_silent_backorders_never_show_backorder(api: Api) -> None:
    await api.create_product("LAMP", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO")
    product = await api.product("LAMP", quantity=4)
    assert (product["stockStatus"], product["salableQuantity"], product["backorderMessage"]) == ("IN_STOCK", None, None)


async def test_explicit_null_follows_the_store_default_again(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY, outOfStockThreshold=-5)
    data = await api.data(UPDATE_SETTINGS, {"sku": "MUG", "input": {"outOfStockThreshold": None}})
    settings = data["updateStockSettings"]["stockSettings"]
    assert settings == {
        "backorders": NOTIFY,
        "outOfStockThreshold": 0,
        "minSaleQuantity": 1,
        "overridden": ["backorders"],
    }
    omitted = await api.data(UPDATE_SETTINGS, {"sku": "MUG", "input": {"minSaleQuantity": 2}})
    assert omitted["updateStockSettings"]["stockSettings"]["overridden"] == ["backorders", "minSaleQuantity"]


async def test_store_default_applies_until_overridden(api: Api) -> None:
    await api.create_product("SOCKS", quantity=0)
    assert (await api.product("SOCKS"))["stockStatus"] == "OUT_OF_STOCK"
    await api.data(
        f"mutation {{ updateInventoryConfig(input: {{backorders: {NOTIFY}, outOfStockThreshold: -3}}) {{ backorders }} }}"
    )
    product = await api.product("SOCKS")
    assert (product["stockStatus"], product["salableQuantity"]) == ("BACKORDER", 3)


async def test_manual_stock_status_makes_it_out_of_stock(api: Api) -> None:
    await api.create_product("POSTER", quantity=10)
    await api.data('mutation { setStockStatus(sku: "POSTER", inStock: false) { inStock } }')
    product = await api.product("POSTER")
    assert (product["stockStatus"], product["isSalable"], product["quantity"]) == ("OUT_OF_STOCK", False, 10)
    assert product["salableQuantity"] == 0  # the 10 units on hand cannot be sold


async def test_the_seed_example_through_the_api(api: Api) -> None:
    await api.create_product(
        "BAG", quantity=25, backorders=NOTIFY, outOfStockThreshold=-50, notifyForQuantityBelow=10, onlyXLeftThreshold=5
    )
    assert (await api.product("BAG"))["salableQuantity"] == 75
    await api.data('mutation { adjustStock(sku: "BAG", delta: -20, reason: "damaged in transit") { quantity } }')
    product = await api.product("BAG")
    assert (product["quantity"], product["salableQuantity"], product["onlyXLeft"], product["isLowStock"]) == (
        5,
        55,
        None,
        True,
    )


async def test_adjust_stock_cannot_go_below_zero(api: Api) -> None:
    await api.create_product("CANDLE", quantity=2)
    error = await api.error('mutation { adjustStock(sku: "CANDLE", delta: -3) { quantity } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "delta"}
    assert "below 0" in error["message"]
    assert (await api.product("CANDLE"))["quantity"] == 2


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"minSaleQuantity": 0}, "minSaleQuantity", "1 or more"),
        ({"maxSaleQuantity": 0}, "maxSaleQuantity", "at least minSaleQuantity"),
        ({"quantityIncrements": 0}, "quantityIncrements", "1 or more"),
        ({"onlyXLeftThreshold": -1}, "onlyXLeftThreshold", "0 or more"),
        ({"notifyForQuantityBelow": -1}, "notifyForQuantityBelow", "0 or more"),
        ({"backorders": "NO_BACKORDERS", "outOfStockThreshold": -1}, "outOfStockThreshold", "negative"),
    ],
)
async def test_invalid_settings_are_refused_by_name(api: Api, overrides: dict[str, Any], field: str, rule: str) -> None:
    error = await api.error(
        f"mutation($input: ProductInput!) {{ createProduct(input: $input) {{ {PRODUCT_FIELDS} }} }}",
        {"input": {"sku": "BAD-1", "name": "Bad", "price": "1.00", "stockSettings": overrides}},
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert field in error["message"] and rule in error["message"]
    assert (await api.data("{ products { totalCount } }"))["products"]["totalCount"] == 0


async def test_store_config_validation_names_the_field(api: Api) -> None:
    error = await api.error("mutation { updateInventoryConfig(input: {outOfStockThreshold: -5}) { backorders } }")
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "outOfStockThreshold")
    error = await api.error(
        'mutation { updateInventoryConfig(input: {lowStockRecipients: ["not-an-email"]}) { backorders } }'
    )
    assert error["extensions"]["field"] == "lowStockRecipients"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": -1}, "quantity"),
        ({"price": "-1.00"}, "price"),
        ({"sku": "has space"}, "sku"),
        ({"name": " "}, "name"),
    ],
)
async def test_bad_product_input_is_refused(api: Api, change: dict[str, Any], field: str) -> None:
    product = {"sku": "OK-1", "name": "Fine", "price": "1.00"} | change
    error = await api.error(
        "mutation($input: ProductInput!) { createProduct(input: $input) { sku } }", {"input": product}
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_duplicate_sku_is_a_conflict(api: Api) -> None:
    await api.create_product("DUP")
    error = await api.error('mutation { createProduct(input: {sku: "DUP", name: "Again", price: "2"}) { sku } }')
    assert error["extensions"] == {"code": "CONFLICT", "field": "sku"}


async def test_unknown_sku_is_not_found(api: Api) -> None:
    error = await api.error('mutation { setStockQuantity(sku: "NOPE", quantity: 1) { sku } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "sku"}
    assert (await api.data('{ product(sku: "NOPE") { sku } }', admin=False))["product"] is None


async def test_update_product_changes_name_and_price(api: Api) -> None:
    await api.create_product("HAT")
    data = await api.data(
        'mutation { updateProduct(sku: "HAT", input: {name: "Wool Hat", price: "25.5"}) { name price } }'
    )
    assert data["updateProduct"] == {"name": "Wool Hat", "price": "25.50"}


async def test_pagination_walks_every_product_once(api: Api) -> None:
    for i in range(7):
        await api.create_product(f"P-{i}", quantity=i)
    seen: list[str] = []
    after = None
    while True:
        page = (
            await api.data(
                "query($after: String) { products(first: 3, after: $after) { totalCount edges { cursor node { sku } }"
                " pageInfo { hasNextPage endCursor } } }",
                {"after": after},
                admin=False,
            )
        )["products"]
        assert page["totalCount"] == 7
        seen += [edge["node"]["sku"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"P-{i}" for i in range(7)]


async def test_filter_by_skus_and_status(api: Api) -> None:
    await api.create_product("A", quantity=0)
    await api.create_product("B", quantity=5)
    await api.create_product("C", quantity=5)
    data = await api.data("{ products(filter: {stockStatus: OUT_OF_STOCK}) { totalCount edges { node { sku } } } }")
    assert data["products"]["totalCount"] == 1 and data["products"]["edges"][0]["node"]["sku"] == "A"
    data = await api.data('{ products(filter: {skus: ["C", "A"], stockStatus: IN_STOCK}) { edges { node { sku } } } }')
    assert [e["node"]["sku"] for e in data["products"]["edges"]] == ["C"]


async def test_bad_cursor_and_page_size_are_refused(api: Api) -> None:
    error = await api.error('{ products(after: "garbage!") { totalCount } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    error = await api.error("{ products(first: 1000) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


LISTING = f"{{ products(first: 100) {{ totalCount edges {{ node {{ {PRODUCT_FIELDS} stockSettings {{ overridden }} }} }} }} }}"


async def test_listing_costs_the_same_queries_for_5_or_100_products(api: Api) -> None:
    for i in range(5):
        await api.create_product(f"S-{i}", quantity=i)
    with count_queries() as small:
        await api.data(LISTING)
    for i in range(5, 100):
        await api.create_product(f"S-{i}", quantity=i, backorders=NOTIFY)
    with count_queries() as large:
        data = await api.data(LISTING)
    assert len(data["products"]["edges"]) == 100
    assert len(small) == len(large) <= 3, large


async def test_an_explicit_null_means_the_default(api: Api) -> None:
    """The contract's `first: Int = 20` and `quantity: Int = 1` are nullable: null is the default."""
    await api.create_product("BAG", quantity=0, backorders=NOTIFY)
    query = "query($f: Int, $q: Int) { products(first: $f) { edges { node { backorderMessage(quantity: $q) } } } }"
    data = await api.data(query, {"f": None, "q": None}, admin=False)
    assert data["products"]["edges"][0]["node"]["backorderMessage"].endswith("back order the remaining 1.")


async def test_listing_in_a_channel_costs_the_same_queries(api: Api) -> None:
    await api.data('mutation { upsertSource(input: {code: "east", name: "East"}) { code } }')
    await api.data(
        'mutation { upsertStock(input: {code: "eu", name: "EU", sources: ["east"], channels: ["eu"]}) { code } }'
    )
    for i in range(100):
        await api.create_product(f"S-{i}", quantity=i, backorders=NOTIFY)
    channel_listing = LISTING.replace("products(first: 100)", 'products(first: 100, channel: "eu")')
    with count_queries() as queries:
        data = await api.data(channel_listing)
    assert len(data["products"]["edges"]) == 100
    assert {e["node"]["quantity"] for e in data["products"]["edges"]} == {0}
    assert len(queries) <= 3, queries
