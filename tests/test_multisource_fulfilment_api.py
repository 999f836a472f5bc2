"""Shipping from several sources, transfers, low stock per source, and a storm over two stocks (DESIGN.md 7.6)."""

from __future__ import annotations

import asyncio

import pytest

from backstock.models import SourceItem
from harness.mailserver import MailServer
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters
from tests.multisource import SHIP, checkout_in, product_in, set_quantity, source, source_items, warehouses

TRANSFER = """mutation($sku: String!, $from: String!, $to: String!, $q: Int!) {
  transferStock(sku: $sku, fromSource: $from, toSource: $to, quantity: $q) { quantity reservedQuantity } }"""
NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"


async def east_and_west(api: Api, east: int, west: int, **settings: object) -> None:
    """MUG sold in channel eu from east (first priority) and west."""
    await api.create_product("MUG", **settings)  # type: ignore[arg-type]
    await warehouses(api, "east", "west")
    await set_quantity(api, "MUG", east, "east")
    await set_quantity(api, "MUG", west, "west")


async def test_a_shipment_takes_units_by_source_priority_and_records_them(api: Api) -> None:
    await east_and_west(api, 2, 5)
    order = await checkout_in(api, "eu", ("MUG", 4))
    shipment = (await api.data(SHIP, {"n": order["number"]}))["shipOrder"]
    assert shipment["sources"] == [
        {"source": "east", "sku": "MUG", "quantity": 2},
        {"source": "west", "sku": "MUG", "quantity": 2},
    ]
    items = await source_items(api, "MUG")
    assert (items["east"]["quantity"], items["west"]["quantity"], items["default"]["quantity"]) == (0, 3, 0)
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["reservedQuantity"], eu["salableQuantity"]) == (3, 0, 3)
    query = "query($n: String!) { order(number: $n) { status shipments { sources { source quantity } } } }"
    read = (await api.data(query, {"n": order["number"]}))["order"]
    assert read["status"] == "COMPLETE" and len(read["shipments"][0]["sources"]) == 2
    await assert_ledger_matches_counters()


async def test_a_shipment_skips_disabled_and_out_of_stock_sources(api: Api) -> None:
    await east_and_west(api, 5, 5)
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: false, source: "east") { sku } }')
    order = await checkout_in(api, "eu", ("MUG", 3))
    shipment = (await api.data(SHIP, {"n": order["number"]}))["shipOrder"]
    assert shipment["sources"] == [{"source": "west", "sku": "MUG", "quantity": 3}]


async def test_the_admin_may_name_the_sources(api: Api) -> None:
    await east_and_west(api, 2, 5)
    order = await checkout_in(api, "eu", ("MUG", 3))
    named = [{"source": "west", "sku": "MUG", "quantity": 3}]
    shipment = (await api.data(SHIP, {"n": order["number"], "sources": named}))["shipOrder"]
    assert shipment["sources"] == named
    items = await source_items(api, "MUG")
    assert (items["east"]["quantity"], items["west"]["quantity"]) == (2, 2)
    await assert_ledger_matches_counters()


@pytest.mark.parametrize(
    "named",
    [
        [{"source": "west", "sku": "MUG", "quantity": 2}],
        [{"source": "east", "sku": "MUG", "quantity": 3}],
        [{"source": "default", "sku": "MUG", "quantity": 3}],
        [{"source": "nowhere", "sku": "MUG", "quantity": 3}],
        [{"source": "west", "sku": "MUG", "quantity": 3}, {"source": "west", "sku": "CUP", "quantity": 1}],
        [{"source": "west", "sku": "MUG", "quantity": 4}, {"source": "east", "sku": "MUG", "quantity": -1}],
    ],
)
async def test_named_sources_that_cannot_ship_are_refused_and_nothing_ships(
    api: Api, named: list[dict[str, object]]
) -> None:
    await east_and_west(api, 2, 5)
    await set_quantity(api, "MUG", 9, "default")
    order = await checkout_in(api, "eu", ("MUG", 3))
    error = await api.error(SHIP, {"n": order["number"], "sources": named})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "sources"}
    assert (await api.order(order["number"]))["lines"][0]["quantityShipped"] == 0
    items = await source_items(api, "MUG")
    assert (items["east"]["quantity"], items["west"]["quantity"], items["default"]["quantity"]) == (2, 5, 9)


async def test_a_transfer_moves_free_units_and_allocates_the_receiving_stock(api: Api) -> None:
    await api.create_product("MUG", quantity=5, backorders=NOTIFY)
    await warehouses(api, "east")
    await set_quantity(api, "MUG", 0, "east")
    waiting = await checkout_in(api, "eu", ("MUG", 2))
    assert waiting["lines"][0]["quantityBackordered"] == 2
    await api.checkout(("MUG", 1))
    variables = {"sku": "MUG", "from": "default", "to": "east", "q": 5}
    error = await api.error(TRANSFER, variables)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "quantity"}
    assert "only 4 units" in error["message"]
    moved = (await api.data(TRANSFER, variables | {"q": 4}))["transferStock"]
    assert moved == {"quantity": 1, "reservedQuantity": 1}
    line = (await api.order(waiting["number"]))["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (2, 0)
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["reservedQuantity"]) == (4, 2)
    await assert_ledger_matches_counters()


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"q": 0}, "BAD_USER_INPUT", "quantity"),
        ({"from": "nowhere"}, "BAD_USER_INPUT", "fromSource"),
        ({"to": "nowhere"}, "BAD_USER_INPUT", "toSource"),
        ({"to": "default"}, "BAD_USER_INPUT", "toSource"),
        ({"q": 6}, "BAD_USER_INPUT", "quantity"),
        ({"sku": "NOPE"}, "NOT_FOUND", "sku"),
    ],
)
async def test_bad_transfers_are_refused(api: Api, variables: dict[str, object], code: str, field: str) -> None:
    await api.create_product("MUG", quantity=5)
    await source(api, "east")
    error = await api.error(TRANSFER, {"sku": "MUG", "from": "default", "to": "east", "q": 1} | variables)
    assert error["extensions"] == {"code": code, "field": field}
    assert (await source_items(api, "MUG"))["default"]["quantity"] == 5


async def test_low_stock_per_source_emails_the_source_once_per_crossing(api: Api, mail_server: MailServer) -> None:
    await api.data(
        'mutation { updateInventoryConfig(input: {lowStockRecipients: ["ops@example.com"]}) { manageStock } }'
    )
    await api.create_product("MUG", quantity=50, notifyForQuantityBelow=5)
    await source(api, "east", email="east@example.com")
    await source(api, "west")
    await set_quantity(api, "MUG", 10, "east")
    await set_quantity(api, "MUG", 10, "west")
    await api.data('mutation { setSourceItem(sku: "MUG", source: "east", notifyForQuantityBelow: 3) { sku } }')
    adjust = 'mutation($s: String, $d: Int!) { adjustStock(sku: "MUG", delta: $d, source: $s) { sku } }'
    await api.data(adjust, {"s": "east", "d": -6})
    await api.data(adjust, {"s": "east", "d": -1})
    await api.data(adjust, {"s": "west", "d": -5})
    items = await source_items(api, "MUG")
    assert (items["east"]["isLowStock"], items["west"]["isLowStock"], items["default"]["isLowStock"]) == (
        True,
        True,
        False,
    )
    await api.send_mail()
    alerts = sorted((m["To"], m["Subject"]) for m in mail_server.messages)
    assert alerts == [("east@example.com", "Low stock at east: MUG"), ("ops@example.com", "Low stock at west: MUG")]
    assert "3 units there" in mail_server.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    await api.data(adjust, {"s": "east", "d": 5})
    await api.data(adjust, {"s": "east", "d": -5})
    await api.send_mail()
    assert [m["To"] for m in mail_server.messages].count("east@example.com") == 2


async def test_a_one_source_product_gets_no_source_emails(api: Api, mail_server: MailServer) -> None:
    await api.data(
        'mutation { updateInventoryConfig(input: {lowStockRecipients: ["ops@example.com"]}) { manageStock } }'
    )
    await api.create_product("MUG", quantity=5, notifyForQuantityBelow=2)
    await api.data('mutation { adjustStock(sku: "MUG", delta: -4) { sku } }')
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == ["Low stock: MUG"]


@pytest.mark.slow
async def test_a_storm_over_two_channels_oversells_neither_stock(api: Api) -> None:
    await east_and_west(api, 6, 4)
    await set_quantity(api, "MUG", 7, "default")
    shoppers = [
        checkout_in(api, "eu" if i % 2 else "default", ("MUG", 1), email=f"s{i}@example.com") for i in range(60)
    ]
    results = await asyncio.gather(*shoppers)
    placed = [r for r in results if r["__typename"] == "Order"]
    assert sorted(r["channel"] for r in placed) == ["default"] * 7 + ["eu"] * 10
    for channel, units in (("default", 7), ("eu", 10)):
        product = await product_in(api, "MUG", channel)
        assert (product["reservedQuantity"], product["salableQuantity"]) == (units, 0)
    await asyncio.gather(*(api.data(SHIP, {"n": r["number"]}) for r in placed))
    assert await SourceItem.filter(quantity__lt=0).count() == 0
    assert [item.quantity for item in await SourceItem.all()] == [0, 0, 0]
    await assert_ledger_matches_counters()


@pytest.mark.slow
async def test_checkouts_racing_shipments_never_sell_shipped_units(api: Api) -> None:
    """Shipping lowers on hand and reserved together: a checkout that waited for the shipment's lock
    must see both new figures, not the new reserved count beside the old units on hand."""
    await api.create_product("MUG", quantity=10)
    placed = [await checkout_in(api, "default", ("MUG", 1)) for _ in range(10)]
    ships = [api.data(SHIP, {"n": order["number"]}) for order in placed]
    shoppers = [checkout_in(api, "default", ("MUG", 1), email=f"s{i}@example.com") for i in range(20)]
    results = await asyncio.gather(*ships, *shoppers)
    assert [r["__typename"] for r in results[10:]] == ["CheckoutRejected"] * 20
    product = await api.product("MUG")
    assert (product["quantity"], product["reservedQuantity"]) == (0, 0)
    await assert_ledger_matches_counters()
