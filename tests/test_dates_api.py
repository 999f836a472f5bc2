"""Expected dates on products over HTTP (DESIGN.md 7.1): availability, nextRestockDate, incomingQuantity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from harness.mailserver import MailServer
from harness.queries import count_queries
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
SILENT = "ALLOW_QTY_BELOW_ZERO"
CREATE = "mutation($input: PurchaseOrderInput!) { createPurchaseOrder(input: $input) { number } }"
WAIT_2 = "We don't have as many \"Product MUG\" as you requested, but we'll back order the remaining 2."
DATES = """query($q: Int) { product(sku: "MUG") { nextRestockDate incomingQuantity
  availability(quantity: $q) { inStockQuantity backorderedQuantity expectedShipDate message } } }"""


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


async def purchase_order(
    api: Api, number: str, offset: int, units: int, *, submit: bool = True, sku: str = "MUG"
) -> None:
    lines = [{"sku": sku, "quantity": units}]
    await api.data(CREATE, {"input": {"number": number, "expectedDate": day(offset), "lines": lines}})
    if submit:
        await api.data(f'mutation {{ submitPurchaseOrder(number: "{number}") {{ status }} }}')


async def dates(api: Api, quantity: int = 1, *, admin: bool = True) -> Any:
    query = DATES if admin else DATES.replace("incomingQuantity", "")
    return (await api.data(query, {"q": quantity}, admin=admin))["product"]


async def test_a_request_is_projected_after_every_unit_already_waiting(api: Api) -> None:
    await api.create_product("MUG", quantity=1, backorders=NOTIFY)
    await purchase_order(api, "PO-LATE", 20, 5)
    await purchase_order(api, "PO-SOON", 10, 2)
    await api.checkout(("MUG", 3))  # 1 in stock, 2 waiting: they take PO-SOON's 2 units
    product = await dates(api, 4)
    assert (product["nextRestockDate"], product["incomingQuantity"]) == (day(10), 7)
    assert product["availability"] == {
        "inStockQuantity": 0,
        "backorderedQuantity": 4,
        "expectedShipDate": day(20),
        "message": product["availability"]["message"],
    }
    assert product["availability"]["message"] is not None
    assert (await dates(api, 6))["availability"]["expectedShipDate"] is None  # 1 unit no purchase order covers


async def test_drafts_count_for_nothing_and_a_past_date_counts_as_today(api: Api) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await purchase_order(api, "PO-DRAFT", 3, 5, submit=False)
    assert await dates(api, 2) == {
        "nextRestockDate": None,
        "incomingQuantity": 0,
        "availability": {"inStockQuantity": 0, "backorderedQuantity": 2, "expectedShipDate": None, "message": WAIT_2},
    }
    await purchase_order(api, "PO-LATE", -4, 5)
    product = await dates(api, 2)
    assert (product["nextRestockDate"], product["availability"]["expectedShipDate"]) == (day(0), day(0))


async def test_uncovered_units_get_the_later_of_lead_time_and_the_latest_purchase_order(api: Api) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    assert (await dates(api, 3))["availability"]["expectedShipDate"] is None  # no lead time: unknown
    await api.data("mutation { updateInventoryConfig(input: {backorderLeadTimeDays: 5}) { backorderLeadTimeDays } }")
    assert (await dates(api, 3))["availability"]["expectedShipDate"] == day(5)
    await purchase_order(api, "PO-1", 30, 1)
    assert (await dates(api, 3))["availability"]["expectedShipDate"] == day(30)
    await api.create_product("CUP")
    await purchase_order(api, "PO-DRAFT", 60, 1, submit=False)
    await purchase_order(api, "PO-CUP", 60, 1, sku="CUP")
    assert (await dates(api, 3))["availability"]["expectedShipDate"] == day(30), "a draft or another SKU: nothing"


async def test_a_purchase_order_counts_only_for_its_sources_stock(api: Api) -> None:
    await api.data('mutation { upsertSource(input: {code: "east", name: "East"}) { code } }')
    await api.data(
        'mutation { upsertStock(input: {code: "eu", name: "EU", sources: ["east"], channels: ["eu"]}) { code } }'
    )
    await api.create_product("MUG", backorders=NOTIFY)
    lines = [{"sku": "MUG", "quantity": 4}]
    po = {"number": "PO-EAST", "expectedDate": day(7), "lines": lines, "source": "east"}
    await api.data(CREATE, {"input": po})
    await api.data('mutation { submitPurchaseOrder(number: "PO-EAST") { status } }')
    assert (await dates(api))["nextRestockDate"] is None
    eu = await api.data('{ product(sku: "MUG", channel: "eu") { nextRestockDate incomingQuantity } }')
    assert eu["product"] == {"nextRestockDate": day(7), "incomingQuantity": 4}


async def test_shoppers_in_silent_mode_see_no_date_but_the_restock_date(api: Api) -> None:
    await api.create_product("MUG", backorders=SILENT)
    await purchase_order(api, "PO-1", 3, 5)
    shopper = await dates(api, 2, admin=False)
    assert (shopper["nextRestockDate"], shopper["availability"]["expectedShipDate"]) == (day(3), None)
    assert (await dates(api, 2))["availability"]["expectedShipDate"] == day(3)


async def test_a_request_checkout_would_refuse_gets_nothing_and_its_quote_line_the_refusal(api: Api) -> None:
    await api.create_product("MUG", quantity=1)
    await purchase_order(api, "PO-1", 3, 5)
    assert (await dates(api, 2))["availability"] == {
        "inStockQuantity": 0,
        "backorderedQuantity": 0,
        "expectedShipDate": None,
        "message": None,
    }
    quote = (await api.data(QUOTE, {"lines": [{"sku": "MUG", "quantity": 2}]}, admin=False))["quote"]["lines"]
    assert quote == [
        {"sku": "MUG", "backorderedQuantity": 0, "expectedShipDate": None, "error": {"code": "NOT_ENOUGH_STOCK"}}
    ]


LISTING = """{ products(first: 100) { edges { node { sku nextRestockDate incomingQuantity
  availability(quantity: 3) { backorderedQuantity expectedShipDate } } } } }"""


async def test_a_listing_with_dates_costs_the_same_queries_for_5_or_100_products(api: Api) -> None:
    for i in range(5):
        await api.create_product(f"S-{i}", backorders=NOTIFY)
    with count_queries() as small:
        await api.data(LISTING)
    for i in range(5, 100):
        await api.create_product(f"S-{i}", backorders=NOTIFY)
    for i in range(0, 100, 10):
        await purchase_order(api, f"PO-{i}", i, 5, sku=f"S-{i}")
        await api.checkout((f"S-{i}", 1))
    with count_queries() as large:
        data = await api.data(LISTING)
    nodes = [edge["node"] for edge in data["products"]["edges"]]
    assert (nodes[10]["nextRestockDate"], nodes[10]["availability"]["expectedShipDate"]) == (day(10), day(10))
    assert len(small) == len(large) == 4, large  # settings and page (no totalCount asked), PO lines, waiting lines


QUOTE = """query($lines: [LineInput!]!) { quote(input: {lines: $lines}) {
  lines { sku backorderedQuantity expectedShipDate error { code } } } }"""
ORDER = "query($n: String!) { order(number: $n) { lines { sku quantityBackordered expectedShipDate } } }"


async def test_quote_lines_and_order_lines_carry_their_dates(api: Api) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await api.create_product("CUP", quantity=5, backorders=NOTIFY)
    await purchase_order(api, "PO-SOON", 4, 2)
    await purchase_order(api, "PO-LATE", 9, 2)
    lines = [{"sku": "MUG", "quantity": 3}, {"sku": "CUP", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]
    quote = (await api.data(QUOTE, {"lines": lines}, admin=False))["quote"]["lines"]
    assert [(line["sku"], line["expectedShipDate"]) for line in quote] == [
        ("MUG", day(9)),
        ("CUP", None),
        ("NOPE", None),
    ]
    first = (await api.checkout(("MUG", 2)))["number"]
    second = (await api.checkout(("MUG", 1), ("CUP", 1)))["number"]
    assert (await api.data(ORDER, {"n": first}))["order"]["lines"][0]["expectedShipDate"] == day(4)
    assert [ln["expectedShipDate"] for ln in (await api.data(ORDER, {"n": second}))["order"]["lines"]] == [day(9), None]
    await api.data('mutation { reschedulePurchaseOrder(number: "PO-SOON", expectedDate: "2099-01-01") { number } }')
    assert (await api.data(ORDER, {"n": first}))["order"]["lines"][0]["expectedShipDate"] == day(9)
    assert (await api.data(ORDER, {"n": second}))["order"]["lines"][0]["expectedShipDate"] == "2099-01-01"


async def test_shoppers_in_silent_mode_see_no_line_dates(api: Api) -> None:
    await api.create_product("MUG", backorders=SILENT)
    await purchase_order(api, "PO-1", 4, 2)
    quote = (await api.data(QUOTE, {"lines": [{"sku": "MUG", "quantity": 1}]}, admin=False))["quote"]["lines"]
    assert quote[0]["expectedShipDate"] is None
    number = (await api.checkout(("MUG", 1), email="sam@example.com"))["number"]
    shopper = 'query($n: String!) { order(number: $n, email: "sam@example.com") { lines { expectedShipDate } } }'
    assert (await api.data(shopper, {"n": number}, admin=False))["order"]["lines"][0]["expectedShipDate"] is None
    assert (await api.data(ORDER, {"n": number}))["order"]["lines"][0]["expectedShipDate"] == day(4)


async def test_the_confirmation_tells_each_waiting_line_its_date_or_unknown(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await api.create_product("CUP", backorders=NOTIFY)
    await api.create_product("TEE", quantity=3)
    await purchase_order(api, "PO-1", 6, 5)
    await api.checkout(("MUG", 2), ("CUP", 1), ("TEE", 1))
    assert await api.send_mail() == 1
    text = mail_server.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Expected to ship: {day(6)}." in text
    assert "Expected to ship: unknown." in text
    assert text.count("Expected to ship") == 2  # TEE ships from stock: no date
