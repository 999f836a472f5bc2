"""Quote and checkout through the HTTP app (DESIGN.md sections 3 and 4)."""

from __future__ import annotations

import asyncio

import pytest

from backstock.models import Payment, PaymentKind
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
QUOTE = """query($lines: [LineInput!]!) { quote(input: {lines: $lines}) {
  isOrderable lines { sku requestedQuantity inStockQuantity backorderedQuantity message error { code message } } } }"""


async def quote(api: Api, *lines: tuple[str, int]) -> dict:  # type: ignore[type-arg]
    variables = {"lines": [{"sku": s, "quantity": q} for s, q in lines]}
    return (await api.data(QUOTE, variables, admin=False))["quote"]  # type: ignore[no-any-return]


async def test_quote_splits_lines_and_reserves_nothing(api: Api) -> None:
    await api.create_product("BAG", quantity=3, backorders=NOTIFY)
    result = await quote(api, ("BAG", 2), ("BAG", 3))
    assert result == {
        "isOrderable": True,
        "lines": [
            {
                "sku": "BAG",
                "requestedQuantity": 5,
                "inStockQuantity": 3,
                "backorderedQuantity": 2,
                "error": None,
                "message": "We don't have as many \"Product BAG\" as you requested, but we'll back order the remaining 2.",
            }
        ],
    }
    assert (await api.product("BAG"))["reservedQuantity"] == 0


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        (("NOPE", 1), "UNKNOWN_SKU", "SKU 'NOPE' does not exist."),
        (("MIN", 0), "INVALID_QUANTITY", "SKU 'MIN': quantity must be 1 or more, got 0."),
        (("MIN", 1), "BELOW_MIN_SALE_QUANTITY", "The fewest you may purchase is 2."),
        (("MIN", 10), "ABOVE_MAX_SALE_QUANTITY", "The most you may purchase is 9."),
        (("MIN", 3), "NOT_A_QUANTITY_INCREMENT", 'You can buy "Product MIN" only in quantities of 2 at a time.'),
        (
            ("MIN", 8),
            "NOT_ENOUGH_STOCK",
            'We don\'t have as many "Product MIN" as you requested. You can order up to 6.',
        ),
    ],
)
async def test_quote_refusals(api: Api, line: tuple[str, int], code: str, message: str) -> None:
    await api.create_product("MIN", quantity=6, minSaleQuantity=2, maxSaleQuantity=9, quantityIncrements=2)
    result = await quote(api, line)
    assert not result["isOrderable"]
    assert result["lines"][0]["error"] == {"code": code, "message": message}  # Magento's sentence, nothing before it


async def test_sold_out_is_out_of_stock_before_the_quantity_rules(api: Api) -> None:
    await api.create_product("MIN", quantity=2, minSaleQuantity=2)
    assert (await api.checkout(("MIN", 2)))["__typename"] == "Order"
    result = await quote(api, ("MIN", 1))
    assert result["lines"][0]["error"] == {"code": "OUT_OF_STOCK", "message": '"Product MIN" is out of stock.'}


async def test_the_worked_example_76th_unit_is_out_of_stock(api: Api) -> None:
    await api.create_product("BAG", quantity=25, backorders=NOTIFY, outOfStockThreshold=-50)
    assert (await api.checkout(("BAG", 75)))["__typename"] == "Order"
    refused = await api.checkout(("BAG", 1))
    assert [e["code"] for e in refused["errors"]] == ["OUT_OF_STOCK"]


async def test_unmanaged_stock_never_backorders(api: Api) -> None:
    await api.create_product("EBOOK", quantity=0, manageStock=False, backorders=NOTIFY)
    product = await api.product("EBOOK", quantity=5)
    assert (product["stockStatus"], product["salableQuantity"], product["backorderMessage"]) == ("IN_STOCK", None, None)
    order = await api.checkout(("EBOOK", 5))
    assert (order["hasBackorders"], order["lines"][0]["quantityBackordered"]) == (False, 0)
    assert (await api.product("EBOOK"))["stockStatus"] == "IN_STOCK"


async def test_checkout_reserves_captures_and_stores_the_notice(api: Api) -> None:
    await api.create_product("BAG", quantity=3, price="100.00", backorders=NOTIFY, outOfStockThreshold=-10)
    order = await api.checkout(("BAG", 5))
    assert order["__typename"] == "Order"
    assert (order["status"], order["paymentStatus"], order["grandTotal"], order["hasBackorders"]) == (
        "PROCESSING",
        "CAPTURED",
        "500.00",
        True,
    )
    line = order["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (3, 2)
    assert line["backorderMessage"].endswith("back order the remaining 2.")
    product = await api.product("BAG")
    assert (product["reservedQuantity"], product["backorderedQuantity"], product["salableQuantity"]) == (5, 2, 8)
    payments = await Payment.all()
    assert [(p.kind, str(p.amount)) for p in payments] == [(PaymentKind.CAPTURE, "500.00")]
    await assert_ledger_matches_counters()


async def test_checkout_is_all_lines_or_none(api: Api) -> None:
    await api.create_product("OK", quantity=5)
    await api.create_product("LOW", quantity=1)
    result = await api.checkout(("OK", 2), ("LOW", 2), ("GHOST", 1))
    assert result["__typename"] == "CheckoutRejected"
    assert [(e["sku"], e["code"]) for e in result["errors"]] == [("LOW", "NOT_ENOUGH_STOCK"), ("GHOST", "UNKNOWN_SKU")]
    assert (await api.product("OK"))["reservedQuantity"] == 0


async def test_lines_with_the_same_sku_are_summed(api: Api) -> None:
    await api.create_product("SOCK", quantity=5, maxSaleQuantity=4)
    result = await api.checkout(("SOCK", 2), ("SOCK", 3))
    assert result["errors"][0]["code"] == "ABOVE_MAX_SALE_QUANTITY"


async def test_idempotent_retry_returns_the_first_order(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    first = await api.checkout(("MUG", 2), key="cart-42")
    again = await api.checkout(("MUG", 2), key="cart-42")
    assert again["number"] == first["number"]
    assert (await api.product("MUG"))["reservedQuantity"] == 2
    error = await api.error(
        'mutation { checkout(input: {lines: [{sku: "MUG", quantity: 3}], customer: {email: "a@b.co"}, '
        'idempotencyKey: "cart-42"}) { __typename } }',
        admin=False,
    )
    assert error["extensions"]["code"] == "CONFLICT"


async def test_concurrent_retries_with_one_key_place_one_order(api: Api) -> None:
    await api.create_product("MUG", quantity=50)
    results = await asyncio.gather(*(api.checkout(("MUG", 1), key="same") for _ in range(10)))
    assert len({r["number"] for r in results}) == 1
    assert (await api.product("MUG"))["reservedQuantity"] == 1


@pytest.mark.parametrize("email", ["no-at-sign", "a@b@c.com", "victim@example.com\r\nBcc: x@evil.com", "a b@c.com"])
async def test_customer_email_must_be_valid(api: Api, email: str) -> None:
    await api.create_product("MUG", quantity=5)
    error = await api.error(
        'mutation($e: String!) { checkout(input: {lines: [{sku: "MUG", quantity: 1}], customer: {email: $e}}) '
        "{ __typename } }",
        {"e": email},
        admin=False,
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "customer.email"}


@pytest.mark.parametrize(
    ("stock", "overrides", "salable"),
    [(10, {}, 10), (5, {"backorders": "ALLOW_QTY_BELOW_ZERO", "outOfStockThreshold": -10}, 15)],
    ids=["no-backorders", "negative-threshold-cap"],
)
async def test_storm_of_checkouts_never_oversells(api: Api, stock: int, overrides: dict, salable: int) -> None:  # type: ignore[type-arg]
    await api.create_product("HOT", quantity=stock, **overrides)
    results = await asyncio.gather(*(api.checkout(("HOT", 1), email=f"s{i}@example.com") for i in range(60)))
    placed = [r for r in results if r["__typename"] == "Order"]
    refused = [r for r in results if r["__typename"] == "CheckoutRejected"]
    assert (len(placed), len(refused)) == (salable, 60 - salable)
    assert {r["errors"][0]["code"] for r in refused} == {"OUT_OF_STOCK"}  # sold out: nothing left to offer
    product = await api.product("HOT")
    assert (product["reservedQuantity"], product["salableQuantity"], product["stockStatus"]) == (
        salable,
        0,
        "OUT_OF_STOCK",
    )
    assert sum(r["lines"][0]["quantityReadyToShip"] for r in placed) == stock
    await assert_ledger_matches_counters()


async def test_customer_reads_an_order_with_number_and_email(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    number = (await api.checkout(("MUG", 1), email="Sam@Example.com"))["number"]
    query = "query($n: String!, $e: String) { order(number: $n, email: $e) { number customerEmail } }"
    found = await api.data(query, {"n": number, "e": "sam@example.com"}, admin=False)
    assert found["order"]["number"] == number
    assert (await api.data(query, {"n": number, "e": "other@example.com"}, admin=False))["order"] is None
    assert (await api.data(query, {"n": "BS-NOPE", "e": "sam@example.com"}, admin=False))["order"] is None
    error = await api.error(query, {"n": number}, admin=False)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
