"""What a request costs the database: work a query does not ask for is not done."""

from __future__ import annotations

from tortoise.connection import connections

from harness.queries import count_queries
from tests.api import Api

COUNTED_IN_A_FRAGMENT = """{ products(first: 2) { ...Counted edges { node { sku } } } }
fragment Counted on ProductConnection { ... on ProductConnection { totalCount } }"""


async def test_a_listing_without_total_count_does_not_count(api: Api) -> None:
    for i in range(3):
        await api.create_product(f"S-{i}", quantity=i)
    await api.data("{ products { edges { node { sku } } } }")
    with count_queries() as uncounted:
        data = await api.data("{ products(first: 2) { edges { node { sku } } pageInfo { hasNextPage } } }")
    assert data["products"] == {
        "edges": [{"node": {"sku": "S-0"}}, {"node": {"sku": "S-1"}}],
        "pageInfo": {"hasNextPage": True},
    }
    assert len(uncounted) == 2, uncounted  # the store's settings and the page
    assert not any("COUNT" in statement.upper() for statement in uncounted), uncounted
    with count_queries() as counted:
        data = await api.data(COUNTED_IN_A_FRAGMENT)
    assert data["products"]["totalCount"] == 3
    assert len(counted) == 3, counted


async def test_an_aliased_total_count_is_counted(api: Api) -> None:
    await api.create_product("S-1", quantity=1)
    data = await api.data('{ products(filter: {skus: ["S-1", "S-2"]}) { all: totalCount } }')
    assert data == {"products": {"all": 1}}


WEBHOOK = """mutation { createWebhook(url: "https://1.1.1.1/hooks", events: [ORDER_PLACED, STOCK_CHANGED]) {
  webhook { id } } }"""
DELIVERIES = "query($id: ID!) { webhookDeliveries(webhookId: $id) { event } }"


async def test_a_checkout_writes_its_events_in_one_round(api: Api) -> None:
    """The stock event and ORDER_PLACED of one checkout: one read of the stock's channels and the webhooks
    together, one insert, and a delivery each."""
    await api.create_product("MUG", quantity=5)
    webhook_id = (await api.data(WEBHOOK))["createWebhook"]["webhook"]["id"]
    with count_queries() as statements:
        order = await api.checkout(("MUG", 2))
    assert order["__typename"] == "Order"
    inserts = [s for s in statements if s.startswith('INSERT INTO "event"')]
    audience_reads = [s for s in statements if 'FROM "webhook"' in s or 'FROM "channel"' in s]
    assert (len(inserts), len(audience_reads)) == (1, 1), statements
    assert 'FROM "channel"' in audience_reads[0], audience_reads
    deliveries = (await api.data(DELIVERIES, {"id": webhook_id}))["webhookDeliveries"]
    assert sorted(d["event"] for d in deliveries) == ["ORDER_PLACED", "STOCK_CHANGED"]


async def test_a_checkout_reads_back_nothing_it_wrote(api: Api) -> None:
    """Events come back from their INSERT (RETURNING), and on SQLite, whose transactions run one at a
    time, the stock item's counts come with its row: 10 statements on SQLite, 12 on PostgreSQL
    (the counts read again once the row lock is held, and pg_notify for the stock event)."""
    await api.create_product("MUG", quantity=5)
    await api.checkout(("MUG", 1))
    with count_queries() as statements:
        order = await api.checkout(("MUG", 1), email="second@example.com")
    assert order["__typename"] == "Order"
    postgres = connections.get("default").capabilities.dialect == "postgres"
    assert not [s for s in statements if s.startswith("SELECT") and 'FROM "event"' in s], statements
    stock_reads = [s for s in statements if s.startswith("SELECT") and 'FROM "stock_item"' in s]
    assert len(stock_reads) == (2 if postgres else 1), stock_reads
    assert len(statements) <= (12 if postgres else 10), statements
