"""Email through the app: the outbox written with each change, sent to a real SMTP server."""

from __future__ import annotations

import asyncio

from backstock.models import OutboxMessage, OutboxStatus
from backstock.notifications.dispatcher import Dispatcher
from harness.mailserver import MailServer
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
RECIPIENTS = (
    'mutation { updateInventoryConfig(input: {lowStockRecipients: ["ops@example.com"]}) { lowStockRecipients } }'
)


def plain(message: object) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined,no-any-return]


async def test_confirmation_carries_the_backorder_notice(api: Api, mail_server: MailServer) -> None:
    await api.create_product("BAG", quantity=1, backorders=NOTIFY)
    number = (await api.checkout(("BAG", 3), email="sam@example.com"))["number"]
    assert await api.send_mail() == 1
    [message] = mail_server.messages
    assert (message["To"], message["Subject"]) == ("sam@example.com", f"Your order {number} is confirmed")
    assert "we'll back order the remaining 2." in plain(message)
    assert "back order the remaining 2." in message.get_body(("html",)).get_content()  # type: ignore[union-attr]


async def test_backorder_ready_when_every_unit_is_allocated(api: Api, mail_server: MailServer) -> None:
    await api.create_product("BAG", quantity=0, backorders=NOTIFY)
    number = (await api.checkout(("BAG", 3)))["number"]
    await api.data('mutation { adjustStock(sku: "BAG", delta: 2) { sku } }')
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == [f"Your order {number} is confirmed"]
    await api.data('mutation { adjustStock(sku: "BAG", delta: 1) { sku } }')
    await api.send_mail()
    assert mail_server.messages[-1]["Subject"] == f"Your backorder for order {number} is ready to ship"


async def test_silent_mode_sends_no_ready_email(api: Api, mail_server: MailServer) -> None:
    await api.create_product("LAMP", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO")
    await api.checkout(("LAMP", 2))
    await api.data('mutation { adjustStock(sku: "LAMP", delta: 5) { sku } }')
    await api.send_mail()
    assert [m["Subject"].split()[0] for m in mail_server.messages] == ["Your"]
    assert "order" in mail_server.messages[0]["Subject"]


async def test_low_stock_fires_once_for_the_seed_example(api: Api, mail_server: MailServer) -> None:
    await api.data(RECIPIENTS)
    await api.create_product(
        "BAG", quantity=25, backorders=NOTIFY, outOfStockThreshold=-50, notifyForQuantityBelow=10, onlyXLeftThreshold=5
    )
    for _ in range(14):
        await api.checkout(("BAG", 1))
    await api.send_mail()
    assert not [m for m in mail_server.messages if m["To"] == "ops@example.com"]
    for _ in range(10):  # the 15th unit leaves 10: one alert, then none while it stays low
        await api.checkout(("BAG", 1))
    await api.send_mail()
    alerts = [m for m in mail_server.messages if m["To"] == "ops@example.com"]
    assert [m["Subject"] for m in alerts] == ["Low stock: BAG"]
    assert "10 left" in plain(alerts[0])


async def test_low_stock_rearms_when_stock_rises(api: Api, mail_server: MailServer) -> None:
    await api.data(RECIPIENTS)
    await api.create_product("MUG", quantity=5, notifyForQuantityBelow=2)
    await api.data('mutation { adjustStock(sku: "MUG", delta: -3) { isLowStock } }')
    await api.data('mutation { adjustStock(sku: "MUG", delta: 10) { isLowStock } }')
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 1) { isLowStock } }')
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == ["Low stock: MUG", "Low stock: MUG"]


async def test_smtp_outage_loses_nothing_and_sends_once(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=10)
    mail_server.stop()
    try:
        numbers = [(await api.checkout(("MUG", 1), email=f"c{i}@example.com"))["number"] for i in range(5)]
        assert await api.send_mail() == 0
        rows = await OutboxMessage.all()
        assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.PENDING, 1)}
        assert all("Connect" in (r.last_error or "") or "refused" in (r.last_error or "") for r in rows)
        listed = await api.data("{ outboxMessages(status: PENDING) { status attempts lastError } }")
        assert len(listed["outboxMessages"]) == 5
    finally:
        mail_server.start()
    await asyncio.sleep(0.1)  # the backoff after one failure (retry_base_delay in the test settings)
    dispatchers = [Dispatcher(api.settings) for _ in range(3)]
    await asyncio.gather(*(d.dispatch_once() for d in dispatchers))
    await asyncio.gather(*(d.dispatch_once() for d in dispatchers))
    subjects = sorted(m["Subject"] for m in mail_server.messages)
    assert subjects == sorted(f"Your order {n} is confirmed" for n in numbers)
    assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == 5


async def test_admin_can_retry_a_message(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=10)
    await api.checkout(("MUG", 1))
    await api.send_mail()
    [row] = await OutboxMessage.all()
    retried = await api.data(f'mutation {{ retryOutboxMessage(id: "{row.id}") {{ status attempts }} }}')
    assert retried["retryOutboxMessage"] == {"status": "PENDING", "attempts": 1}
    await api.send_mail()
    assert len(mail_server.messages) == 2
    missing = await api.error('mutation { retryOutboxMessage(id: "999999") { status } }')
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "id"}


async def test_no_recipients_is_logged_not_an_error(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=3, notifyForQuantityBelow=2)
    await api.data('mutation { adjustStock(sku: "MUG", delta: -2) { sku } }')
    await api.send_mail()
    row = await OutboxMessage.get(kind="low_stock")
    assert (row.status, row.last_error) == (OutboxStatus.SENT, "no recipients")
    assert mail_server.messages == []


async def test_checkout_does_not_wait_for_smtp(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=3)
    mail_server.stop()
    try:
        assert (await api.checkout(("MUG", 1)))["status"] == "PROCESSING"
    finally:
        mail_server.start()
    assert await OutboxMessage.filter(status=OutboxStatus.PENDING).count() == 1


async def test_a_refused_recipient_fails_until_an_admin_retries(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=5)
    mail_server.refused.add("gone@example.com")
    try:
        await api.checkout(("MUG", 1), email="gone@example.com")
        await api.send_mail()
        failed = await api.data("{ outboxMessages(status: FAILED) { id attempts lastError } }")
        [row] = failed["outboxMessages"]
        assert "gone@example.com" in row["lastError"]
        await api.send_mail()
        assert (await OutboxMessage.get(id=int(row["id"]))).attempts == 1
    finally:
        mail_server.refused.clear()
    await api.data(f'mutation {{ retryOutboxMessage(id: "{row["id"]}") {{ status }} }}')
    await api.send_mail()
    assert [m["To"] for m in mail_server.messages] == ["gone@example.com"]
