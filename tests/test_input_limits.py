"""Hostile input at the domain level (issue 8): every refusal is BAD_USER_INPUT naming the field,
nothing is written, and what was there keeps working."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api import CHECKOUT, Api
from tests.ledger import assert_ledger_matches_counters

MAX_INT = 2**31 - 1
SILENT = "ALLOW_QTY_BELOW_ZERO"
LISTING = "{ products(first: 100) { totalCount edges { node { sku quantity salableQuantity } } } }"


def checkout_input(*lines: tuple[str, int], email: str = "sam@example.com", key: str | None = None) -> Any:
    return {
        "input": {
            "lines": [{"sku": s, "quantity": q} for s, q in lines],
            "customer": {"email": email},
            "idempotencyKey": key,
        }
    }


async def assert_still_readable(api: Api, sku: str, quantity: int) -> None:
    """The listing, the product and its ledger answer as before the refused change."""
    listing = await api.data(LISTING)
    assert [edge["node"]["quantity"] for edge in listing["products"]["edges"]] == [quantity]
    assert (await api.product(sku))["quantity"] == quantity
    await api.data("query($s: String!) { stockMovements(sku: $s) { quantityDelta } }", {"s": sku})
    await assert_ledger_matches_counters()


async def test_adjust_stock_past_int_is_refused_before_writing(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    error = await api.error(f'mutation {{ adjustStock(sku: "MUG", delta: {MAX_INT}) {{ quantity }} }}')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "delta"}
    assert str(MAX_INT) in error["message"]
    await assert_still_readable(api, "MUG", 5)


async def test_set_stock_quantity_whose_salable_passes_int_is_refused(api: Api) -> None:
    await api.create_product("MUG", quantity=5, backorders=SILENT, outOfStockThreshold=-50)
    error = await api.error(f'mutation {{ setStockQuantity(sku: "MUG", quantity: {MAX_INT}) {{ quantity }} }}')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "quantity"}
    await assert_still_readable(api, "MUG", 5)


async def test_create_product_whose_salable_passes_int_is_refused(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    variables = {
        "input": {
            "sku": "HUGE",
            "name": "Huge",
            "price": "1.00",
            "quantity": MAX_INT,
            "stockSettings": {"backorders": SILENT, "outOfStockThreshold": -1},
        }
    }
    error = await api.error("mutation($input: ProductInput!) { createProduct(input: $input) { sku } }", variables)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "quantity"}
    assert (await api.data('{ product(sku: "HUGE") { sku } }'))["product"] is None
    await assert_still_readable(api, "MUG", 5)


async def test_a_negative_threshold_that_would_pass_int_is_refused(api: Api) -> None:
    await api.create_product("MUG", quantity=MAX_INT - 10, backorders=SILENT)
    error = await api.error('mutation { updateStockSettings(sku: "MUG", input: {outOfStockThreshold: -50}) { sku } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "outOfStockThreshold"}
    await assert_still_readable(api, "MUG", MAX_INT - 10)


async def test_a_reservation_past_int_is_refused_before_writing(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=SILENT, maxSaleQuantity=MAX_INT)
    assert (await api.checkout(("MUG", MAX_INT)))["__typename"] == "Order"
    error = await api.error(CHECKOUT, checkout_input(("MUG", 1)), admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}
    assert (await api.product("MUG"))["reservedQuantity"] == MAX_INT
    await assert_still_readable(api, "MUG", 0)


@pytest.mark.parametrize("operation", ["quote", "checkout"])
async def test_lines_of_one_sku_summing_past_int_are_refused(api: Api, operation: str) -> None:
    await api.create_product("MUG", quantity=0, backorders=SILENT, maxSaleQuantity=MAX_INT)
    lines = [("MUG", MAX_INT), ("MUG", 1)]
    if operation == "quote":
        query = "query($lines: [LineInput!]!) { quote(input: {lines: $lines}) { isOrderable } }"
        error = await api.error(query, {"lines": checkout_input(*lines)["input"]["lines"]}, admin=False)
    else:
        error = await api.error(CHECKOUT, checkout_input(*lines), admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}
    assert (await api.product("MUG"))["reservedQuantity"] == 0


async def test_a_store_threshold_past_int_keeps_the_listing_readable(api: Api) -> None:
    await api.create_product("MUG", quantity=MAX_INT - 10)
    await api.data(
        f"mutation {{ updateInventoryConfig(input: {{backorders: {SILENT}, outOfStockThreshold: -50}}) {{ backorders }} }}"
    )
    listing = await api.data(LISTING)
    assert listing["products"]["edges"][0]["node"]["salableQuantity"] == MAX_INT
