"""Hostile input at the domain level (issue 8): every refusal is BAD_USER_INPUT naming the field,
nothing is written, and what was there keeps working."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from harness.graphql import CHECKOUT
from tests.api import Api
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


async def test_an_order_total_past_what_an_order_holds_is_refused(api: Api) -> None:
    await api.create_product("GOLD", quantity=200, price="9999999999.99")
    error = await api.error(CHECKOUT, checkout_input(("GOLD", 101)), admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}
    assert (await api.product("GOLD"))["reservedQuantity"] == 0


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


LONG_SKU = "S" * 65
LONG_NUMBER = "N" * 300


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A refusal is an answer, not an incident: nothing is logged at ERROR (nor the input repeated)."""
    with caplog.at_level(logging.WARNING):
        yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.usefixtures("no_tracebacks")
async def test_a_sku_longer_than_the_column_is_simply_not_found(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    product = await api.data("query($s: String!) { product(sku: $s) { sku } }", {"s": LONG_SKU}, admin=False)
    assert product == {"product": None}
    query = "query($s: [String!]) { products(filter: {skus: $s}) { totalCount edges { node { sku } } } }"
    assert (await api.data(query, {"s": [LONG_SKU]}, admin=False))["products"] == {"totalCount": 0, "edges": []}
    quote = "query($s: String!) { quote(input: {lines: [{sku: $s, quantity: 1}]}) { lines { error { code } } } }"
    quoted = await api.data(quote, {"s": LONG_SKU}, admin=False)
    assert quoted["quote"]["lines"][0]["error"]["code"] == "UNKNOWN_SKU"
    rejected = (await api.data(CHECKOUT, checkout_input((LONG_SKU, 1)), admin=False))["checkout"]
    assert [e["code"] for e in rejected["errors"]] == ["UNKNOWN_SKU"]


@pytest.mark.usefixtures("no_tracebacks")
@pytest.mark.parametrize(
    "mutation",
    [
        "adjustStock(sku: $s, delta: 1) { sku }",
        "setStockQuantity(sku: $s, quantity: 1) { sku }",
        "setStockStatus(sku: $s, inStock: false) { sku }",
        'updateProduct(sku: $s, input: {name: "x"}) { sku }',
        "updateStockSettings(sku: $s, input: {minSaleQuantity: 1}) { sku }",
    ],
)
async def test_admin_mutations_on_a_long_sku_are_not_found(api: Api, mutation: str) -> None:
    error = await api.error(f"mutation($s: String!) {{ {mutation} }}", {"s": LONG_SKU})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "sku"}


@pytest.mark.usefixtures("no_tracebacks")
async def test_an_order_number_longer_than_the_column(api: Api) -> None:
    query = "query($n: String!, $e: String) { order(number: $n, email: $e) { number } }"
    assert (await api.data(query, {"n": LONG_NUMBER, "e": "sam@example.com"}, admin=False))["order"] is None
    assert (await api.data(query, {"n": LONG_NUMBER}))["order"] is None
    for mutation in ("shipOrder(number: $n) { number }", "cancelOrder(number: $n) { number }"):
        error = await api.error(f"mutation($n: String!) {{ {mutation} }}", {"n": LONG_NUMBER})
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "number"}


@pytest.mark.usefixtures("no_tracebacks")
@pytest.mark.parametrize("key", ["k" * 129, "with space", "new\nline", "trailing\n", "émoji-🙂", ""])
async def test_a_malformed_idempotency_key_is_refused(api: Api, key: str) -> None:
    await api.create_product("MUG", quantity=5)
    error = await api.error(CHECKOUT, checkout_input(("MUG", 1), key=key), admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "idempotencyKey"}
    assert (await api.product("MUG"))["reservedQuantity"] == 0


@pytest.mark.parametrize("sku", ["MUG\n", "MUG\nINFO forged log line", " MUG", "S" * 65])
async def test_a_new_sku_must_be_plain(api: Api, sku: str) -> None:
    error = await api.error(CREATE, {"input": {"sku": sku, "name": "Mug", "price": "1.00"}})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "sku"}
    assert (await api.data(LISTING))["products"]["totalCount"] == 0


async def test_the_longest_idempotency_key_is_accepted(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    key = "Az09._:-" * 16
    first = await api.checkout(("MUG", 1), key=key)
    assert (await api.checkout(("MUG", 1), key=key))["number"] == first["number"]


@pytest.mark.usefixtures("no_tracebacks")
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        base64.urlsafe_b64encode(b"product:99999999999999999999").decode(),
        base64.urlsafe_b64encode(b"product:\xff").decode(),
        "x" * 10_000,
    ],
)
async def test_a_bad_cursor_is_refused(api: Api, cursor: str) -> None:
    for status in ("", ", filter: {stockStatus: IN_STOCK}"):
        error = await api.error(
            f"query($a: String) {{ products(after: $a{status}) {{ totalCount }} }}", {"a": cursor}, admin=False
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


@pytest.mark.usefixtures("no_tracebacks")
async def test_too_many_skus_in_a_filter_are_refused(api: Api) -> None:
    query = "query($s: [String!]) { products(filter: {skus: $s}) { totalCount } }"
    assert (await api.data(query, {"s": [f"S{i}" for i in range(500)]}, admin=False))["products"]["totalCount"] == 0
    error = await api.error(query, {"s": [f"S{i}" for i in range(501)]}, admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "filter.skus"}
    assert "500" in error["message"]


@pytest.mark.usefixtures("no_tracebacks")
async def test_a_quote_or_cart_over_100_lines_is_refused(api: Api) -> None:
    lines = [(f"S{i}", 1) for i in range(101)]
    query = "query($lines: [LineInput!]!) { quote(input: {lines: $lines}) { isOrderable } }"
    error = await api.error(query, {"lines": checkout_input(*lines)["input"]["lines"]}, admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}
    error = await api.error(CHECKOUT, checkout_input(*lines), admin=False)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}


@pytest.mark.usefixtures("no_tracebacks")
async def test_other_lookups_past_their_limits(api: Api) -> None:
    error = await api.error('mutation { retryOutboxMessage(id: "99999999999999999999") { id } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    error = await api.error("query($s: String!) { stockMovements(sku: $s) { reason } }", {"s": LONG_SKU})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "sku"}
    for first in (-1, 101):
        error = await api.error(f"{{ products(first: {first}) {{ totalCount }} }}", admin=False)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    for query in ("outboxMessages", 'stockMovements(sku: "MUG", '):
        call = f"{query}(first: 501)" if query == "outboxMessages" else f"{query}first: 501)"
        error = await api.error(f"{{ {call} {{ createdAt }} }}")
        assert error["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}


async def test_a_key_replayed_by_another_customer_is_a_conflict_revealing_nothing(api: Api) -> None:
    await api.create_product("MUG", quantity=5, price="12.34")
    first = await api.checkout(("MUG", 2), email="first@example.com", key="cart-1")
    same = await api.checkout(("MUG", 2), email="FIRST@Example.com", key="cart-1")
    assert same["number"] == first["number"]  # the same customer's retry, whatever the case of the email
    body = await api.post(CHECKOUT, checkout_input(("MUG", 2), email="other@example.com", key="cart-1"))
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "CONFLICT", "field": "idempotencyKey"}
    for secret in (first["number"], "first@example.com", "24.68"):
        assert secret not in str(body)
    assert (await api.product("MUG"))["reservedQuantity"] == 2


async def test_low_stock_recipients_null_or_too_many_are_refused_by_name(api: Api) -> None:
    error = await api.error("mutation { updateInventoryConfig(input: {lowStockRecipients: null}) { backorders } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lowStockRecipients"}
    query = "mutation($r: [String!]) { updateInventoryConfig(input: {lowStockRecipients: $r}) { lowStockRecipients } }"
    error = await api.error(query, {"r": [f"ops{i}@example.com" for i in range(21)]})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lowStockRecipients"}
    assert (
        len(
            (await api.data(query, {"r": [f"ops{i}@example.com" for i in range(20)]}))["updateInventoryConfig"][
                "lowStockRecipients"
            ]
        )
        == 20
    )


CREATE = "mutation($input: ProductInput!) { createProduct(input: $input) { price } }"


@pytest.mark.usefixtures("no_tracebacks")
@pytest.mark.parametrize(
    "price",
    ["-0", "-0.00", "1_000.00", "\uff11\uff10.\uff10\uff10", "1e3", "1E+2", "NaN", "Infinity", " 10", "10.", ".5", 10],
)
async def test_a_price_that_is_not_a_plain_decimal_is_refused(api: Api, price: object) -> None:
    variables = {"input": {"sku": "MUG", "name": "Mug", "price": price}}
    error = await api.error(CREATE, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "price" in error["message"] or error["extensions"].get("field") == "price"
    assert (await api.data('{ product(sku: "MUG") { sku } }'))["product"] is None


@pytest.mark.parametrize(
    "mutation",
    [
        'createProduct(input: {sku: "MUG", name: "Mug", price: "1_000.00"}) { price }',
        'updateProduct(sku: "MUG", input: {price: "NaN"}) { price }',
    ],
)
async def test_a_price_literal_that_is_not_a_plain_decimal_is_refused(api: Api, mutation: str) -> None:
    """A literal's error points at it (locations); graphql-core gives no field path for literals."""
    await api.create_product("MUG", price="3.00")
    error = await api.error(f"mutation {{ {mutation} }}")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Decimal must be a string of ASCII digits" in error["message"]
    assert error["locations"]
    assert (await api.product("MUG"))["price"] == "3.00"


async def test_a_plain_decimal_price_is_accepted(api: Api) -> None:
    assert (await api.data(CREATE, {"input": {"sku": "MUG", "name": "Mug", "price": "0012.50"}}))["createProduct"] == {
        "price": "12.50"
    }
