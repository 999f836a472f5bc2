"""Customer groups (DESIGN.md 7.3): the settings, who may assert a group, and every stock field per group."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import Api
from tests.groups import CAP_FIELDS, NOTIFY, SHOPPER_FIELDS, checkout, key, product_for, quote, store_caps
from tests.test_keys_api import REVOKE, create_key, statements

PRODUCT_SETTINGS = (
    f"""query($sku: String!) {{ product(sku: $sku) {{ stockSettings {{ {CAP_FIELDS} overridden }} }} }}"""
)
UPDATE_SETTINGS = f"""mutation($sku: String!, $input: StockSettingsInput!) {{
  updateStockSettings(sku: $sku, input: $input) {{ stockSettings {{ {CAP_FIELDS} overridden }} }} }}"""
NO_CAPS = {
    "backorderCustomerGroups": None,
    "maxBackorderQuantityPerOrder": None,
    "maxBackorderQuantityPerCustomer": None,
}


async def product_settings(api: Api, sku: str, **changes: Any) -> Any:
    if changes:
        return (await api.data(UPDATE_SETTINGS, {"sku": sku, "input": changes}))["updateStockSettings"]["stockSettings"]
    return (await api.data(PRODUCT_SETTINGS, {"sku": sku}))["product"]["stockSettings"]


# ---- settings ----


async def test_the_settings_default_to_null_everywhere(api: Api) -> None:
    await api.create_product("BAG")
    assert (await api.data(f"{{ inventoryConfig {{ {CAP_FIELDS} }} }}"))["inventoryConfig"] == NO_CAPS
    assert await product_settings(api, "BAG") == {**NO_CAPS, "overridden": []}


async def test_store_settings_are_kept_until_an_explicit_null_clears_them(api: Api) -> None:
    saved = await store_caps(
        api, backorderCustomerGroups=["B2B", "VIP"], maxBackorderQuantityPerOrder=5, maxBackorderQuantityPerCustomer=0
    )
    assert saved == {
        "backorderCustomerGroups": ["B2B", "VIP"],
        "maxBackorderQuantityPerOrder": 5,
        "maxBackorderQuantityPerCustomer": 0,
    }
    assert await store_caps(api, minSaleQuantity=1) == saved
    assert await store_caps(api, backorderCustomerGroups=None, maxBackorderQuantityPerOrder=None) == {
        **NO_CAPS,
        "maxBackorderQuantityPerCustomer": 0,
    }
    assert await store_caps(api, maxBackorderQuantityPerCustomer=None) == NO_CAPS


async def test_a_product_overrides_and_lifts_the_store_settings(api: Api) -> None:
    await store_caps(
        api, backorderCustomerGroups=["B2B"], maxBackorderQuantityPerOrder=5, maxBackorderQuantityPerCustomer=9
    )
    await api.create_product("BAG")
    assert await product_settings(api, "BAG") == {
        "backorderCustomerGroups": ["B2B"],
        "maxBackorderQuantityPerOrder": 5,
        "maxBackorderQuantityPerCustomer": 9,
        "overridden": [],
    }
    lifted = await product_settings(
        api, "BAG", backorderCustomerGroups=["*"], maxBackorderQuantityPerOrder=-1, maxBackorderQuantityPerCustomer=2
    )
    assert lifted == {
        **NO_CAPS,
        "maxBackorderQuantityPerCustomer": 2,
        "overridden": ["backorderCustomerGroups", "maxBackorderQuantityPerOrder", "maxBackorderQuantityPerCustomer"],
    }
    followed = await product_settings(api, "BAG", backorderCustomerGroups=None, maxBackorderQuantityPerOrder=None)
    assert followed == {
        "backorderCustomerGroups": ["B2B"],
        "maxBackorderQuantityPerOrder": 5,
        "maxBackorderQuantityPerCustomer": 2,
        "overridden": ["maxBackorderQuantityPerCustomer"],
    }


@pytest.mark.parametrize(
    ("level", "changes", "field"),
    [
        ("store", {"maxBackorderQuantityPerOrder": -1}, "maxBackorderQuantityPerOrder"),
        ("store", {"maxBackorderQuantityPerCustomer": -1}, "maxBackorderQuantityPerCustomer"),
        ("store", {"backorderCustomerGroups": ["b2b"]}, "backorderCustomerGroups"),
        ("store", {"backorderCustomerGroups": ["B" * 33]}, "backorderCustomerGroups"),
        ("store", {"backorderCustomerGroups": ["G"] * 101}, "backorderCustomerGroups"),
        ("product", {"maxBackorderQuantityPerOrder": -2}, "maxBackorderQuantityPerOrder"),
        ("product", {"maxBackorderQuantityPerCustomer": -2}, "maxBackorderQuantityPerCustomer"),
        ("product", {"backorderCustomerGroups": ["B2B", ""]}, "backorderCustomerGroups"),
    ],
)
async def test_bad_settings_are_refused_by_name(api: Api, level: str, changes: dict[str, Any], field: str) -> None:
    await api.create_product("BAG")
    if level == "store":
        query = "mutation($input: InventoryConfigInput!) { updateInventoryConfig(input: $input) { manageStock } }"
        error = await api.error(query, {"input": changes})
    else:
        error = await api.error(UPDATE_SETTINGS, {"sku": "BAG", "input": changes})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert error["message"].startswith(field)
    assert (await api.data(f"{{ inventoryConfig {{ {CAP_FIELDS} }} }}"))["inventoryConfig"] == NO_CAPS
    assert await product_settings(api, "BAG") == {**NO_CAPS, "overridden": []}


# ---- asserting a group ----

ASSERTIONS = {
    "product": ('query($g: String) { product(sku: "BAG", customerGroup: $g) { sku } }', "customerGroup"),
    "products": ("query($g: String) { products(customerGroup: $g) { totalCount } }", "customerGroup"),
    "quote": (
        'query($g: String) { quote(input: {lines: [{sku: "BAG", quantity: 1}], customerGroup: $g}) { isOrderable } }',
        "customerGroup",
    ),
    "checkout": (
        'mutation($g: String) { checkout(input: {lines: [{sku: "BAG", quantity: 1}], '
        'customer: {email: "a@example.com", group: $g}}) { __typename } }',
        "customer.group",
    ),
}


@pytest.mark.parametrize("where", list(ASSERTIONS))
@pytest.mark.parametrize(
    ("who", "group", "code"),
    [
        ("anonymous", "GUEST", "FORBIDDEN"),
        ("anonymous", "not a group", "FORBIDDEN"),
        ("refused", "B2B", "UNAUTHENTICATED"),
        ("STOREFRONT", "b2b", "BAD_USER_INPUT"),
        ("STOREFRONT", "B" * 33, "BAD_USER_INPUT"),
        ("STOREFRONT", "B2B", None),
        ("ADMIN", "WHOLESALE_EU", None),
    ],
)
async def test_a_group_needs_a_storefront_or_admin_key(
    api: Api, where: str, who: str, group: str, code: str | None
) -> None:
    await api.create_product("BAG", quantity=5)
    tokens = {"anonymous": None, "refused": "bsk_0000000000000000_nope"}
    token = tokens[who] if who in tokens else await key(api, who)
    query, field = ASSERTIONS[where]
    body = await api.post(query, {"g": group}, token=token)
    if code is None:
        assert "errors" not in body, body["errors"]
        return
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    if code == "BAD_USER_INPUT":
        assert body["errors"][0]["extensions"]["field"] == field
    assert await api.data("{ orders { totalCount } }") == {"orders": {"totalCount": 0}}


@pytest.mark.parametrize("where", list(ASSERTIONS))
async def test_a_revoked_key_asserting_a_group_is_unauthenticated(api: Api, where: str) -> None:
    await api.create_product("BAG", quantity=5)
    created = await create_key(api, "STOREFRONT")
    query, _ = ASSERTIONS[where]
    assert "errors" not in await api.post(query, {"g": "B2B"}, token=created["secret"])
    await api.data(REVOKE, {"id": created["apiKey"]["id"]})
    body = await api.post(query, {"g": "B2B"}, token=created["secret"])
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]
    orders = 1 if where == "checkout" else 0
    assert await api.data("{ orders { totalCount } }") == {"orders": {"totalCount": orders}}


# ---- stock fields per group ----


async def test_a_group_outside_the_list_reads_the_product_as_no_backorders(api: Api) -> None:
    await store_caps(api, backorderCustomerGroups=["B2B"])
    await api.create_product("BAG", quantity=3, backorders=NOTIFY, outOfStockThreshold=-10, onlyXLeftThreshold=5)
    storefront = await key(api)
    notice = "We don't have as many \"Product BAG\" as you requested, but we'll back order the remaining 2."
    b2b = {"sku": "BAG", "stockStatus": "IN_STOCK", "isSalable": True, "salableQuantity": 13, "onlyXLeft": None}
    guest = {"sku": "BAG", "stockStatus": "IN_STOCK", "isSalable": True, "salableQuantity": 3, "onlyXLeft": 3}
    assert await product_for(api, "BAG", "B2B", storefront) == {**b2b, "backorderMessage": notice}
    assert await product_for(api, "BAG", None, None) == {**guest, "backorderMessage": None}
    assert await product_for(api, "BAG", "GUEST", storefront) == {**guest, "backorderMessage": None}
    assert await product_for(api, "BAG", "RETAIL", storefront) == {**guest, "backorderMessage": None}

    guest_line = (await quote(api, ("BAG", 5)))["lines"][0]
    assert guest_line["error"] == {
        "code": "NOT_ENOUGH_STOCK",
        "message": 'We don\'t have as many "Product BAG" as you requested. You can order up to 3.',
    }
    b2b_line = (await quote(api, ("BAG", 5), token=storefront, customerGroup="B2B"))["lines"][0]
    assert (b2b_line["inStockQuantity"], b2b_line["backorderedQuantity"], b2b_line["message"]) == (3, 2, notice)

    assert (await checkout(api, ("BAG", 5)))["__typename"] == "CheckoutRejected"
    order = await checkout(api, ("BAG", 5), group="B2B", token=storefront)
    assert (order["customerGroup"], order["lines"][0]["quantityBackordered"]) == ("B2B", 2)
    assert (await product_for(api, "BAG", None, None))["stockStatus"] == "OUT_OF_STOCK"
    assert (await product_for(api, "BAG", "B2B", storefront))["stockStatus"] == "BACKORDER"


async def test_an_order_without_a_group_is_a_guest_order(api: Api) -> None:
    await api.create_product("BAG", quantity=3)
    number = (await checkout(api, ("BAG", 1)))["number"]
    assert (await api.data(f'{{ order(number: "{number}") {{ customerGroup }} }}'))["order"] == {
        "customerGroup": "GUEST"
    }


async def test_an_empty_list_lets_no_group_backorder_and_a_star_lets_every_group(api: Api) -> None:
    await api.create_product("BAG", backorders=NOTIFY)
    storefront = await key(api)
    assert (await product_for(api, "BAG", "B2B", storefront))["stockStatus"] == "BACKORDER"
    await product_settings(api, "BAG", backorderCustomerGroups=[])
    assert (await product_for(api, "BAG", "B2B", storefront))["stockStatus"] == "OUT_OF_STOCK"
    await store_caps(api, backorderCustomerGroups=[])
    await product_settings(api, "BAG", backorderCustomerGroups=["*"])
    assert (await product_for(api, "BAG", None, None))["stockStatus"] == "BACKORDER"


async def test_the_status_filter_reads_the_groups_status(api: Api) -> None:
    await store_caps(api, backorderCustomerGroups=["B2B"])
    await api.create_product("A", backorders=NOTIFY)
    await api.create_product("B", quantity=4, backorders=NOTIFY)
    await api.create_product("C", backorders=NOTIFY)
    storefront = await key(api)
    query = """query($s: StockStatus!, $g: String) {
      products(filter: {stockStatus: $s}, customerGroup: $g) { totalCount edges { node { sku stockStatus } } } }"""

    async def listed(status: str, group: str | None) -> list[str]:
        body = await api.post(query, {"s": status, "g": group}, token=storefront)
        assert {edge["node"]["stockStatus"] for edge in body["data"]["products"]["edges"]} <= {status}
        return [edge["node"]["sku"] for edge in body["data"]["products"]["edges"]]

    assert await listed("BACKORDER", "B2B") == ["A", "C"]
    assert await listed("OUT_OF_STOCK", "B2B") == []
    assert await listed("OUT_OF_STOCK", None) == ["A", "C"]
    assert await listed("BACKORDER", None) == []
    assert await listed("IN_STOCK", "B2B") == ["B"]


async def test_a_storefront_listing_for_a_group_costs_one_statement_more_than_anonymous(api: Api) -> None:
    await store_caps(api, backorderCustomerGroups=["B2B"], maxBackorderQuantityPerOrder=3)
    for i in range(100):
        await api.create_product(f"S-{i}", quantity=i % 3, backorders=NOTIFY)
    storefront = await key(api)
    listing = f"{{ products(first: 100) {{ edges {{ node {{ {SHOPPER_FIELDS} }} }} }} }}"
    grouped = listing.replace("products(first: 100)", 'products(first: 100, customerGroup: "B2B")')
    assert await statements(api, grouped, storefront) == await statements(api, listing, None) + 1
