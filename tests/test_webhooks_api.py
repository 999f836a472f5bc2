"""Webhooks against a real HTTP receiver on 127.0.0.1: signed, retried, at least once, never to private
addresses unless allowed. Delivery rounds are driven directly, as the server's loop would run them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from backstock.app import create_app
from backstock.events.webhooks import WebhookDispatcher
from backstock.models import WebhookDelivery
from backstock.settings import Settings
from tests.api import Api
from tests.receiver import Receiver

CREATE = """
mutation($url: String!, $events: [WebhookEvent!]!) {
  createWebhook(url: $url, events: $events) { secret webhook { id url events active createdAt } }
}"""
DELIVERIES = """
query($id: ID!, $status: DeliveryStatus) {
  webhookDeliveries(webhookId: $id, status: $status) {
    id event eventId status attempts lastError createdAt deliveredAt
  }
}"""
ORDER_KINDS = ["ORDER_PLACED", "BACKORDER_ALLOCATED", "ORDER_SHIPPED", "ORDER_CANCELED"]


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    """The receiver lives on 127.0.0.1, so private targets are allowed here (and refused in their own tests)."""
    return settings.model_copy(update={"webhooks_allow_private": True, "webhook_max_attempts": 4, "webhook_timeout": 2})


@pytest.fixture
async def hooks(api: Api, hook_settings: Settings) -> AsyncIterator[Api]:
    """An app served with `hook_settings`; tortoise already runs under the session app's lifespan."""
    app = create_app(hook_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backstock.test") as client:
        yield Api(client, hook_settings)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


async def attempt_round(settings: Settings) -> int:
    """Waits out the longest backoff, then attempts every due delivery once."""
    await asyncio.sleep(settings.retry_max_delay)
    return await WebhookDispatcher(settings).deliver_once()


async def register(api: Api, receiver: Receiver, events: list[str]) -> str:
    created = (await api.data(CREATE, {"url": receiver.url, "events": events}))["createWebhook"]
    receiver.secret = created["secret"]
    return str(created["webhook"]["id"])


async def deliveries(api: Api, webhook_id: str, status: str | None = None) -> list[Any]:
    return list((await api.data(DELIVERIES, {"id": webhook_id, "status": status}))["webhookDeliveries"])


async def test_a_receiver_down_then_failing_then_up_gets_each_event_once_with_one_id(
    hooks: Api, receiver: Receiver
) -> None:
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_PLACED"])
    order = await hooks.checkout(("MUG", 1))

    for _ in range(2):
        assert await attempt_round(hooks.settings) == 1
    [pending] = await deliveries(hooks, webhook_id)
    assert (pending["status"], pending["attempts"]) == ("PENDING", 2)
    assert "ConnectError" in pending["lastError"]

    receiver.status = 500
    receiver.start()
    await attempt_round(hooks.settings)
    [failing] = await deliveries(hooks, webhook_id)
    assert (failing["status"], failing["attempts"], failing["lastError"]) == (
        "PENDING",
        3,
        "HTTP 500 Internal Server Error",
    )

    receiver.status = 204
    await attempt_round(hooks.settings)
    [done] = await deliveries(hooks, webhook_id, "DELIVERED")
    assert done["attempts"] == 4 and done["deliveredAt"] is not None
    assert await attempt_round(hooks.settings) == 0

    assert [r.headers["X-Backstock-Event-Id"] for r in receiver.requests] == [done["eventId"]] * 2
    assert all(r.signed for r in receiver.requests)
    [body] = receiver.accepted.values()
    assert body.keys() == {"id", "type", "createdAt", "data"}
    assert body["id"] == done["eventId"] and body["type"] == "ORDER_PLACED"
    assert datetime.fromisoformat(body["createdAt"]).utcoffset() is not None
    assert body["data"]["orderNumber"] == order["number"]
    assert receiver.requests[-1].headers["X-Backstock-Event"] == "ORDER_PLACED"


async def test_a_wrong_secret_does_not_verify(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=5)
    await register(hooks, receiver, ["ORDER_PLACED"])
    receiver.secret = "whsec_" + "0" * 64
    receiver.start()
    await hooks.checkout(("MUG", 1))
    await attempt_round(hooks.settings)
    assert [r.signed for r in receiver.requests] == [False]
    assert receiver.accepted == {}


async def test_a_delivery_fails_for_good_after_the_maximum_attempts(hooks: Api, receiver: Receiver) -> None:
    assert Settings.model_fields["webhook_max_attempts"].default == 12
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_PLACED"])
    receiver.status = 503
    receiver.start()
    await hooks.checkout(("MUG", 1))
    for _ in range(hooks.settings.webhook_max_attempts):
        assert await attempt_round(hooks.settings) == 1
    assert await attempt_round(hooks.settings) == 0
    [failed] = await deliveries(hooks, webhook_id)
    assert (failed["status"], failed["attempts"]) == ("FAILED", 4)
    assert failed["lastError"] == "HTTP 503 Service Unavailable"
    assert len(receiver.requests) == 4


async def test_retries_wait_a_doubling_backoff_capped_by_the_setting(
    hooks: Api, receiver: Receiver, hook_settings: Settings
) -> None:
    """Each failure pushes the next attempt 1, 2, 3, 3 s out (base 1 s doubling, capped at 3 s); nothing is due before.
    Each wait is skipped by moving the due time back, so the test waits for nothing."""
    await hooks.create_product("MUG", quantity=5)
    await register(hooks, receiver, ["ORDER_PLACED"])
    await hooks.checkout(("MUG", 1))
    slow = hook_settings.model_copy(update={"retry_base_delay": 1.0, "retry_max_delay": 3.0, "webhook_max_attempts": 9})
    dispatcher = WebhookDispatcher(slow)
    waits = []
    for _ in range(4):
        assert await dispatcher.deliver_once() == 1
        failed_at = datetime.now(UTC)
        assert await dispatcher.deliver_once() == 0, "retried before its backoff ran out"
        [row] = await WebhookDelivery.all()
        waits.append(round((row.next_attempt_at - failed_at).total_seconds()))
        await WebhookDelivery.filter(id=row.id).update(next_attempt_at=failed_at - timedelta(seconds=1))
    assert waits == [1, 2, 3, 3]
    receiver.start()
    assert await dispatcher.deliver_once() == 1
    [request] = receiver.requests
    assert request.signed and abs(int(request.headers["X-Backstock-Timestamp"]) - time.time()) < 60


async def test_a_redirect_is_a_failure_and_is_not_followed(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_PLACED"])
    receiver.status = 302
    receiver.start()
    await hooks.checkout(("MUG", 1))
    await attempt_round(hooks.settings)
    [delivery] = await deliveries(hooks, webhook_id)
    assert (delivery["status"], delivery["lastError"]) == ("PENDING", "HTTP 302 Found")
    assert len(receiver.requests) == 1


async def test_a_receiver_that_answers_too_late_is_a_timed_out_attempt(
    hooks: Api, receiver: Receiver, hook_settings: Settings
) -> None:
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_PLACED"])
    receiver.delay = 1.0
    receiver.start()
    await hooks.checkout(("MUG", 1))
    impatient = hook_settings.model_copy(update={"webhook_timeout": 0.2})
    async with asyncio.timeout(5):
        await attempt_round(impatient)
    [delivery] = await deliveries(hooks, webhook_id)
    assert (delivery["status"], delivery["lastError"]) == ("PENDING", "timed out after 0.2 s")


async def test_two_dispatchers_at_once_send_each_delivery_once(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=10)
    await register(hooks, receiver, ["ORDER_PLACED"])
    receiver.start()
    for _ in range(6):
        await hooks.checkout(("MUG", 1))
    first, second = WebhookDispatcher(hooks.settings), WebhookDispatcher(hooks.settings)
    attempted = await asyncio.gather(first.deliver_once(), second.deliver_once())
    assert sum(attempted) == 6
    assert len(receiver.requests) == len(receiver.accepted) == 6


async def test_order_events_reach_the_receiver(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=1, backorders="ALLOW_QTY_BELOW_ZERO")
    await register(hooks, receiver, ORDER_KINDS)
    receiver.start()
    first = await hooks.checkout(("MUG", 3))
    second = await hooks.checkout(("MUG", 1))
    await hooks.data('mutation { adjustStock(sku: "MUG", delta: 2) { sku } }')
    await hooks.data("mutation($n: String!) { shipOrder(number: $n) { number } }", {"n": first["number"]})
    await hooks.data("mutation($n: String!) { cancelOrder(number: $n) { number } }", {"n": second["number"]})
    await attempt_round(hooks.settings)

    seen = [(b["type"], b["data"]) for b in sorted(receiver.accepted.values(), key=lambda b: b["createdAt"])]
    assert [kind for kind, _ in seen] == [
        "ORDER_PLACED",
        "ORDER_PLACED",
        "BACKORDER_ALLOCATED",
        "ORDER_SHIPPED",
        "ORDER_CANCELED",
    ]
    placed, _, allocated, shipped, canceled = (data for _, data in seen)
    assert placed["lines"] == [{"sku": "MUG", "quantityOrdered": 3, "quantityBackordered": 2}]
    assert allocated == {"orderNumber": first["number"], "sku": "MUG"}
    assert shipped["orderNumber"] == first["number"] and shipped["lines"] == [{"sku": "MUG", "quantity": 3}]
    assert canceled == {
        "orderNumber": second["number"],
        "orderStatus": "CANCELED",
        "lines": [{"sku": "MUG", "quantityCanceled": 1}],
    }


async def test_only_subscribed_kinds_are_delivered_and_a_refused_checkout_sends_nothing(
    hooks: Api, receiver: Receiver
) -> None:
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_SHIPPED"])
    order = await hooks.checkout(("MUG", 1))
    assert (await hooks.checkout(("MUG", 99)))["__typename"] == "CheckoutRejected"
    assert await deliveries(hooks, webhook_id) == []
    await hooks.data("mutation($n: String!) { shipOrder(number: $n) { number } }", {"n": order["number"]})
    assert [d["event"] for d in await deliveries(hooks, webhook_id)] == ["ORDER_SHIPPED"]


async def test_deleting_a_webhook_drops_its_pending_deliveries(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=5)
    webhook_id = await register(hooks, receiver, ["ORDER_PLACED"])
    await hooks.checkout(("MUG", 1))
    await hooks.checkout(("MUG", 1))
    assert len(await deliveries(hooks, webhook_id, "PENDING")) == 2

    delete = "mutation($id: ID!) { deleteWebhook(id: $id) }"
    assert (await hooks.data(delete, {"id": webhook_id}))["deleteWebhook"] is True
    assert await deliveries(hooks, webhook_id) == []
    receiver.start()
    assert await attempt_round(hooks.settings) == 0
    await hooks.checkout(("MUG", 1))
    assert await attempt_round(hooks.settings) == 0
    assert receiver.requests == []
    assert (await hooks.data(delete, {"id": webhook_id}))["deleteWebhook"] is False
    assert (await hooks.data(delete, {"id": "999"}))["deleteWebhook"] is False
    [listed] = (await hooks.data("{ webhooks { id active } }"))["webhooks"]
    assert listed == {"id": webhook_id, "active": False}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://172.16.0.1/hooks",
        "http://172.31.255.254/hooks",
        "http://169.254.169.254/latest",
        "http://[fe80::1]/hooks",
        "http://[fd00::1]/hooks",
        "http://[fc00::1]/hooks",
        "http://[64:ff9b::7f00:1]/hooks",  # NAT64 to 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest",  # NAT64 to 169.254.169.254
        "http://[64:ff9b:1::a00:1]/hooks",  # local-use NAT64
        "http://[2002:7f00:1::1]/hooks",  # 6to4 from 127.0.0.1
        "http://[2002:a00:1::1]/hooks",  # 6to4 from 10.0.0.1
        "ftp://example.com/hooks",
        "not a url",
    ],
)
async def test_private_and_non_http_urls_are_refused_at_creation(api: Api, url: str) -> None:
    error = await api.error(CREATE, {"url": url, "events": ["ORDER_PLACED"]})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "url"}, error
    assert (await api.data("{ webhooks { id } }"))["webhooks"] == []


@pytest.mark.parametrize(
    "url", ["https://93.184.215.14/hooks", "https://[64:ff9b::5db8:d70e]/hooks", "https://[2002:5db8:d70e::1]/hooks"]
)
async def test_public_addresses_are_accepted_however_ipv6_carries_them(api: Api, url: str) -> None:
    """The same public IPv4 address, plain, through the well-known NAT64 prefix and through 6to4."""
    created = await api.data(CREATE, {"url": url, "events": ["ORDER_PLACED"]})
    assert created["createWebhook"]["webhook"]["url"] == url


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_private_target_is_refused_again_at_delivery(
    hooks: Api, receiver: Receiver, hook_settings: Settings, host: str
) -> None:
    """A host name is resolved again at each delivery: it may point elsewhere than at creation."""
    await hooks.create_product("MUG", quantity=5)
    created = await hooks.data(CREATE, {"url": receiver.url.replace("127.0.0.1", host), "events": ["ORDER_PLACED"]})
    webhook_id = created["createWebhook"]["webhook"]["id"]
    receiver.start()
    await hooks.checkout(("MUG", 1))
    strict = hook_settings.model_copy(update={"webhooks_allow_private": False})
    assert await attempt_round(strict) == 1
    [delivery] = await deliveries(hooks, webhook_id)
    assert delivery["status"] == "PENDING"
    assert delivery["lastError"].startswith(f"refused: host '{host}' resolves to a private")
    assert receiver.requests == []


async def test_webhooks_are_for_admins_and_deliveries_are_bounded(api: Api) -> None:
    anonymous = await api.error(CREATE, {"url": "https://example.com/", "events": ["ORDER_PLACED"]}, admin=False)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
    error = await api.error("{ webhookDeliveries(webhookId: 1, first: 0) { id } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    missing = await api.error("{ webhookDeliveries(webhookId: 1) { id } }")
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "webhookId"}
    no_events = await api.error(CREATE, {"url": "https://93.184.215.14/", "events": []})
    assert no_events["extensions"] == {"code": "BAD_USER_INPUT", "field": "events"}


async def test_stock_events_reach_webhooks_with_their_channel(hooks: Api, receiver: Receiver) -> None:
    await hooks.create_product("MUG", quantity=1)
    webhook_id = await register(hooks, receiver, ["OUT_OF_STOCK"])
    receiver.start()
    await hooks.checkout(("MUG", 1))
    await attempt_round(hooks.settings)
    [delivery] = await deliveries(hooks, webhook_id, "DELIVERED")
    assert delivery["event"] == "OUT_OF_STOCK"
    [body] = receiver.accepted.values()
    assert body["data"] | {"at": None} == {
        "sku": "MUG",
        "channel": "default",
        "stockStatus": "OUT_OF_STOCK",
        "isSalable": False,
        "salableQuantity": 0,
        "at": None,
    }
