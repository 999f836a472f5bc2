"""Pre-orders under concurrency (DESIGN.md 7.2): the cap holds under simultaneous checkouts, and of
several workers running the release task exactly one leads, a new one within 60 s of it stopping."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backstock.resolvers import clock, projection
from backstock.resolvers.releases import CHECK_EVERY, LEASE_FOR, Releases
from backstock.settings import Settings
from harness.mailserver import MailServer
from tests.api import Api
from tests.groups import checkout
from tests.ledger import assert_ledger_matches_counters

SET = """mutation($sku: String!, $input: PreorderInput) { setPreorder(sku: $sku, input: $input) { sku } }"""
PRODUCT = """query { product(sku: "GAME") { stockStatus preorder { preorderedQuantity } } }"""
# Whatever the hour, the date 14 hours ahead of UTC is later than the date 12 hours behind it.
BEHIND, AHEAD = "Etc/GMT+12", "Etc/GMT-14"


@pytest.fixture
def behind(settings: Settings) -> Iterator[Settings]:
    """The store runs 12 hours behind UTC; `clock.use(ahead)` then makes it release day."""
    clock.use(settings.model_copy(update={"timezone": BEHIND}))
    yield settings.model_copy(update={"timezone": AHEAD})
    clock.use(settings)


async def test_the_cap_holds_under_24_simultaneous_checkouts(api: Api) -> None:
    release = (clock.today() + timedelta(days=5)).isoformat()
    await api.create_product("GAME", quantity=100)
    await api.data(SET, {"sku": "GAME", "input": {"releaseDate": release, "maxQuantity": 10}})
    results = await asyncio.wait_for(
        asyncio.gather(*(checkout(api, ("GAME", 1), email=f"s{i}@example.com") for i in range(24))), 120
    )
    assert sorted(r["__typename"] for r in results).count("Order") == 10
    assert {r["errors"][0]["code"] for r in results if r["__typename"] != "Order"} == {"OUT_OF_STOCK"}
    product = (await api.data(PRODUCT))["product"]
    assert (product["stockStatus"], product["preorder"]["preorderedQuantity"]) == ("OUT_OF_STOCK", 10)
    await assert_ledger_matches_counters()


async def test_of_two_workers_one_releases_and_another_takes_over_when_it_stops(
    api: Api, behind: Settings, mail_server: MailServer
) -> None:
    await api.create_product("GAME", quantity=1)
    await api.data(SET, {"sku": "GAME", "input": {"releaseDate": projection.today(AHEAD).isoformat()}})
    number = (await checkout(api, ("GAME", 1)))["number"]
    await api.send_mail()
    clock.use(behind)  # release day
    first, second = Releases("worker-a"), Releases("worker-b")
    leads = await asyncio.wait_for(asyncio.gather(first.tick(), second.tick()), 30)
    assert sorted(leads) == [False, True]
    assert (await api.data(PRODUCT))["product"]["preorder"] is None
    await api.send_mail()
    ready = [m for m in mail_server.messages if m["Subject"] == f"Your backorder for order {number} is ready to ship"]
    assert len(ready) == 1
    leader, other = (first, second) if leads[0] else (second, first)
    assert await leader.tick() and not await other.tick()
    # A leader that dies stops renewing: the other worker's next check after the lease ends leads.
    assert CHECK_EVERY + LEASE_FOR.total_seconds() <= 60
    later = datetime.now(UTC) + LEASE_FOR + timedelta(seconds=1)
    assert await other.tick(later) and not await leader.tick(later)
    # One that stops cleanly gives the lease up at once.
    await other.resign()
    assert await leader.tick()


async def test_checkouts_racing_the_end_of_a_preorder_all_get_their_units(api: Api) -> None:
    release = (clock.today() + timedelta(days=5)).isoformat()
    await api.create_product("GAME", quantity=50)
    await api.data(SET, {"sku": "GAME", "input": {"releaseDate": release}})
    ending = api.data(SET, {"sku": "GAME", "input": None})
    shoppers = [checkout(api, ("GAME", 2), email=f"s{i}@example.com") for i in range(10)]
    results = await asyncio.wait_for(asyncio.gather(ending, *shoppers), 120)
    numbers = [r["number"] for r in results[1:]]
    assert (await api.data(PRODUCT))["product"]["preorder"] is None
    lines = [(await api.order(n))["lines"][0] for n in numbers]
    assert [(x["quantityReadyToShip"], x["quantityBackordered"]) for x in lines] == [(2, 0)] * 10
    await assert_ledger_matches_counters()
