"""The counts the reports read instead of every order line (migration 0016: units waiting per product,
units ordered and cancelled per product and day), kept by the database's triggers: they must equal
what the order lines say after every kind of write, and demand's window must stay exactly
`days` x 24 h although whole days come from the daily counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.connection import connections

from backstock.models import Order
from tests.api import Api
from tests.conftest import on_postgres

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
WAITING = "{ backorderReport { rows { product { sku } backorderedQuantity openOrders } totalCount } }"
DEMAND = "query($days: Int) { demandReport(days: $days) { rows { product { sku } soldQuantity } } }"
CANCEL = "mutation($n: String!, $l: [LineInput!]) { cancelOrder(number: $n, lines: $l) { number } }"
CUSTOMER_CANCEL = (
    "mutation($n: String!, $e: String!, $l: [LineInput!]) { cancelBackorderedUnits(number: $n, email: $e, lines: $l) "
    "{ number } }"
)
SHIP = "mutation($n: String!) { shipOrder(number: $n) { number } }"
ADJUST = "mutation($s: String!, $d: Int!) { adjustStock(sku: $s, delta: $d) { sku } }"
BULK = "mutation($rows: [StockRowInput!]!) { bulkUpdateStock(rows: $rows) { applied } }"
PO = "mutation($input: PurchaseOrderInput!) { createPurchaseOrder(input: $input) { number } }"
SUBMIT = "mutation($n: String!) { submitPurchaseOrder(number: $n) { status } }"
RECEIVE = "mutation($n: String!, $l: [LineInput!]) { receivePurchaseOrder(number: $n, lines: $l) { status } }"


async def rows(sql: str) -> set[tuple[Any, ...]]:
    found = await connections.get("default").execute_query_dict(sql)
    return {tuple(str(value) for value in row.values()) for row in found}


async def assert_counters_exact() -> None:
    """The kept counts equal the ones the order lines give, computed from scratch."""
    day = "(o.created_at AT TIME ZONE 'UTC')::date" if on_postgres() else "date(o.created_at)"
    assert await rows("SELECT stock_id, product_id, units FROM report_waiting WHERE units <> 0") == await rows(
        "SELECT stock_id, product_id, SUM(backordered) FROM order_line "
        "WHERE stock_id IS NOT NULL AND stock_tracked AND backordered > 0 GROUP BY stock_id, product_id"
    )
    assert await rows(
        "SELECT stock_id, product_id, day, ordered, cancelled FROM report_sales WHERE ordered <> 0 OR cancelled <> 0"
    ) == await rows(
        f"SELECT ol.stock_id, ol.product_id, {day} AS day, SUM(ol.ordered) AS o, SUM(ol.cancelled) AS c "
        "FROM order_line ol JOIN sales_order o ON o.id = ol.order_id WHERE ol.stock_id IS NOT NULL "
        f"GROUP BY ol.stock_id, ol.product_id, {day}"
    )


async def waiting(api: Api) -> list[tuple[str, int, int]]:
    found = (await api.data(WAITING))["backorderReport"]
    assert found["totalCount"] == len(found["rows"])
    return [(r["product"]["sku"], r["backorderedQuantity"], r["openOrders"]) for r in found["rows"]]


async def sold(api: Api, days: int = 1) -> dict[str, int]:
    found = (await api.data(DEMAND, {"days": days}))["demandReport"]["rows"]
    return {r["product"]["sku"]: r["soldQuantity"] for r in found}


async def test_waiting_and_sold_units_follow_every_write_to_orders_and_stock(api: Api) -> None:
    await api.create_product("MUG", quantity=2, backorders=NOTIFY)
    await api.create_product("CUP", quantity=0, backorders=NOTIFY)
    first = (await api.checkout(("MUG", 5), email="sam@example.com"))["number"]
    second = (await api.checkout(("CUP", 2), ("MUG", 1), email="kim@example.com"))["number"]
    await assert_counters_exact()
    assert await waiting(api) == [("MUG", 4, 2), ("CUP", 2, 1)]

    await api.data(CANCEL, {"n": first, "l": [{"sku": "MUG", "quantity": 1}]})
    await assert_counters_exact()
    assert await sold(api) == {"MUG": 5, "CUP": 2}

    await api.data(CUSTOMER_CANCEL, {"n": second, "e": "kim@example.com", "l": [{"sku": "MUG", "quantity": 1}]})
    await assert_counters_exact()
    assert await waiting(api) == [("CUP", 2, 1), ("MUG", 2, 1)]

    await api.data(ADJUST, {"s": "MUG", "d": 1})
    await assert_counters_exact()
    assert await waiting(api) == [("CUP", 2, 1), ("MUG", 1, 1)]

    await api.data(SHIP, {"n": first})
    await assert_counters_exact()

    today = datetime.now(UTC).date().isoformat()
    await api.data(PO, {"input": {"number": "PO-1", "expectedDate": today, "lines": [{"sku": "CUP", "quantity": 5}]}})
    await api.data(SUBMIT, {"n": "PO-1"})
    await api.data(RECEIVE, {"n": "PO-1", "l": [{"sku": "CUP", "quantity": 1}]})
    await assert_counters_exact()
    assert await waiting(api) == [("CUP", 1, 1), ("MUG", 1, 1)]

    assert (await api.data(BULK, {"rows": [{"sku": "MUG", "delta": 3}, {"sku": "CUP", "quantity": 9}]}))[
        "bulkUpdateStock"
    ]["applied"] == 2
    await assert_counters_exact()
    assert await waiting(api) == []
    assert await sold(api) == {"MUG": 4, "CUP": 2}  # 6 ordered, 2 cancelled


async def test_an_order_moved_to_another_day_moves_its_units_sold(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    number = (await api.checkout(("MUG", 3)))["number"]
    await Order.filter(number=number).update(created_at=datetime.now(UTC) - timedelta(days=4))
    await assert_counters_exact()
    assert await sold(api, days=3) == {"MUG": 0}  # a row still: its units wait
    assert await waiting(api) == [("MUG", 3, 1)]
    assert await sold(api, days=5) == {"MUG": 3}


async def set_created_at(number: str, at: datetime) -> None:
    """Straight SQL, as another writer would: the kept daily counts must follow."""
    sql = 'UPDATE "sales_order" SET "created_at" = {} WHERE "number" = {}'
    if on_postgres():
        await connections.get("default").execute_query(sql.format("$1", "$2"), [at, number])
    else:
        stored = at.astimezone(UTC).isoformat(sep=" ")
        await connections.get("default").execute_query(sql.format("?", "?"), [stored, number])


async def test_demand_counts_an_order_just_inside_the_window_and_not_one_just_outside(api: Api) -> None:
    await api.create_product("IN", quantity=0, backorders=NOTIFY)
    await api.create_product("OUT", quantity=0, backorders=NOTIFY)
    await api.create_product("MIDNIGHT", quantity=0, backorders=NOTIFY)
    inside = (await api.checkout(("IN", 2)))["number"]
    outside = (await api.checkout(("OUT", 3)))["number"]
    middle = (await api.checkout(("MIDNIGHT", 4)))["number"]
    now = datetime.now(UTC)
    await set_created_at(inside, now - timedelta(days=7) + timedelta(minutes=2))
    await set_created_at(outside, now - timedelta(days=7) - timedelta(minutes=2))
    await set_created_at(middle, datetime.combine(now.date() - timedelta(days=3), datetime.min.time(), UTC))
    await assert_counters_exact()

    found = await sold(api, days=7)

    assert found.get("IN") == 2
    assert found.get("OUT") == 0  # a row still: its units wait
    assert found.get("MIDNIGHT") == 4
    assert ("OUT", 3, 1) in await waiting(api)
    assert (await sold(api, days=8))["OUT"] == 3


async def test_counts_survive_lines_and_orders_deleted_around_the_api(api: Api) -> None:
    await api.create_product("MUG", quantity=0, backorders=NOTIFY)
    kept = (await api.checkout(("MUG", 2)))["number"]
    gone = (await api.checkout(("MUG", 5)))["number"]
    await Order.filter(number=gone).delete()
    await assert_counters_exact()
    assert await waiting(api) == [("MUG", 2, 1)]
    assert await sold(api) == {"MUG": 2}
    assert kept
