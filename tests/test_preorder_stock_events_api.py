"""A pre-order's stock events and back-in-stock alerts through the HTTP API (DESIGN.md 7.2 and 7.5):
every change of what shoppers see of a pre-order (its cap reached or freed, set, raised, ended,
released) sends the events `rules.stock_event_kinds` gives, and the alerts when it turns salable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from backstock.resolvers import clock, projection
from backstock.resolvers.releases import Releases
from harness.mailserver import MailServer
from tests.api import Api
from tests.groups import checkout
from tests.multisource import set_quantity, warehouses
from tests.test_preorders_api import AHEAD, BEHIND, product, set_preorder
from tests.test_stock_alerts_api import subscribe
from tests.test_stock_events import last_id, stock_events

CANCEL = "mutation($n: String!) { cancelOrder(number: $n) { number } }"
CUSTOMER_CANCEL = """mutation($n: String!, $e: String!, $sku: String!) {
  cancelBackorderedUnits(number: $n, email: $e, lines: [{sku: $sku, quantity: 1}]) { number } }"""


def soon() -> date:
    return clock.today() + timedelta(days=30)


async def alerts_to(api: Api, mail_server: MailServer, email: str) -> list[str]:
    await api.send_mail()
    return [str(m["Subject"]) for m in mail_server.messages if m["To"] == email]


async def test_a_checkout_that_reaches_the_cap_sends_out_of_stock(api: Api) -> None:
    await api.create_product("GAME", quantity=10)
    start = await last_id()
    await set_preorder(api, "GAME", soon(), maxQuantity=5)
    await api.checkout(("GAME", 3))
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 5),  # IN_STOCK 10 -> PRE_ORDER 5
        ("STOCK_CHANGED", "GAME", "default", 2),
    ]
    start = await last_id()
    await api.checkout(("GAME", 2))
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 0),
        ("OUT_OF_STOCK", "GAME", "default", 0),
    ]


@pytest.mark.parametrize("cancel", ["admin", "customer"])
async def test_a_cancellation_that_frees_the_cap_sends_back_in_stock_and_the_alerts(
    api: Api, mail_server: MailServer, cancel: str
) -> None:
    await api.create_product("GAME")
    await set_preorder(api, "GAME", soon(), maxQuantity=2)
    order = await api.checkout(("GAME", 2), email="sam@example.com")
    await subscribe(api, "GAME", "ann@example.com")
    start = await last_id()
    if cancel == "admin":
        await api.data(CANCEL, {"n": order["number"]})
    else:
        await api.data(CUSTOMER_CANCEL, {"n": order["number"], "e": "sam@example.com", "sku": "GAME"}, admin=False)
    freed = 2 if cancel == "admin" else 1
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", freed),
        ("BACK_IN_STOCK", "GAME", "default", freed),
    ]
    alerted = await alerts_to(api, mail_server, "ann@example.com")
    assert alerted[1:] == ["Product GAME is back in stock"]
    assert (await product(api, "GAME"))["preorder"]["preorderedQuantity"] == 2 - freed  # cancelled units leave it


async def test_setting_raising_and_ending_a_preorder_send_their_events_and_alerts(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("GAME")  # nothing on hand, no backorders: OUT_OF_STOCK
    await subscribe(api, "GAME", "ann@example.com")
    start = await last_id()
    await set_preorder(api, "GAME", soon(), maxQuantity=1)
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 1),
        ("BACK_IN_STOCK", "GAME", "default", 1),
    ]
    assert (await alerts_to(api, mail_server, "ann@example.com"))[1:] == ["Product GAME is back in stock"]
    await api.checkout(("GAME", 1))
    await subscribe(api, "GAME", "bob@example.com")  # at its cap: OUT_OF_STOCK
    start = await last_id()
    await set_preorder(api, "GAME", soon(), maxQuantity=3)  # a raised cap
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 2),
        ("BACK_IN_STOCK", "GAME", "default", 2),
    ]
    assert (await alerts_to(api, mail_server, "bob@example.com"))[1:] == ["Product GAME is back in stock"]
    start = await last_id()
    await set_preorder(api, "GAME", None)  # ended: the normal rules, 1 unit waiting and none on hand
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 0),
        ("OUT_OF_STOCK", "GAME", "default", 0),
    ]


async def test_the_release_task_sends_the_events_of_release_day(
    api: Api, store_zone: Callable[[str], None], mail_server: MailServer
) -> None:
    store_zone(BEHIND)
    await api.create_product("GAME", quantity=3)
    await set_preorder(api, "GAME", projection.today(AHEAD), maxQuantity=1)
    await api.checkout(("GAME", 1))
    await subscribe(api, "GAME", "ann@example.com")  # at its cap
    start = await last_id()
    store_zone(AHEAD)
    assert await Releases("worker-a").tick()
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "default", 2),  # OUT_OF_STOCK at the cap -> IN_STOCK, 1 of 3 units taken
        ("BACK_IN_STOCK", "GAME", "default", 2),
    ]
    assert (await alerts_to(api, mail_server, "ann@example.com"))[1:] == ["Product GAME is back in stock"]


async def test_the_cap_is_product_wide_so_every_stock_hears_it_and_the_alerts_go(
    api: Api, mail_server: MailServer
) -> None:
    await warehouses(api, "eu-wh", channel="eu")
    await api.create_product("GAME")
    await set_quantity(api, "GAME", 0, "eu-wh")  # an item at the Berlin source: the eu stock holds the product
    await set_preorder(api, "GAME", soon(), maxQuantity=1)
    start = await last_id()
    placed = await checkout(api, ("GAME", 1), channel="eu")  # reaches the cap through the other stock
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "GAME", "eu", 0),
        ("OUT_OF_STOCK", "GAME", "eu", 0),
        ("STOCK_CHANGED", "GAME", "default", 0),
        ("OUT_OF_STOCK", "GAME", "default", 0),
    ]
    await subscribe(api, "GAME", "ann@example.com")  # alerts follow the default channel
    await api.data(CANCEL, {"n": placed["number"]})
    assert (await alerts_to(api, mail_server, "ann@example.com"))[1:] == ["Product GAME is back in stock"]
