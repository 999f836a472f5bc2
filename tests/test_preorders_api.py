"""Pre-orders (DESIGN.md 7.2) through the HTTP API: status and cap, every unit waits with its notice and
date, groups and caps, the manual flag and unmanaged stock, ending a pre-order and release day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from backstock.resolvers import clock, projection
from backstock.resolvers.releases import Releases
from harness.mailserver import MailServer
from tests.api import Api
from tests.groups import checkout, key, product_for, quote, refusal, store_caps
from tests.ledger import assert_ledger_matches_counters
from tests.test_dates_api import QUOTE as DATED_QUOTE
from tests.test_dates_api import day, purchase_order
from tests.test_delay_notices_api import plain
from tests.test_stock_alerts_api import subscribe

SET = """mutation($sku: String!, $input: PreorderInput) { setPreorder(sku: $sku, input: $input) {
  stockStatus isSalable salableQuantity backorderedQuantity preorder { releaseDate maxQuantity preorderedQuantity message }
} }"""
PRODUCT = """query($sku: String!) { product(sku: $sku) {
  stockStatus isSalable salableQuantity backorderedQuantity reservedQuantity quantity
  preorder { releaseDate maxQuantity preorderedQuantity message } } }"""
ORDER = """query($n: String!) { order(number: $n) { hasBackorders
  lines { quantityBackordered quantityReadyToShip backorderMessage isPreorder expectedShipDate } } }"""
SHOPPER = """query($sku: String!) { product(sku: $sku) { backorderMessage(quantity: 2)
  availability(quantity: 2) { inStockQuantity backorderedQuantity expectedShipDate } } }"""
NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
SILENT = "ALLOW_QTY_BELOW_ZERO"
# Whatever the hour, the date 14 hours ahead of UTC is later than the date 12 hours behind it.
BEHIND, AHEAD = "Etc/GMT+12", "Etc/GMT-14"


def today(_: Api) -> date:
    return clock.today()


async def set_preorder(api: Api, sku: str, release: date | None, **extra: Any) -> Any:
    variables = {"sku": sku, "input": None if release is None else {"releaseDate": release.isoformat(), **extra}}
    return (await api.data(SET, variables))["setPreorder"]


async def product(api: Api, sku: str) -> Any:
    return (await api.data(PRODUCT, {"sku": sku}))["product"]


async def line(api: Api, number: str) -> Any:
    order = (await api.data(ORDER, {"n": number}))["order"]
    return {"hasBackorders": order["hasBackorders"], **order["lines"][0]}


async def test_a_capped_preorder_sells_up_to_its_cap_and_every_unit_waits(api: Api, mail_server: MailServer) -> None:
    release = today(api) + timedelta(days=30)
    await api.create_product("GAME", quantity=10)
    set_answer = await set_preorder(api, "GAME", release, maxQuantity=5)
    assert set_answer == {
        "stockStatus": "PRE_ORDER",
        "isSalable": True,
        "salableQuantity": 5,
        "backorderedQuantity": 0,
        "preorder": {"releaseDate": release.isoformat(), "maxQuantity": 5, "preorderedQuantity": 0, "message": None},
    }
    placed = await checkout(api, ("GAME", 3))
    notice = f"Pre-order: ships from {release.isoformat()}."
    assert await line(api, placed["number"]) == {
        "hasBackorders": True,
        "quantityBackordered": 3,
        "quantityReadyToShip": 0,
        "backorderMessage": notice,
        "isPreorder": True,
        "expectedShipDate": release.isoformat(),
    }
    shopper = (await api.data(SHOPPER, {"sku": "GAME"}, admin=False))["product"]
    assert shopper == {
        "backorderMessage": notice,
        "availability": {"inStockQuantity": 0, "backorderedQuantity": 2, "expectedShipDate": release.isoformat()},
    }
    quoted = (await quote(api, ("GAME", 2)))["lines"][0]
    assert (quoted["inStockQuantity"], quoted["backorderedQuantity"], quoted["message"]) == (0, 2, notice)
    after = await product(api, "GAME")
    assert (after["stockStatus"], after["salableQuantity"], after["backorderedQuantity"]) == ("PRE_ORDER", 2, 3)
    assert (after["quantity"], after["preorder"]["preorderedQuantity"]) == (10, 3)
    assert refusal(await checkout(api, ("GAME", 3))) == (
        "NOT_ENOUGH_STOCK",
        'We don\'t have as many "Product GAME" as you requested. You can order up to 2.',
    )
    await checkout(api, ("GAME", 2))
    at_cap = await product(api, "GAME")
    assert (at_cap["stockStatus"], at_cap["isSalable"], at_cap["salableQuantity"]) == ("OUT_OF_STOCK", False, 0)
    assert refusal(await checkout(api, ("GAME", 1)))[0] == "OUT_OF_STOCK"
    await api.send_mail()
    assert notice in mail_server.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_the_date_is_the_later_of_release_and_projection_and_the_message_replaces_the_notice(api: Api) -> None:
    release = today(api) + timedelta(days=10)
    await api.create_product("LATE", backorderLeadTimeDays=40)
    await api.create_product("SOON", backorders=SILENT)
    await set_preorder(api, "LATE", release)
    await set_preorder(api, "SOON", release, message="Ships at launch!")
    late = await line(api, (await checkout(api, ("LATE", 1)))["number"])
    later = (today(api) + timedelta(days=40)).isoformat()
    assert (late["expectedShipDate"], late["backorderMessage"]) == (later, f"Pre-order: ships from {later}.")
    soon = await line(api, (await checkout(api, ("SOON", 1)))["number"])  # silent mode shows pre-order dates too
    assert (soon["expectedShipDate"], soon["backorderMessage"]) == (release.isoformat(), "Ships at launch!")


async def test_set_preorder_checks_its_input_and_needs_an_admin(api: Api) -> None:
    await api.create_product("GAME", quantity=1)
    variables = {"sku": "GAME", "input": {"releaseDate": "2999-01-01", "maxQuantity": 0}}
    error = await api.error(SET, variables)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "maxQuantity")
    assert (await api.error(SET, {**variables, "input": {"releaseDate": "2999-01-01"}}, admin=False))["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    assert (await product(api, "GAME"))["preorder"] is None
    assert (await set_preorder(api, "GAME", today(api)))["preorder"] is None  # today: released at once
    assert (await set_preorder(api, "GAME", today(api) - timedelta(days=3)))["stockStatus"] == "IN_STOCK"


async def test_ending_a_preorder_allocates_waiting_units_oldest_first(api: Api, mail_server: MailServer) -> None:
    await api.create_product("GAME", quantity=3)
    await set_preorder(api, "GAME", today(api) + timedelta(days=5))
    numbers = [
        (await checkout(api, ("GAME", q), email=f"s{q}{i}@example.com"))["number"] for i, q in enumerate([2, 1, 2])
    ]
    await api.send_mail()
    mail_server.clear()
    ended = await set_preorder(api, "GAME", None)
    assert (ended["preorder"], ended["stockStatus"]) == (None, "OUT_OF_STOCK")
    lines = [await line(api, n) for n in numbers]
    assert [(x["quantityReadyToShip"], x["quantityBackordered"], x["isPreorder"]) for x in lines] == [
        (2, 0, True),
        (1, 0, True),
        (0, 2, True),
    ]
    await api.send_mail()
    ready = sorted(m["Subject"] for m in mail_server.messages)
    assert ready == sorted(f"Your backorder for order {n} is ready to ship" for n in numbers[:2])
    await assert_ledger_matches_counters()


async def test_on_release_day_units_on_hand_cover_preordered_units_before_a_purchase_order(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", quantity=2)
    await purchase_order(api, "PO-1", 5, 10)
    await set_preorder(api, "MUG", today(api) + timedelta(days=3))
    first = (await checkout(api, ("MUG", 2), email="a@example.com"))["number"]
    availability = (await api.data(SHOPPER, {"sku": "MUG"}, admin=False))["product"]["availability"]
    quoted = (await api.data(DATED_QUOTE, {"lines": [{"sku": "MUG", "quantity": 1}]}))["quote"]["lines"][0]
    second = (await checkout(api, ("MUG", 1), email="b@example.com"))["number"]
    # The 2 units on hand are the first order's from its release date; PO-1 brings the second's.
    assert [(await line(api, n))["expectedShipDate"] for n in (first, second)] == [day(3), day(5)]
    assert (availability["expectedShipDate"], quoted["expectedShipDate"]) == (day(5), day(5))
    await api.send_mail()
    mail_server.clear()
    await api.data(f'mutation {{ reschedulePurchaseOrder(number: "PO-1", expectedDate: "{day(20)}") {{ number }} }}')
    await api.send_mail()  # only the second order waits for PO-1
    assert [m["Subject"] for m in mail_server.messages] == [f"Your backorder for order {second} is delayed"]
    await set_preorder(api, "MUG", None)
    lines = [await line(api, n) for n in (first, second)]
    assert [(x["quantityReadyToShip"], x["quantityBackordered"], x["expectedShipDate"]) for x in lines] == [
        (2, 0, None),
        (0, 1, day(20)),
    ]


async def test_groups_decide_who_may_preorder_and_caps_never_count_preordered_units(api: Api) -> None:
    await store_caps(
        api, backorderCustomerGroups=["B2B"], maxBackorderQuantityPerOrder=1, maxBackorderQuantityPerCustomer=1
    )
    await api.create_product("GAME", backorders=NOTIFY)
    await set_preorder(api, "GAME", today(api) + timedelta(days=5))
    guest = await product_for(api, "GAME", None, None)
    assert (guest["stockStatus"], guest["salableQuantity"]) == ("OUT_OF_STOCK", 0)
    assert refusal(await checkout(api, ("GAME", 1)))[0] == "OUT_OF_STOCK"
    storefront = await key(api)
    b2b = await product_for(api, "GAME", "B2B", storefront)
    assert (b2b["stockStatus"], b2b["salableQuantity"]) == ("PRE_ORDER", None)
    assert (await checkout(api, ("GAME", 4), group="B2B", token=storefront))["__typename"] == "Order"
    await set_preorder(api, "GAME", None)
    # The 4 released units still wait, yet the per-customer cap of 1 counts none of them.
    assert (await product_for(api, "GAME", "B2B", storefront))["stockStatus"] == "BACKORDER"
    assert (await checkout(api, ("GAME", 1), group="B2B", token=storefront))["__typename"] == "Order"


async def test_the_manual_flag_and_unmanaged_stock(api: Api) -> None:
    release = today(api) + timedelta(days=5)
    await api.create_product("OFF", quantity=5)
    await api.data('mutation { setStockStatus(sku: "OFF", inStock: false) { sku } }')
    off = await set_preorder(api, "OFF", release, maxQuantity=3)
    assert (off["stockStatus"], off["salableQuantity"], off["preorder"]["maxQuantity"]) == ("OUT_OF_STOCK", 0, 3)
    assert refusal(await checkout(api, ("OFF", 1)))[0] == "OUT_OF_STOCK"
    await api.create_product("FREE", manageStock=False)
    free = await set_preorder(api, "FREE", release, maxQuantity=3)
    assert (free["stockStatus"], free["salableQuantity"]) == ("PRE_ORDER", None)
    number = (await checkout(api, ("FREE", 7)))["number"]
    assert (await line(api, number))["quantityBackordered"] == 7
    await set_preorder(api, "FREE", None)
    assert (await line(api, number))["quantityReadyToShip"] == 7


async def test_the_periodic_task_releases_on_release_day_in_the_store_time_zone(
    api: Api, store_zone: Callable[[str], None], mail_server: MailServer
) -> None:
    store_zone(BEHIND)
    release = projection.today(AHEAD)
    await api.create_product("GAME", quantity=1)
    assert (await set_preorder(api, "GAME", release))["stockStatus"] == "PRE_ORDER"
    number = (await checkout(api, ("GAME", 1)))["number"]
    newer = (await checkout(api, ("GAME", 1), email="late@example.com"))["number"]
    assert await Releases("worker-a").tick()
    assert (await product(api, "GAME"))["preorder"] is not None  # not yet release day where the store is
    store_zone(AHEAD)
    assert (await product(api, "GAME"))["stockStatus"] == "OUT_OF_STOCK"  # released by date: normal rules
    assert (await line(api, number))["quantityReadyToShip"] == 0  # until the task allocates
    assert await Releases("worker-a").tick()
    assert [(await line(api, n))["quantityReadyToShip"] for n in (number, newer)] == [1, 0], "oldest first"
    await api.send_mail()
    assert mail_server.messages[-1]["Subject"] == f"Your backorder for order {number} is ready to ship"


async def test_a_release_that_makes_the_product_salable_sends_its_alerts(
    api: Api, store_zone: Callable[[str], None], mail_server: MailServer
) -> None:
    store_zone(BEHIND)
    await api.create_product("GAME", quantity=3)
    await set_preorder(api, "GAME", projection.today(AHEAD), maxQuantity=1)
    await checkout(api, ("GAME", 1))
    assert (await product(api, "GAME"))["stockStatus"] == "OUT_OF_STOCK"  # at its cap
    await subscribe(api, "GAME", "ann@example.com")
    store_zone(AHEAD)
    assert await Releases("worker-a").tick()
    await api.send_mail()
    alerted = [m["Subject"] for m in mail_server.messages if m["To"] == "ann@example.com"]
    assert alerted[-1] == "Product GAME is back in stock"


async def test_a_preordered_line_is_told_of_delays_past_its_release_date_only(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", backorders=SILENT)  # pre-order dates show in silent mode too
    await set_preorder(api, "MUG", today(api) + timedelta(days=10))
    await purchase_order(api, "PO-1", 5, 3)
    number = (await checkout(api, ("MUG", 2)))["number"]
    await api.send_mail()
    mail_server.clear()
    await api.data(f'mutation {{ reschedulePurchaseOrder(number: "PO-1", expectedDate: "{day(20)}") {{ number }} }}')
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == [f"Your backorder for order {number} is delayed"]
    assert (await line(api, number))["expectedShipDate"] == day(20)
    mail_server.clear()
    await api.data('mutation { cancelPurchaseOrder(number: "PO-1") { status } }')  # unknown: the release date
    await api.send_mail()
    assert mail_server.messages == []
    assert (await line(api, number))["expectedShipDate"] == day(10)


@pytest.mark.parametrize("mode", ["NO_BACKORDERS", SILENT, NOTIFY])
async def test_shoppers_see_a_preorders_notice_and_date_in_every_backorder_mode(
    api: Api, mail_server: MailServer, mode: str
) -> None:
    release = today(api) + timedelta(days=10)
    await api.create_product("GAME", backorders=mode)
    await set_preorder(api, "GAME", release)
    notice = f"Pre-order: ships from {release.isoformat()}."
    shopper = (await api.data(SHOPPER, {"sku": "GAME"}, admin=False))["product"]
    assert (shopper["backorderMessage"], shopper["availability"]["expectedShipDate"]) == (notice, release.isoformat())
    quoted = (await api.data(DATED_QUOTE, {"lines": [{"sku": "GAME", "quantity": 2}]}, admin=False))["quote"]
    assert quoted["lines"][0]["expectedShipDate"] == release.isoformat()
    number = (await checkout(api, ("GAME", 2), email="sam@example.com"))["number"]
    own = """query($n: String!) { order(number: $n, email: "sam@example.com") {
      lines { backorderMessage expectedShipDate } } }"""
    lines = (await api.data(own, {"n": number}, admin=False))["order"]["lines"]
    assert lines == [{"backorderMessage": notice, "expectedShipDate": release.isoformat()}]
    await api.send_mail()
    assert f"{notice} Expected to ship: {release.isoformat()}." in plain(mail_server.messages[0])


async def test_moving_the_release_date_to_today_releases_and_allocates_at_once(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("GAME", quantity=3)
    await set_preorder(api, "GAME", today(api) + timedelta(days=5), maxQuantity=10)
    numbers = [(await checkout(api, ("GAME", 2), email=f"s{i}@example.com"))["number"] for i in range(2)]
    await api.send_mail()
    mail_server.clear()
    released = await set_preorder(api, "GAME", today(api))
    assert (released["preorder"], released["stockStatus"], released["backorderedQuantity"]) == (None, "OUT_OF_STOCK", 1)
    lines = [await line(api, n) for n in numbers]
    assert [(x["quantityReadyToShip"], x["quantityBackordered"]) for x in lines] == [(2, 0), (1, 1)]
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == [f"Your backorder for order {numbers[0]} is ready to ship"]
    await assert_ledger_matches_counters()
