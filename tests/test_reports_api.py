"""The backorder, low-stock and demand reports over HTTP (DESIGN.md 7.4 precise points)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from backstock.demo import load_demo_data
from backstock.models import Order
from harness.queries import count_queries
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
PAGE = "pageInfo { hasNextPage endCursor } totalCount"
BACKORDERS = f"""query($first: Int, $after: String) {{ backorderReport(first: $first, after: $after) {{
  rows {{ product {{ sku backorderedQuantity }} backorderedQuantity openOrders oldestOrderAt incomingQuantity
         nextRestockDate uncoveredQuantity }} {PAGE} }} }}"""
LOW_STOCK = f"""query($first: Int, $after: String) {{ lowStockReport(first: $first, after: $after) {{
  rows {{ product {{ sku isLowStock }} freeQuantity notifyForQuantityBelow }} {PAGE} }} }}"""
DEMAND = f"""query($days: Int, $first: Int, $after: String) {{
  demandReport(days: $days, first: $first, after: $after) {{
    rows {{ product {{ sku }} soldQuantity dailyVelocity backorderedQuantity stockAlertSubscribers daysOfCover
           suggestedReorderQuantity }} {PAGE} }} }}"""
PO = "mutation($input: PurchaseOrderInput!) { createPurchaseOrder(input: $input) { number } }"
SUBMIT = "mutation($n: String!) { submitPurchaseOrder(number: $n) { status } }"
SUPPLIER = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { code } }"
CANCEL = "mutation($n: String!, $l: [LineInput!]) { cancelOrder(number: $n, lines: $l) { number } }"
SUBSCRIBE_ALERT = (
    "mutation($sku: String!, $email: String!) { subscribeToStockAlert(sku: $sku, email: $email) { status } }"
)
SET_SUPPLIER = "mutation($s: String!, $c: String) { updateProduct(sku: $s, input: {supplier: $c}) { sku } }"


async def report(api: Api, query: str, name: str, **variables: Any) -> Any:
    return (await api.data(query, variables))[name]


async def purchase_order(api: Api, number: str, lines: list[tuple[str, int]], expected: date, *, submit: bool) -> None:
    lines_input = [{"sku": sku, "quantity": quantity} for sku, quantity in lines]
    await api.data(PO, {"input": {"number": number, "expectedDate": expected.isoformat(), "lines": lines_input}})
    if submit:
        await api.data(SUBMIT, {"n": number})


async def test_backorder_rows_count_waiting_units_orders_and_incoming(api: Api) -> None:
    await api.create_product("MUG", quantity=1, backorders=NOTIFY)
    await api.create_product("CUP", quantity=0, backorders=NOTIFY)
    await api.create_product("BAG", quantity=5, backorders=NOTIFY)
    await api.create_product("HAT", quantity=5, backorders=NOTIFY)  # ordered, nothing waits: no row
    first = (await api.checkout(("MUG", 3), ("CUP", 1)))["number"]
    await api.checkout(("MUG", 2))
    await api.checkout(("BAG", 2), ("HAT", 5))
    await api.checkout(("CUP", 1), ("MUG", 1))
    # BAG's first order took units on hand: only the second, with 1 unit waiting, counts.
    bag = (await api.checkout(("BAG", 4)))["number"]
    await api.data(CANCEL, {"n": first, "l": [{"sku": "CUP", "quantity": 1}]})
    today = datetime.now(UTC).date()
    await purchase_order(api, "PO-LATE", [("MUG", 2)], today - timedelta(days=3), submit=True)
    await purchase_order(api, "PO-DRAFT", [("MUG", 50), ("CUP", 50)], today, submit=False)
    await purchase_order(api, "PO-CUP", [("CUP", 4)], today + timedelta(days=9), submit=True)
    oldest = (await Order.get(number=first)).created_at

    found = await report(api, BACKORDERS, "backorderReport")

    assert found["totalCount"] == 3
    mug, bag_row, cup = found["rows"]
    assert mug == {
        "product": {"sku": "MUG", "backorderedQuantity": 5},
        "backorderedQuantity": 5,
        "openOrders": 3,
        "oldestOrderAt": mug["oldestOrderAt"],
        "incomingQuantity": 2,
        "nextRestockDate": today.isoformat(),
        "uncoveredQuantity": 3,
    }
    assert datetime.fromisoformat(mug["oldestOrderAt"]) == oldest
    assert cup == {
        "product": {"sku": "CUP", "backorderedQuantity": 1},
        "backorderedQuantity": 1,
        "openOrders": 1,
        "oldestOrderAt": cup["oldestOrderAt"],
        "incomingQuantity": 4,
        "nextRestockDate": (today + timedelta(days=9)).isoformat(),
        "uncoveredQuantity": 0,
    }
    assert datetime.fromisoformat(cup["oldestOrderAt"]) > oldest
    assert bag_row == {
        "product": {"sku": "BAG", "backorderedQuantity": 1},
        "backorderedQuantity": 1,
        "openOrders": 1,
        "oldestOrderAt": bag_row["oldestOrderAt"],
        "incomingQuantity": 0,
        "nextRestockDate": None,
        "uncoveredQuantity": 1,
    }
    assert datetime.fromisoformat(bag_row["oldestOrderAt"]) == (await Order.get(number=bag)).created_at


async def test_low_stock_rows_are_exactly_the_products_with_is_low_stock(api: Api) -> None:
    await api.data("mutation { updateInventoryConfig(input: {notifyForQuantityBelow: 3}) { notifyForQuantityBelow } }")
    await api.create_product("LOW", quantity=3)
    await api.create_product("FINE", quantity=4)
    await api.create_product("OWN", quantity=4, notifyForQuantityBelow=10)
    await api.create_product("UNMANAGED", quantity=0, manageStock=False)
    await api.create_product("SOLD", quantity=5, backorders=NOTIFY)
    await api.checkout(("SOLD", 7))
    listing = await api.data("{ products(first: 100) { edges { node { sku isLowStock } } } }")
    low = {edge["node"]["sku"] for edge in listing["products"]["edges"] if edge["node"]["isLowStock"]}

    found = await report(api, LOW_STOCK, "lowStockReport")

    assert {row["product"]["sku"] for row in found["rows"]} == low == {"LOW", "OWN", "SOLD"}
    assert [(r["product"]["sku"], r["freeQuantity"], r["notifyForQuantityBelow"]) for r in found["rows"]] == [
        ("SOLD", -2, 3),
        ("LOW", 3, 3),
        ("OWN", 4, 10),
    ]
    assert found["totalCount"] == 3


async def test_demand_rows_sell_in_the_window_and_suggest_what_covers_the_lead_time(api: Api) -> None:
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acme", "leadTimeDays": 10}})
    await api.create_product("MUG", quantity=4, backorders=NOTIFY)
    await api.create_product("CUP", quantity=0, backorders=NOTIFY)
    await api.create_product("OLD", quantity=9)
    await api.data(SET_SUPPLIER, {"s": "MUG", "c": "ACME"})
    kept = (await api.checkout(("MUG", 5)))["number"]
    cancelled = (await api.checkout(("MUG", 2)))["number"]
    await api.data(CANCEL, {"n": cancelled})
    await api.checkout(("CUP", 3))
    old = (await api.checkout(("OLD", 4), ("MUG", 30)))["number"]
    await Order.filter(number=old).update(created_at=datetime.now(UTC) - timedelta(days=10, minutes=1))
    await purchase_order(api, "PO-CUP", [("CUP", 5)], datetime.now(UTC).date(), submit=True)
    assert kept

    found = await report(api, DEMAND, "demandReport", days=10)

    assert found["totalCount"] == 2
    # MUG: 7 ordered - 2 cancelled = 5 sold in 10 days (the 30 of 11 days ago are outside), 0.5 a day;
    # free = 4 - 35 reserved < 0, so no cover; ceil(0.5 x 10) + 31 waiting - 0 free - 0 incoming = 36.
    assert found["rows"] == [
        {
            "product": {"sku": "MUG"},
            "soldQuantity": 5,
            "dailyVelocity": 0.5,
            "backorderedQuantity": 31,
            "stockAlertSubscribers": 0,
            "daysOfCover": 0.0,
            "suggestedReorderQuantity": 36,
        },
        # CUP: 3 waiting, 5 incoming: 2 incoming units not yet promised; no supplier, so 0 days of lead time.
        {
            "product": {"sku": "CUP"},
            "soldQuantity": 3,
            "dailyVelocity": 0.3,
            "backorderedQuantity": 3,
            "stockAlertSubscribers": 0,
            "daysOfCover": 0.0,
            "suggestedReorderQuantity": 0,
        },
    ]
    wider = await report(api, DEMAND, "demandReport", days=11)
    assert [(r["product"]["sku"], r["soldQuantity"]) for r in wider["rows"]] == [
        ("MUG", 35),
        ("CUP", 3),
        ("OLD", 4),
    ]
    assert wider["rows"][2]["daysOfCover"] == pytest.approx(5 / (4 / 11))


async def test_the_suggestion_takes_the_supplier_lead_time_only_and_incoming_units_not_yet_promised(api: Api) -> None:
    # The store's and the product's own lead times are for shoppers' dates, never for the suggestion.
    await api.data("mutation { updateInventoryConfig(input: {backorderLeadTimeDays: 20}) { backorderLeadTimeDays } }")
    await api.data(SUPPLIER, {"input": {"code": "WEEK", "name": "Week", "leadTimeDays": 7}})
    await api.data(SUPPLIER, {"input": {"code": "VAGUE", "name": "Vague"}})
    for sku, on_hand, supplier, sold in [
        ("LONE", 0, None, 10),
        ("VAGUE-1", 0, "VAGUE", 10),
        ("STOCKED", 24, "WEEK", 20),
        ("SHORT", 0, "WEEK", 3),
    ]:
        await api.create_product(sku, quantity=on_hand, backorders=NOTIFY, backorderLeadTimeDays=20)
        await api.data(SET_SUPPLIER, {"s": sku, "c": supplier})
        await api.checkout((sku, sold))
    today = datetime.now(UTC).date()
    await purchase_order(api, "PO-OPEN", [("STOCKED", 3), ("SHORT", 1)], today + timedelta(days=2), submit=True)
    await purchase_order(api, "PO-DRAFT", [("STOCKED", 50), ("SHORT", 50), ("LONE", 50)], today, submit=False)

    found = await report(api, DEMAND, "demandReport", days=10)

    suggestions = {row["product"]["sku"]: row["suggestedReorderQuantity"] for row in found["rows"]}
    assert suggestions == {
        "LONE": 10,  # no supplier: 0 days, so its 10 waiting units
        "VAGUE-1": 10,  # a supplier without a lead time: 0 days too
        "STOCKED": 7,  # ceil(2 a day x 7) = 14 - 4 free - 3 incoming none waits for (the draft counts for nothing)
        "SHORT": 5,  # ceil(0.3 x 7) = 3 + 2 waiting units the 1 incoming does not cover
    }
    assert list(suggestions) == ["LONE", "VAGUE-1", "STOCKED", "SHORT"]
    assert {row["product"]["sku"]: row["daysOfCover"] for row in found["rows"]}["STOCKED"] == 2.0  # 4 free / 2


async def test_demand_suggestions_page_in_the_order_the_rule_gives(api: Api) -> None:
    await api.data(SUPPLIER, {"input": {"code": "SLOW", "name": "Slow", "leadTimeDays": 7}})
    for index in range(7):
        sku = f"P{index}"
        await api.create_product(sku, quantity=index, backorders=NOTIFY)
        await api.data(SET_SUPPLIER, {"s": sku, "c": "SLOW" if index % 2 else None})
        await api.checkout((sku, 1 + (index * 5) % 7))
    rows: list[Any] = []
    after = None
    for _ in range(7):
        page = await report(api, DEMAND, "demandReport", days=3, first=3, after=after)
        rows += page["rows"]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    keys = [(-row["suggestedReorderQuantity"], row["product"]["sku"]) for row in rows]
    assert keys == sorted(keys)
    assert len(rows) == 7
    assert any(row["suggestedReorderQuantity"] for row in rows)


async def test_demand_rows_count_active_back_in_stock_alerts_and_list_watched_products(api: Api) -> None:
    await api.create_product("WATCHED", quantity=0)
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    await api.create_product("RESTOCKED", quantity=0)
    await api.create_product("QUIET", quantity=0)
    await api.checkout(("MUG", 2))
    for sku, email in [("WATCHED", "ann@example.com"), ("WATCHED", "bo@example.com"), ("WATCHED", "ANN@example.com")]:
        await api.data(SUBSCRIBE_ALERT, {"sku": sku, "email": email}, admin=False)
    await api.data(SUBSCRIBE_ALERT, {"sku": "RESTOCKED", "email": "ann@example.com"}, admin=False)
    await api.data('mutation { adjustStock(sku: "RESTOCKED", delta: 3) { sku } }')  # the alert turns NOTIFIED

    found = await report(api, DEMAND, "demandReport")

    by_sku = {row["product"]["sku"]: row for row in found["rows"]}
    assert set(by_sku) == {"WATCHED", "MUG"}
    assert found["totalCount"] == 2
    assert by_sku["WATCHED"] == {
        "product": {"sku": "WATCHED"},
        "soldQuantity": 0,
        "dailyVelocity": 0.0,
        "backorderedQuantity": 0,
        "stockAlertSubscribers": 2,
        "daysOfCover": None,
        "suggestedReorderQuantity": 0,
    }
    assert (by_sku["MUG"]["soldQuantity"], by_sku["MUG"]["stockAlertSubscribers"]) == (2, 0)


@pytest.mark.parametrize(
    ("query", "variables", "field"),
    [
        (DEMAND, {"days": 0}, "days"),
        (DEMAND, {"days": 366}, "days"),
        (DEMAND, {"first": 201}, "first"),
        (BACKORDERS, {"first": 201}, "first"),
        (LOW_STOCK, {"first": 201}, "first"),
        (LOW_STOCK, {"first": -1}, "first"),
        (LOW_STOCK, {"after": "bm9wZQ=="}, "after"),
    ],
)
async def test_bad_report_arguments_are_refused_naming_the_field(
    api: Api, query: str, variables: dict[str, Any], field: str
) -> None:
    error = await api.error(query, variables)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)


async def test_the_bounds_themselves_are_accepted(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    await api.checkout(("MUG", 1))
    for days in (1, 365):
        assert (await report(api, DEMAND, "demandReport", days=days, first=200))["totalCount"] == 1
    for query, name in ((BACKORDERS, "backorderReport"), (LOW_STOCK, "lowStockReport")):
        assert len((await report(api, query, name, first=200))["rows"]) == 1


async def test_a_cursor_of_another_report_is_refused(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    await api.checkout(("MUG", 1))
    cursor = (await report(api, BACKORDERS, "backorderReport"))["pageInfo"]["endCursor"]
    error = await api.error(LOW_STOCK, {"after": cursor})
    assert error["extensions"]["field"] == "after"


async def test_reports_are_admin_only(api: Api) -> None:
    storefront = await api.data('mutation { createApiKey(name: "shop", role: STOREFRONT) { secret } }')
    for query in (BACKORDERS, LOW_STOCK, DEMAND):
        error = await api.error(query, admin=False)
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        body = await api.post(query, token=storefront["createApiKey"]["secret"])
        assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
        assert body["data"] is None


async def test_each_report_is_the_same_few_statements_whatever_the_catalog_size(api: Api) -> None:
    async def statements() -> list[int]:
        counts = []
        for query, name in ((BACKORDERS, "backorderReport"), (LOW_STOCK, "lowStockReport"), (DEMAND, "demandReport")):
            with count_queries() as sent:
                await report(api, query, name)
            counts.append(len(sent))
        return counts

    await api.create_product("SKU-0", quantity=0, backorders=NOTIFY)
    await api.checkout(("SKU-0", 1))
    small = await statements()
    for index in range(1, 25):
        await api.create_product(f"SKU-{index}", quantity=0, backorders=NOTIFY)
        await api.checkout((f"SKU-{index}", 1))
    assert await statements() == small
    assert max(small) <= 4


async def test_reports_read_the_stock_of_a_channel_and_refuse_an_unknown_one(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    await api.checkout(("MUG", 1))
    found = await api.data('{ backorderReport(channel: "default") { totalCount } }')
    assert found["backorderReport"]["totalCount"] == 1
    for name in ("backorderReport", "lowStockReport", "demandReport"):
        error = await api.error(f'{{ {name}(channel: "nowhere") {{ totalCount }} }}')
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "channel")


async def test_the_demo_data_gives_every_report_rows_once(api: Api) -> None:
    await load_demo_data()
    await load_demo_data()
    found = await api.data(
        "{ backorderReport { totalCount rows { product { sku } } } lowStockReport { totalCount } "
        "demandReport { totalCount rows { product { sku } soldQuantity } } }"
    )
    assert [row["product"]["sku"] for row in found["backorderReport"]["rows"]] == ["LAMP-DESK"]
    assert found["lowStockReport"]["totalCount"] > 0
    sold = {row["product"]["sku"]: row["soldQuantity"] for row in found["demandReport"]["rows"]}
    assert sold["SOCKS-WOOL-3PK"] > 0 and not {"BAG-WEEKENDER", "TEE-CLASSIC-M"} & set(sold)
