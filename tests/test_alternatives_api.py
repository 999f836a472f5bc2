"""Alternatives over HTTP (DESIGN.md 7.2): ordered, salable ones for the request's group and channel,
on refused quote and checkout lines, at a constant number of queries for a listing."""

from __future__ import annotations

from typing import Any

import pytest

from harness.queries import count_queries
from tests.api import Api
from tests.groups import key
from tests.multisource import set_quantity, warehouses

SET = """mutation($sku: String!, $alts: [String!]!) {
  setAlternatives(sku: $sku, alternatives: $alts) { sku alternatives(onlyAvailable: false, first: 100) { sku } } }"""
ALTERNATIVES = """query($sku: String!, $only: Boolean, $first: Int, $group: String, $channel: String) {
  product(sku: $sku, customerGroup: $group, channel: $channel) {
    alternatives(onlyAvailable: $only, first: $first) { sku isSalable } } }"""
QUOTE = """query($input: QuoteInput!) { quote(input: $input) {
  lines { sku error { code alternatives { sku } } } } }"""
CHECKOUT = """mutation($input: CheckoutInput!) { checkout(input: $input) {
  __typename ... on CheckoutRejected { errors { sku code alternatives { sku isSalable } } } } }"""


async def set_alternatives(api: Api, sku: str, alternatives: list[str]) -> list[str]:
    data = await api.data(SET, {"sku": sku, "alts": alternatives})
    return [p["sku"] for p in data["setAlternatives"]["alternatives"]]


async def alternatives(api: Api, sku: str, **args: Any) -> list[str]:
    data = await api.data(ALTERNATIVES, {"sku": sku, **args})
    return [p["sku"] for p in data["product"]["alternatives"]]


async def catalog(api: Api) -> None:
    """LAMP (out of stock) lists seven alternatives, in this order; B and D cannot be sold."""
    await api.create_product("LAMP", quantity=1)
    for sku in "ABCDEFG":
        await api.create_product(sku, quantity=0 if sku in "BD" else 5)
    assert await set_alternatives(api, "LAMP", list("GBFADEC")) == list("GBFADEC")


async def test_alternatives_keep_their_order_and_first_counts_salable_ones(api: Api) -> None:
    await catalog(api)
    assert await alternatives(api, "LAMP") == list("GFAEC")
    assert await alternatives(api, "LAMP", first=2) == list("GF")
    assert await alternatives(api, "LAMP", only=False, first=3) == list("GBF")
    assert await alternatives(api, "LAMP", only=None, first=None) == list("GFAEC")
    assert await set_alternatives(api, "LAMP", ["D", "A"]) == ["D", "A"]
    assert await alternatives(api, "LAMP") == ["A"]
    assert await set_alternatives(api, "LAMP", []) == []


@pytest.mark.parametrize(
    ("given", "mistake"),
    [(["A", "NOPE"], "NOPE"), (["A", "LAMP"], "itself"), (["A", "C", "A"], "twice")],
)
async def test_unknown_self_and_duplicate_alternatives_are_refused(api: Api, given: list[str], mistake: str) -> None:
    await catalog(api)
    error = await api.error(SET, {"sku": "LAMP", "alts": given})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "alternatives")
    assert mistake in error["message"]
    assert await alternatives(api, "LAMP", only=False, first=10) == list("GBFADEC")


async def test_only_admins_set_alternatives(api: Api) -> None:
    await catalog(api)
    error = await api.error(SET, {"sku": "LAMP", "alts": ["A"]}, admin=False)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_salable_is_decided_for_the_requests_group_and_channel(api: Api) -> None:
    await api.create_product("LAMP")
    await api.create_product("TRADE", backorders="ALLOW_QTY_BELOW_ZERO", backorderCustomerGroups=["B2B"])
    await api.create_product("EAST", quantity=0)
    await set_alternatives(api, "LAMP", ["TRADE", "EAST"])
    assert await alternatives(api, "LAMP") == []
    assert await alternatives(api, "LAMP", group="B2B") == ["TRADE"]
    await warehouses(api, "east", channel="eu")
    await set_quantity(api, "EAST", 3, "east")
    assert await alternatives(api, "LAMP", channel="eu") == ["EAST"]


async def test_refused_lines_carry_five_salable_alternatives(api: Api) -> None:
    await catalog(api)
    await api.create_product("CUP", quantity=5, minSaleQuantity=2)
    await set_alternatives(api, "CUP", ["A"])
    lines = [{"sku": "LAMP", "quantity": 3}, {"sku": "CUP", "quantity": 1}]
    quoted = (await api.data(QUOTE, {"input": {"lines": lines}}, admin=False))["quote"]["lines"]
    assert [(ln["error"]["code"], [p["sku"] for p in ln["error"]["alternatives"]]) for ln in quoted] == [
        ("NOT_ENOUGH_STOCK", list("GFAEC")),
        ("BELOW_MIN_SALE_QUANTITY", []),
    ]
    await api.data('mutation { setStockStatus(sku: "LAMP", inStock: false) { sku } }')
    await set_alternatives(api, "LAMP", [*"GBFADEC", "CUP"])
    variables = {"input": {"lines": [{"sku": "LAMP", "quantity": 1}], "customer": {"email": "ann@example.com"}}}
    (error,) = (await api.data(CHECKOUT, variables, admin=False))["checkout"]["errors"]
    assert error["code"] == "OUT_OF_STOCK"
    assert [p["sku"] for p in error["alternatives"]] == list("GFAEC")


async def test_a_listing_with_alternatives_costs_the_same_queries_for_5_or_100_products(api: Api) -> None:
    listing = "{ products(first: 100) { edges { node { sku alternatives { sku isSalable } } } } }"
    for i in range(5):
        await api.create_product(f"S-{i}", quantity=1)
    for i in range(5):
        await set_alternatives(api, f"S-{i}", [f"S-{(i + 1) % 5}", f"S-{(i + 2) % 5}"])
    with count_queries() as small:
        await api.data(listing, admin=False)
    for i in range(5, 100):
        await api.create_product(f"S-{i}", quantity=1)
        await set_alternatives(api, f"S-{i}", [f"S-{i - 1}", f"S-{i - 2}", f"S-{i - 3}"])
    with count_queries() as large:
        data = await api.data(listing, admin=False)
    edges = data["products"]["edges"]
    assert len(edges) == 100
    assert [p["sku"] for p in edges[99]["node"]["alternatives"]] == ["S-98", "S-97", "S-96"]
    assert len(small) == len(large) <= 5, large  # the listing's 3, the lists, their products


async def test_a_refused_lines_alternatives_are_salable_for_the_requests_group_and_channel(api: Api) -> None:
    await api.create_product("LAMP")
    await api.create_product("TRADE", backorders="ALLOW_QTY_BELOW_ZERO", backorderCustomerGroups=["B2B"])
    await api.create_product("EAST", quantity=0)
    await set_alternatives(api, "LAMP", ["TRADE", "EAST"])
    await warehouses(api, "east", channel="eu")
    await set_quantity(api, "EAST", 3, "east")
    await set_quantity(api, "LAMP", 0, "east")
    storefront = await key(api)

    async def offered(token: str | None = None, **extra: str) -> list[str]:
        variables = {"input": {"lines": [{"sku": "LAMP", "quantity": 1}], **extra}}
        body = await api.post(QUOTE, variables, token=token)
        (line,) = body["data"]["quote"]["lines"]
        assert line["error"]["code"] == "OUT_OF_STOCK", line
        return [p["sku"] for p in line["error"]["alternatives"]]

    assert await offered() == []
    assert await offered(storefront, customerGroup="B2B") == ["TRADE"]
    assert await offered(channel="eu") == ["EAST"]
    order = {"lines": [{"sku": "LAMP", "quantity": 1}], "customer": {"email": "a@example.com"}, "channel": "eu"}
    (error,) = (await api.data(CHECKOUT, {"input": order}, admin=False))["checkout"]["errors"]
    assert [p["sku"] for p in error["alternatives"]] == ["EAST"]
