"""Backorder caps (DESIGN.md 7.3): per order line and per customer, in checkout and quote, under concurrency."""

from __future__ import annotations

import asyncio

import pytest

from tests.api import Api
from tests.groups import NOTIFY, checkout, key, product_for, quote, refusal, store_caps
from tests.ledger import assert_ledger_matches_counters
from tests.multisource import set_quantity, warehouses

CANCEL = "mutation($n: String!) { cancelOrder(number: $n) { status } }"
RESTOCK = "mutation($sku: String!, $d: Int!) { adjustStock(sku: $sku, delta: $d) { sku } }"
STORM_SECONDS = 60


def limit(n: int, sku: str = "BAG") -> tuple[str, str]:
    return "BACKORDER_LIMIT_EXCEEDED", f'You can back order at most {n} more "Product {sku}".'


async def test_the_per_order_cap_refuses_a_line_with_too_many_backordered_units(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=3)
    await api.create_product("BAG", quantity=2, backorders=NOTIFY)
    assert refusal(await checkout(api, ("BAG", 6))) == limit(3)
    line = (await quote(api, ("BAG", 6)))["lines"][0]
    assert (line["error"]["code"], line["error"]["message"]) == limit(3)
    placed = await checkout(api, ("BAG", 3), ("BAG", 2))
    assert placed["lines"][0]["quantityBackordered"] == 3
    assert refusal(await checkout(api, ("BAG", 4))) == limit(3)


async def test_caps_change_no_stock_field(api: Api) -> None:
    await api.create_product("BAG", quantity=2, backorders=NOTIFY, outOfStockThreshold=-20)
    read = '{ product(sku: "BAG") { availability(quantity: 5) { inStockQuantity backorderedQuantity message } } }'
    before = await product_for(api, "BAG", None, None), await api.data(read)
    await store_caps(api, maxBackorderQuantityPerOrder=0, maxBackorderQuantityPerCustomer=0)
    assert (await product_for(api, "BAG", None, None), await api.data(read)) == before
    assert before[0]["salableQuantity"] == 22 and before[0]["backorderMessage"] is not None
    assert before[1]["product"]["availability"]["backorderedQuantity"] == 3


async def test_the_cap_is_checked_last_and_only_for_backordered_units(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=2)
    await api.create_product("BAG", backorders=NOTIFY, outOfStockThreshold=-4, minSaleQuantity=2)
    await api.create_product("MUG", quantity=10, backorders=NOTIFY)
    assert refusal(await checkout(api, ("BAG", 5)))[0] == "NOT_ENOUGH_STOCK"
    assert refusal(await checkout(api, ("BAG", 1)))[0] == "BELOW_MIN_SALE_QUANTITY"
    assert refusal(await checkout(api, ("BAG", 3))) == limit(2)
    await store_caps(api, maxBackorderQuantityPerOrder=0)
    assert (await checkout(api, ("MUG", 10)))["__typename"] == "Order"
    assert refusal(await checkout(api, ("MUG", 1))) == limit(0, "MUG")


async def test_a_group_that_may_not_backorder_never_meets_the_cap(api: Api) -> None:
    await store_caps(api, backorderCustomerGroups=["B2B"], maxBackorderQuantityPerOrder=1)
    await api.create_product("BAG", quantity=1, backorders=NOTIFY)
    assert refusal(await checkout(api, ("BAG", 3)))[0] == "NOT_ENOUGH_STOCK"
    storefront = await key(api)
    assert refusal(await checkout(api, ("BAG", 3), group="B2B", token=storefront)) == limit(1)
    assert (await checkout(api, ("BAG", 2), group="B2B", token=storefront))["__typename"] == "Order"


async def test_a_product_lifts_the_store_cap_with_minus_one(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=1, maxBackorderQuantityPerCustomer=1)
    await api.create_product(
        "BAG", backorders=NOTIFY, maxBackorderQuantityPerOrder=-1, maxBackorderQuantityPerCustomer=-1
    )
    assert (await checkout(api, ("BAG", 50)))["__typename"] == "Order"
    assert (await checkout(api, ("BAG", 50)))["__typename"] == "Order"


async def test_the_per_customer_cap_counts_waiting_units_of_open_orders_by_email(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerCustomer=4)
    await api.create_product("BAG", backorders=NOTIFY)
    first = await checkout(api, ("BAG", 3), email="sam@example.com")
    assert first["__typename"] == "Order"
    assert refusal(await checkout(api, ("BAG", 2), email="Sam@Example.COM")) == limit(1)
    assert (await checkout(api, ("BAG", 4), email="alex@example.com"))["__typename"] == "Order"
    assert (await checkout(api, ("BAG", 1), email="SAM@example.com"))["__typename"] == "Order"
    assert refusal(await checkout(api, ("BAG", 1), email="sam@example.com")) == limit(0)
    await api.data(CANCEL, {"n": first["number"]})
    assert (await checkout(api, ("BAG", 3), email="sam@example.com"))["__typename"] == "Order"
    await api.data(RESTOCK, {"sku": "BAG", "d": 8})
    assert (await checkout(api, ("BAG", 4), email="sam@example.com"))["lines"][0]["quantityBackordered"] == 4


async def test_the_smaller_room_of_the_two_caps_is_told(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=5, maxBackorderQuantityPerCustomer=6)
    await api.create_product("BAG", backorders=NOTIFY)
    await checkout(api, ("BAG", 4))
    assert refusal(await checkout(api, ("BAG", 3))) == limit(2)
    await store_caps(api, maxBackorderQuantityPerCustomer=20)
    assert refusal(await checkout(api, ("BAG", 6))) == limit(5)


async def test_waiting_units_count_per_stock(api: Api) -> None:
    await warehouses(api, "berlin", channel="eu")
    await store_caps(api, maxBackorderQuantityPerCustomer=3)
    await api.create_product("BAG", backorders=NOTIFY)
    await set_quantity(api, "BAG", 0, "berlin")
    assert (await checkout(api, ("BAG", 3), channel="eu"))["__typename"] == "Order"
    assert refusal(await checkout(api, ("BAG", 1), channel="eu")) == limit(0)
    assert (await checkout(api, ("BAG", 3)))["__typename"] == "Order"


async def test_a_quote_applies_the_per_customer_cap_only_for_a_keyed_email(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=5, maxBackorderQuantityPerCustomer=4)
    await api.create_product("BAG", backorders=NOTIFY)
    await checkout(api, ("BAG", 3), email="sam@example.com")
    assert (await quote(api, ("BAG", 4)))["isOrderable"] is True
    assert (await quote(api, ("BAG", 6)))["lines"][0]["error"]["code"] == "BACKORDER_LIMIT_EXCEEDED"
    storefront = await key(api)
    keyed = await quote(api, ("BAG", 4), token=storefront, customerEmail="SAM@example.com")
    assert (keyed["isOrderable"], keyed["lines"][0]["error"]["message"]) == (False, limit(1)[1])
    assert (await quote(api, ("BAG", 4), token=storefront, customerEmail="alex@example.com"))["isOrderable"]
    admin = await key(api, "ADMIN")
    assert (await quote(api, ("BAG", 2), token=admin, customerEmail="sam@example.com"))["lines"][0]["error"] == {
        "code": "BACKORDER_LIMIT_EXCEEDED",
        "message": limit(1)[1],
    }
    query = (
        'query { quote(input: {lines: [{sku: "BAG", quantity: 1}], customerEmail: "sam@example.com"}) { isOrderable } }'
    )
    body = await api.post(query)
    assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
    assert body["data"] is None
    bad = await api.post(query.replace("sam@example.com", "not-an-email"), token=storefront)
    assert bad["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "customerEmail"}
    revoked = await api.post(query, token="bsk_0000000000000000_revoked")
    assert [error["extensions"]["code"] for error in revoked["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.slow
async def test_thirty_simultaneous_checkouts_of_one_customer_never_pass_the_per_customer_cap(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerCustomer=7)
    await api.create_product("HOT", quantity=2, backorders=NOTIFY)
    async with asyncio.timeout(STORM_SECONDS):
        results = await asyncio.gather(
            *(checkout(api, ("HOT", 1), email=f"Sam@Example.com{'' if i % 2 else ' '}") for i in range(30))
        )
    placed = [r for r in results if r["__typename"] == "Order"]
    assert len(placed) == 2 + 7
    assert {refusal(r) for r in results if r["__typename"] == "CheckoutRejected"} == {limit(0, "HOT")}
    assert sum(r["lines"][0]["quantityBackordered"] for r in placed) == 7
    await assert_ledger_matches_counters()


@pytest.mark.slow
async def test_a_storm_over_the_per_order_cap_backorders_no_line_past_it(api: Api) -> None:
    await store_caps(api, maxBackorderQuantityPerOrder=3)
    await api.create_product("HOT", quantity=10, backorders=NOTIFY)
    async with asyncio.timeout(STORM_SECONDS):
        results = await asyncio.gather(*(checkout(api, ("HOT", 4), email=f"s{i}@example.com") for i in range(30)))
    placed = [r["lines"][0] for r in results if r["__typename"] == "Order"]
    assert sorted((line["quantityReadyToShip"], line["quantityBackordered"]) for line in placed) == [
        (2, 2),
        (4, 0),
        (4, 0),
    ]
    assert {refusal(r) for r in results if r["__typename"] == "CheckoutRejected"} == {limit(3, "HOT")}
    product = await api.product("HOT")
    assert (product["reservedQuantity"], product["backorderedQuantity"]) == (12, 2)
    await assert_ledger_matches_counters()


@pytest.mark.slow
async def test_a_storm_of_a_group_that_may_backorder_never_sells_past_its_salable_quantity(api: Api) -> None:
    await store_caps(api, backorderCustomerGroups=["B2B"], maxBackorderQuantityPerOrder=2)
    await api.create_product("HOT", quantity=4, backorders=NOTIFY, outOfStockThreshold=-4)
    storefront = await key(api)
    wholesale = (checkout(api, ("HOT", 2), email=f"b{i}@example.com", group="B2B", token=storefront) for i in range(20))
    retail = (checkout(api, ("HOT", 5), email=f"r{i}@example.com") for i in range(10))
    async with asyncio.timeout(STORM_SECONDS):
        results = await asyncio.gather(*wholesale, *retail)
    placed = [r for r in results if r["__typename"] == "Order"]
    assert {r["customerGroup"] for r in placed} == {"B2B"}
    assert sorted((r["lines"][0]["quantityReadyToShip"], r["lines"][0]["quantityBackordered"]) for r in placed) == [
        (0, 2),
        (0, 2),
        (2, 0),
        (2, 0),
    ]
    refused = [refusal(r)[0] for r in results if r["__typename"] == "CheckoutRejected"]
    assert refused[:16] == ["OUT_OF_STOCK"] * 16
    assert len(refused) == 26 and set(refused[16:]) <= {"NOT_ENOUGH_STOCK", "OUT_OF_STOCK"}
    product = await api.product("HOT")
    assert (product["reservedQuantity"], product["backorderedQuantity"]) == (8, 4)
    assert (await product_for(api, "HOT", "B2B", storefront))["salableQuantity"] == 0
    await assert_ledger_matches_counters()
