"""backorderLeadTimeDays (store and product) and customersMayCancelBackorders (DESIGN.md 7.1 precise points)."""

from __future__ import annotations

from typing import Any

from tests.api import Api

CONFIG = "backorderLeadTimeDays customersMayCancelBackorders minSaleQuantity"
UPDATE_CONFIG = f"mutation($i: InventoryConfigInput!) {{ updateInventoryConfig(input: $i) {{ {CONFIG} }} }}"
UPDATE_PRODUCT = """mutation($i: StockSettingsInput!) {
  updateStockSettings(sku: "MUG", input: $i) { stockSettings { backorderLeadTimeDays overridden } } }"""


async def config(api: Api, changes: dict[str, Any]) -> Any:
    return (await api.data(UPDATE_CONFIG, {"i": changes}))["updateInventoryConfig"]


async def test_store_lead_time_defaults_to_unknown_and_explicit_null_clears_it(api: Api) -> None:
    initial = (await api.data(f"{{ inventoryConfig {{ {CONFIG} }} }}"))["inventoryConfig"]
    assert initial == {"backorderLeadTimeDays": None, "customersMayCancelBackorders": True, "minSaleQuantity": 1}
    assert (await config(api, {"backorderLeadTimeDays": 5}))["backorderLeadTimeDays"] == 5
    kept = await config(api, {"minSaleQuantity": 2, "customersMayCancelBackorders": False})
    assert kept == {"backorderLeadTimeDays": 5, "customersMayCancelBackorders": False, "minSaleQuantity": 2}
    assert (await config(api, {"backorderLeadTimeDays": None}))["backorderLeadTimeDays"] is None
    assert (await config(api, {"backorderLeadTimeDays": 0}))["backorderLeadTimeDays"] == 0


async def test_bad_store_settings_are_refused_and_nothing_changes(api: Api) -> None:
    await config(api, {"backorderLeadTimeDays": 5})
    for changes, field in [
        ({"backorderLeadTimeDays": -1, "minSaleQuantity": 3}, "backorderLeadTimeDays"),
        ({"customersMayCancelBackorders": None}, "customersMayCancelBackorders"),
    ]:
        error = await api.error(UPDATE_CONFIG, {"i": changes})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    after = (await api.data(f"{{ inventoryConfig {{ {CONFIG} }} }}"))["inventoryConfig"]
    assert after == {"backorderLeadTimeDays": 5, "customersMayCancelBackorders": True, "minSaleQuantity": 1}


async def test_a_product_overrides_the_lead_time_and_null_follows_the_store_again(api: Api) -> None:
    await config(api, {"backorderLeadTimeDays": 5})
    await api.create_product("MUG")
    own = (await api.data(UPDATE_PRODUCT, {"i": {"backorderLeadTimeDays": 2}}))["updateStockSettings"]
    assert own["stockSettings"] == {"backorderLeadTimeDays": 2, "overridden": ["backorderLeadTimeDays"]}
    error = await api.error(UPDATE_PRODUCT, {"i": {"backorderLeadTimeDays": -3}})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "backorderLeadTimeDays")
    store = (await api.data(UPDATE_PRODUCT, {"i": {"backorderLeadTimeDays": None}}))["updateStockSettings"]
    assert store["stockSettings"] == {"backorderLeadTimeDays": 5, "overridden": []}
