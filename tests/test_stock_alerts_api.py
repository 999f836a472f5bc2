"""Back-in-stock alerts over HTTP with a real SMTP server (DESIGN.md 7.2, alerts)."""

from __future__ import annotations

import asyncio
import re
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from backstock.models import StockAlert, StockAlertStatus
from backstock.notifications.dispatcher import Dispatcher
from backstock.notifications.unsubscribe import unsubscribe_link
from harness.mailserver import MailServer
from tests.api import Api

SUBSCRIBE = """mutation($sku: String!, $email: String!) {
  subscribeToStockAlert(sku: $sku, email: $email) { sku email status createdAt } }"""
UNSUBSCRIBE = "mutation($t: String!) { unsubscribeFromStockAlert(token: $t) }"
SUBSCRIBERS = "query($sku: String!) { product(sku: $sku) { stockAlertSubscribers } }"
PAGE = "https://shop.example/alerts/stop?lang=en"


async def subscribe(api: Api, sku: str, email: str) -> Any:
    return (await api.data(SUBSCRIBE, {"sku": sku, "email": email}, admin=False))["subscribeToStockAlert"]


async def send(api: Api, page: str | None = PAGE) -> int:
    return await Dispatcher(api.settings.model_copy(update={"unsubscribe_url": page})).dispatch_once()


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def token_of(message: EmailMessage) -> str:
    link = body(message).rsplit("To stop this alert: ", 1)[1].strip()
    assert link.startswith("https://shop.example/alerts/stop?lang=en&token=")
    assert message["List-Unsubscribe"] == f"<{link}>"
    return parse_qs(urlsplit(link).query)["token"][0]


async def subscribers(api: Api, sku: str) -> int:
    return int((await api.data(SUBSCRIBERS, {"sku": sku}))["product"]["stockAlertSubscribers"])


async def test_subscribe_restock_one_email_and_its_link_unsubscribes(api: Api, mail_server: MailServer) -> None:
    await api.create_product("LAMP")
    alert = await subscribe(api, "LAMP", "Ann@Example.com")
    assert (alert["sku"], alert["email"], alert["status"]) == ("LAMP", "Ann@Example.com", "ACTIVE")
    again = await subscribe(api, "LAMP", "ann@EXAMPLE.com")
    assert (again["status"], again["createdAt"]) == ("ACTIVE", alert["createdAt"])
    assert await send(api) == 1
    (confirmation,) = await mail_server.wait_for(1)
    assert confirmation["To"] == "Ann@Example.com"
    assert "Product LAMP" in confirmation["Subject"]
    token = token_of(confirmation)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", token), token  # 128 bits and more, URL-safe base64
    assert await subscribers(api, "LAMP") == 1

    await api.data('mutation { adjustStock(sku: "LAMP", delta: 3) { sku } }')
    await api.data('mutation { adjustStock(sku: "LAMP", delta: 2) { sku } }')
    assert await send(api) == 1
    messages = await mail_server.wait_for(2)
    assert len(messages) == 2
    news = messages[1]
    assert news["Subject"] == "Product LAMP is back in stock"
    assert token_of(news) == token
    link = unsubscribe_link(PAGE, token)
    assert all(f"List-Unsubscribe: <{link}>\r\n".encode() in raw for raw in mail_server.raw)  # one line, as written
    assert await subscribers(api, "LAMP") == 0
    assert [alert.status for alert in await StockAlert.all()] == [StockAlertStatus.NOTIFIED]

    assert (await api.data(UNSUBSCRIBE, {"t": token}, admin=False))["unsubscribeFromStockAlert"] is True
    assert [alert.status for alert in await StockAlert.all()] == [StockAlertStatus.UNSUBSCRIBED]
    assert (await api.data(UNSUBSCRIBE, {"t": token}, admin=False))["unsubscribeFromStockAlert"] is True
    assert (await api.data(UNSUBSCRIBE, {"t": "not-a-token"}, admin=False))["unsubscribeFromStockAlert"] is False


async def test_an_unsubscribed_alert_gets_no_back_in_stock_email(api: Api, mail_server: MailServer) -> None:
    await api.create_product("LAMP")
    await subscribe(api, "LAMP", "ann@example.com")
    await subscribe(api, "LAMP", "bob@example.com")
    await send(api)
    confirmations = await mail_server.wait_for(2)
    ann, bob = sorted(confirmations, key=lambda m: str(m["To"]))
    assert token_of(ann) != token_of(bob), "one token per alert"
    assert (await api.data(UNSUBSCRIBE, {"t": token_of(ann)}, admin=False))["unsubscribeFromStockAlert"] is True
    assert await subscribers(api, "LAMP") == 1
    statuses = {alert.email: alert.status for alert in await StockAlert.all()}
    assert statuses == {"ann@example.com": StockAlertStatus.UNSUBSCRIBED, "bob@example.com": StockAlertStatus.ACTIVE}
    mail_server.clear()
    await api.data('mutation { adjustStock(sku: "LAMP", delta: 1) { sku } }')
    assert await send(api) == 1
    (news,) = await mail_server.wait_for(1)
    assert news["To"] == "bob@example.com"


async def test_without_an_unsubscribe_page_the_email_carries_the_token_and_no_header(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("LAMP")
    await subscribe(api, "LAMP", "ann@example.com")
    assert await send(api, page=None) == 1
    (confirmation,) = await mail_server.wait_for(1)
    assert confirmation["List-Unsubscribe"] is None
    token = body(confirmation).rsplit("unsubscribe with this code: ", 1)[1].strip()
    await api.data('mutation { adjustStock(sku: "LAMP", delta: 1) { sku } }')
    assert await send(api, page=None) == 1
    news = (await mail_server.wait_for(2))[1]
    assert (news["Subject"], news["List-Unsubscribe"]) == ("Product LAMP is back in stock", None)
    assert body(news).rsplit("unsubscribe with this code: ", 1)[1].strip() == token
    assert (await api.data(UNSUBSCRIBE, {"t": token}, admin=False))["unsubscribeFromStockAlert"] is True


async def test_salable_unknown_and_malformed_subscriptions_are_refused(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=2)
    salable = await api.error(SUBSCRIBE, {"sku": "MUG", "email": "ann@example.com"}, admin=False)
    assert (salable["extensions"]["code"], salable["extensions"]["field"]) == ("BAD_USER_INPUT", "sku")
    unknown = await api.error(SUBSCRIBE, {"sku": "NOPE", "email": "ann@example.com"}, admin=False)
    assert unknown["extensions"]["code"] == "NOT_FOUND"
    bad = await api.error(SUBSCRIBE, {"sku": "MUG", "email": "ann@\nexample.com"}, admin=False)
    assert (bad["extensions"]["code"], bad["extensions"]["field"]) == ("BAD_USER_INPUT", "email")
    assert await send(api) == 0


async def test_subscribers_is_an_admin_field(api: Api) -> None:
    await api.create_product("LAMP")
    error = await api.error(SUBSCRIBERS, {"sku": "LAMP"}, admin=False)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_21st_active_alert_of_an_email_is_refused_until_one_ends(api: Api, mail_server: MailServer) -> None:
    for i in range(21):
        await api.create_product(f"P{i}")
    for i in range(20):
        await subscribe(api, f"P{i}", "ann@example.com")
    error = await api.error(SUBSCRIBE, {"sku": "P20", "email": "ANN@example.com"}, admin=False)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "email")
    assert "20" in error["message"]
    await api.data('mutation { adjustStock(sku: "P0", delta: 1) { sku } }')  # P0's alert is NOTIFIED: room again
    assert (await subscribe(api, "P20", "ann@example.com"))["status"] == "ACTIVE"


async def test_both_limits_hold_under_concurrent_subscriptions(api: Api, mail_server: MailServer) -> None:
    for i in range(25):
        await api.create_product(f"P{i}")
    casings = ["ann@example.com", "ANN@EXAMPLE.COM", "Ann@Example.com", "aNN@example.com"] * 2
    same = await asyncio.gather(*(subscribe(api, "P0", email) for email in casings))
    assert {alert["createdAt"] for alert in same} == {same[0]["createdAt"]}
    requests = [
        api.post(SUBSCRIBE, {"sku": f"P{i}", "email": f"{'ANN' if i % 2 else 'ann'}@example.com"}) for i in range(1, 25)
    ]
    answers = await asyncio.gather(*requests)
    accepted = [a for a in answers if "errors" not in a]
    refused = [a["errors"][0]["extensions"]["field"] for a in answers if "errors" in a]
    assert (len(accepted), refused) == (19, ["email"] * 5)
    assert await send(api) == 20
    assert len(await mail_server.wait_for(20)) == 20


@pytest.mark.parametrize(
    "change",
    [
        'mutation { setStockQuantity(sku: "LAMP", quantity: 4) { sku } }',
        'mutation { updateStockSettings(sku: "LAMP", input: {backorders: ALLOW_QTY_BELOW_ZERO}) { sku } }',
        "mutation { updateInventoryConfig(input: {backorders: ALLOW_QTY_BELOW_ZERO}) { backorders } }",
        "stock status",
        "cancellation",
        "purchase order",
        'mutation { setPreorder(sku: "LAMP", input: {releaseDate: "2099-01-01"}) { sku } }',
    ],
)
async def test_every_way_back_to_salable_sends_the_alerts(api: Api, mail_server: MailServer, change: str) -> None:
    await api.create_product("LAMP", quantity=1)
    if change == "cancellation":
        order = await api.checkout(("LAMP", 1))
    if change == "stock status":
        await api.data('mutation { setStockStatus(sku: "LAMP", inStock: false) { sku } }')
    elif change != "cancellation":
        await api.data('mutation { setStockQuantity(sku: "LAMP", quantity: 0) { sku } }')
    await subscribe(api, "LAMP", "ann@example.com")
    if change == "cancellation":
        await api.data("mutation($n: String!) { cancelOrder(number: $n) { number } }", {"n": order["number"]})
    elif change == "stock status":
        await api.data('mutation { setStockStatus(sku: "LAMP", inStock: true) { sku } }')
    elif change == "purchase order":
        po = {"number": "PO-1", "expectedDate": "2030-01-01", "lines": [{"sku": "LAMP", "quantity": 5}]}
        await api.data("mutation($i: PurchaseOrderInput!) { createPurchaseOrder(input: $i) { number } }", {"i": po})
        await api.data('mutation { submitPurchaseOrder(number: "PO-1") { number } }')
        await api.data('mutation { receivePurchaseOrder(number: "PO-1") { number } }')
    else:
        await api.data(change)
    await send(api)
    alerted = [m["Subject"] for m in await mail_server.wait_for(2) if m["To"] == "ann@example.com"]
    assert alerted[1:] == ["Product LAMP is back in stock"]
    assert await subscribers(api, "LAMP") == 0


async def test_the_servers_unsubscribe_page_asks_on_get_and_ends_the_alert_on_post(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("LAMP")
    await subscribe(api, "LAMP", "ann@example.com")
    await send(api, page="http://backstock.test/unsubscribe")
    (confirmation,) = await mail_server.wait_for(1)
    link = body(confirmation).rsplit("To stop this alert: ", 1)[1].strip()
    shown = await api.client.get(link)
    assert shown.status_code == 200
    assert '<form method="post"' in shown.text
    assert await subscribers(api, "LAMP") == 1  # a link preview or mail scanner unsubscribes no one
    done = await api.client.post(link)
    assert (done.status_code, "Done" in done.text) == (200, True)
    assert await subscribers(api, "LAMP") == 0
    unknown = await api.client.post("/unsubscribe?token=nope")
    assert unknown.status_code == 404


def test_the_link_adds_the_token_to_any_query() -> None:
    assert unsubscribe_link("https://s.example/u", "T") == "https://s.example/u?token=T"
    assert unsubscribe_link("https://s.example/u?a=1#x", "T") == "https://s.example/u?a=1&token=T#x"
