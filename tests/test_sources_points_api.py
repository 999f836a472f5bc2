"""DESIGN.md 7.6 precise points not covered elsewhere: new source items, a source's on hand changing,
the default stock growing, a source item's threshold alone making it low, and a purchase order
counting only for the stock of its source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from harness.graphql import CHECKOUT
from harness.mailserver import MailServer
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters
from tests.multisource import checkout_in, product_in, set_quantity, source, source_items, stock, warehouses

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
CREATE_PO = "mutation($input: PurchaseOrderInput!) { createPurchaseOrder(input: $input) { number } }"


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


async def split(api: Api, number: str) -> tuple[int, int]:
    line = (await api.order(number))["lines"][0]
    return line["quantityReadyToShip"], line["quantityBackordered"]


async def test_a_new_source_item_starts_in_stock_with_no_units_and_every_product_has_a_default_item(
    api: Api,
) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("CUP")
    assert {code: (i["quantity"], i["inStock"]) for code, i in (await source_items(api, "MUG")).items()} == {
        "default": (3, True)
    }
    assert {code: (i["quantity"], i["inStock"]) for code, i in (await source_items(api, "CUP")).items()} == {
        "default": (0, True)
    }
    await warehouses(api, "east")
    await api.data('mutation { setSourceItem(sku: "MUG", source: "east", notifyForQuantityBelow: 1) { sku } }')
    east = (await source_items(api, "MUG"))["east"]
    assert (east["quantity"], east["inStock"], east["notifyForQuantityBelow"]) == (0, True, 1)
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["inStock"], eu["stockStatus"]) == (0, True, "OUT_OF_STOCK")


async def test_disabling_a_source_takes_back_the_newest_promises_and_enabling_it_allocates_oldest_first(
    api: Api,
) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await warehouses(api, "east", "west")
    await set_quantity(api, "MUG", 2, "east")
    await set_quantity(api, "MUG", 1, "west")
    first, second, third = [(await checkout_in(api, "eu", ("MUG", q)))["number"] for q in (1, 2, 2)]
    assert [await split(api, n) for n in (first, second, third)] == [(1, 0), (2, 0), (0, 2)]
    await source(api, "east", enabled=False)
    assert [await split(api, n) for n in (first, second, third)] == [(1, 0), (0, 2), (0, 2)]
    await source(api, "east", enabled=True)
    assert [await split(api, n) for n in (first, second, third)] == [(1, 0), (2, 0), (0, 2)]
    eu = await product_in(api, "MUG", "eu")
    assert (eu["quantity"], eu["reservedQuantity"], eu["backorderedQuantity"]) == (3, 5, 2)
    await assert_ledger_matches_counters()


async def test_the_default_stock_may_gain_sources_and_channels(api: Api) -> None:
    await api.create_product("MUG", quantity=2)
    await source(api, "shop")
    await set_quantity(api, "MUG", 3, "shop")
    assert (await api.product("MUG"))["quantity"] == 2
    grown = await stock(api, "default", ["default", "shop"], ["default", "web"])
    assert (grown["sources"], grown["channels"]) == ([{"code": "default"}, {"code": "shop"}], ["default", "web"])
    for channel in ("default", "web"):
        read = await product_in(api, "MUG", channel)
        assert (read["quantity"], read["salableQuantity"]) == (5, 5)
    order = await checkout_in(api, "web", ("MUG", 4))
    assert (order["channel"], order["lines"][0]["quantityReadyToShip"]) == ("web", 4)
    assert (await api.product("MUG"))["salableQuantity"] == 1


async def test_raising_a_source_items_threshold_alone_sends_its_low_stock_email(
    api: Api, mail_server: MailServer
) -> None:
    await api.data(
        'mutation { updateInventoryConfig(input: {lowStockRecipients: ["ops@example.com"]}) { manageStock } }'
    )
    await api.create_product("MUG", quantity=50)
    await warehouses(api, "east")
    await set_quantity(api, "MUG", 4, "east")
    await api.send_mail()
    assert mail_server.messages == []
    threshold = 'mutation($t: Int!) { setSourceItem(sku: "MUG", source: "east", notifyForQuantityBelow: $t) { sku } }'
    await api.data(threshold, {"t": 3})
    await api.send_mail()
    assert mail_server.messages == []
    await api.data(threshold, {"t": 4})
    await api.data(threshold, {"t": 6})
    await api.send_mail()
    [sent] = mail_server.messages
    body: Any = sent.get_body(("plain",))
    assert (sent["To"], sent["Subject"]) == ("ops@example.com", "Low stock at east: MUG")
    assert body.get_content().strip() == (
        "Product MUG (MUG) is low on stock at source east: 4 units there, "
        "at or below the notify-for-quantity-below threshold of 4."
    )
    assert (await source_items(api, "MUG"))["east"]["isLowStock"] is True


async def test_a_purchase_orders_units_are_expected_only_in_the_stock_of_its_source(api: Api) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await warehouses(api, "east")
    await set_quantity(api, "MUG", 0, "east")
    po = {"number": "PO-EAST", "expectedDate": day(7), "lines": [{"sku": "MUG", "quantity": 4}], "source": "east"}
    await api.data(CREATE_PO, {"input": po})
    await api.data('mutation { submitPurchaseOrder(number: "PO-EAST") { status } }')
    read = """query($c: String) { product(sku: "MUG", channel: $c) { nextRestockDate incomingQuantity
      availability(quantity: 3) { backorderedQuantity expectedShipDate } } }"""
    assert (await api.data(read, {"c": "eu"}))["product"] == {
        "nextRestockDate": day(7),
        "incomingQuantity": 4,
        "availability": {"backorderedQuantity": 3, "expectedShipDate": day(7)},
    }
    assert (await api.data(read, {"c": "default"}))["product"] == {
        "nextRestockDate": None,
        "incomingQuantity": 0,
        "availability": {"backorderedQuantity": 3, "expectedShipDate": None},
    }
    dated = CHECKOUT.replace("quantityCanceled", "quantityCanceled expectedShipDate")
    for channel, expected in (("eu", day(7)), ("default", None)):
        variables = {"input": {"lines": [{"sku": "MUG", "quantity": 3}], "customer": {"email": "a@example.com"}}}
        variables["input"]["channel"] = channel
        placed = (await api.data(dated, variables))["checkout"]
        assert placed["lines"][0]["expectedShipDate"] == expected


async def test_a_source_item_falls_back_to_the_products_then_the_stores_threshold(
    api: Api, mail_server: MailServer
) -> None:
    await api.data(
        "mutation { updateInventoryConfig(input: "
        '{lowStockRecipients: ["ops@example.com"], notifyForQuantityBelow: 2}) { manageStock } }'
    )
    await api.create_product("MUG", quantity=50)
    await api.create_product("CUP", quantity=50, notifyForQuantityBelow=6)
    await warehouses(api, "east")
    for sku in ("MUG", "CUP"):
        await set_quantity(api, sku, 5, "east")
    assert [(await source_items(api, sku))["east"]["isLowStock"] for sku in ("MUG", "CUP")] == [False, True]
    await set_quantity(api, "MUG", 2, "east")
    assert (await source_items(api, "MUG"))["east"]["isLowStock"] is True
    await api.send_mail()
    at_sources = sorted(m["Subject"] for m in mail_server.messages if m["Subject"].startswith("Low stock at"))
    assert at_sources == ["Low stock at east: CUP", "Low stock at east: MUG"]
