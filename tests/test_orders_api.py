"""The admin's orders query: filters, cursor pages newest first, a constant number of SQL queries."""

from __future__ import annotations

from typing import Any

import pytest

from harness.graphql import ORDER_FIELDS
from harness.queries import count_queries
from tests.api import Api

ORDERS = f"""
query($filter: OrderFilter, $first: Int, $after: String) {{
  orders(filter: $filter, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {ORDER_FIELDS} }} }}
  }}
}}"""


async def listing(api: Api, filter: dict[str, Any] | None = None, first: int = 20, after: str | None = None) -> Any:
    return (await api.data(ORDERS, {"filter": filter, "first": first, "after": after}))["orders"]


async def numbers(api: Api, **filter: Any) -> list[str]:
    return [edge["node"]["number"] for edge in (await listing(api, filter))["edges"]]


@pytest.fixture
async def orders(api: Api) -> dict[str, str]:
    """processing (in stock), backordered, complete (shipped), canceled: oldest first."""
    await api.create_product("MUG", quantity=3)
    await api.create_product("BAG", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO")
    placed = {
        "processing": await api.checkout(("MUG", 1), email="ann@example.com"),
        "backordered": await api.checkout(("BAG", 2), ("MUG", 1), email="Bob@Example.com"),
        "complete": await api.checkout(("MUG", 1), email="ann@example.com"),
        "canceled": await api.checkout(("BAG", 1), email="cy@example.com"),
    }
    number = {name: order["number"] for name, order in placed.items()}
    await api.data("mutation($n: String!) { shipOrder(number: $n) { number } }", {"n": number["complete"]})
    await api.data("mutation($n: String!) { cancelOrder(number: $n) { number } }", {"n": number["canceled"]})
    return number


async def test_orders_are_listed_newest_first_with_their_details(api: Api, orders: dict[str, str]) -> None:
    page = await listing(api)
    assert page["totalCount"] == 4
    assert [e["node"]["number"] for e in page["edges"]] == [
        orders["canceled"],
        orders["complete"],
        orders["backordered"],
        orders["processing"],
    ]
    assert page["edges"][1]["node"] == await api.order(orders["complete"])


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"status": "PROCESSING"}, ["backordered", "processing"]),
        ({"status": "COMPLETE"}, ["complete"]),
        ({"status": "CANCELED"}, ["canceled"]),
        ({"hasBackorders": True}, ["backordered"]),
        ({"hasBackorders": False}, ["canceled", "complete", "processing"]),
        ({"sku": "BAG"}, ["canceled", "backordered"]),
        ({"customerEmail": "ANN@example.COM"}, ["complete", "processing"]),
        ({"customerEmail": "bob@example.com", "sku": "MUG", "status": "PROCESSING"}, ["backordered"]),
        ({"sku": "NOPE"}, []),
    ],
)
async def test_orders_filter(api: Api, orders: dict[str, str], filter: dict[str, Any], expected: list[str]) -> None:
    page = await listing(api, filter)
    assert [e["node"]["number"] for e in page["edges"]] == [orders[name] for name in expected]
    assert page["totalCount"] == len(expected)
    if "status" in filter:
        assert {e["node"]["status"] for e in page["edges"]} <= {filter["status"]}


async def test_orders_page_with_cursors(api: Api, orders: dict[str, str]) -> None:
    first = await listing(api, first=3)
    assert first["pageInfo"]["hasNextPage"] is True and len(first["edges"]) == 3
    rest = await listing(api, first=3, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["number"] for e in rest["edges"]] == [orders["processing"]]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": rest["edges"][0]["cursor"]}
    assert rest["totalCount"] == 4


async def test_orders_query_bounds_and_cursors_are_checked(api: Api) -> None:
    too_many = await api.error(ORDERS, {"first": 101})
    assert too_many["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    bad_cursor = await api.error(ORDERS, {"after": "bm9wZTox"})
    assert bad_cursor["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
    anonymous = await api.error(ORDERS, admin=False)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_page_costs_the_same_queries_for_2_or_40_orders(api: Api) -> None:
    await api.create_product("MUG", quantity=100)
    await api.create_product("BAG", quantity=100)

    async def page_queries(count: int) -> int:
        while len((await listing(api, first=100))["edges"]) < count:
            order = await api.checkout(("MUG", 1), ("BAG", 1))
            await api.data("mutation($n: String!) { shipOrder(number: $n) { number } }", {"n": order["number"]})
        with count_queries() as queries:
            assert len((await listing(api, first=100))["edges"]) == count
        return len(queries)

    assert (
        await page_queries(2) == await page_queries(40) <= 8
    )  # count, page, lines, shipments, their lines, sources, sources, payments


async def test_status_filter_agrees_with_the_order_status_for_mixed_lines(api: Api) -> None:
    """One line cancelled and the other shipped is COMPLETE; one cancelled and the other open is PROCESSING."""
    await api.create_product("MUG", quantity=10)
    await api.create_product("BAG", quantity=10)
    complete = (await api.checkout(("MUG", 1), ("BAG", 2)))["number"]
    processing = (await api.checkout(("MUG", 1), ("BAG", 2)))["number"]
    cancel = 'mutation($n: String!) { cancelOrder(number: $n, lines: [{sku: "BAG", quantity: 2}]) { status } }'
    for number in (complete, processing):
        await api.data(cancel, {"n": number})
    await api.data("mutation($n: String!) { shipOrder(number: $n) { number } }", {"n": complete})
    assert await numbers(api, status="COMPLETE") == [complete]
    assert await numbers(api, status="PROCESSING") == [processing]
    assert await numbers(api, status="CANCELED") == []
    assert [(await api.order(n))["status"] for n in (complete, processing)] == ["COMPLETE", "PROCESSING"]
