"""The dispatcher against real aiosmtpd servers: one outcome per message, never a second send."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from backstock.models import OutboxMessage, OutboxStatus
from backstock.notifications.dispatcher import Dispatcher
from backstock.notifications.outbox import Message, enqueue
from backstock.settings import Settings
from harness.mailserver import MailServer
from tests.api import Api

INTERNATIONAL = "josé@exämple.com"


@pytest.fixture
def ascii_only_relay() -> Iterator[MailServer]:
    """A relay that does not offer SMTPUTF8, as many still do not."""
    server = MailServer(smtputf8=False)
    server.start()
    yield server
    server.stop()


async def _confirmations(*recipients: str) -> None:
    await enqueue(
        [
            Message("order_confirmation", f"R-{n}", (to,), f"Your order R-{n}", "Thanks.", "<p>Thanks.</p>")
            for n, to in enumerate(recipients, start=1)
        ]
    )


async def test_an_unsendable_address_fails_alone_and_nothing_is_sent_twice(
    api: Api, settings: Settings, ascii_only_relay: MailServer
) -> None:
    await _confirmations("ann@example.com", INTERNATIONAL, "bob@example.com")
    dispatcher = Dispatcher(settings.model_copy(update={"smtp_port": ascii_only_relay.port}))
    assert await dispatcher.dispatch_once() == 2
    for _ in range(3):  # later rounds, each after every backoff would have ended
        await asyncio.sleep(settings.retry_max_delay * 2)
        assert await dispatcher.dispatch_once() == 0
    assert [to for _, [to] in ascii_only_relay.envelopes] == ["ann@example.com", "bob@example.com"]
    rows = {row.recipients[0]: row for row in await OutboxMessage.all()}
    assert rows["ann@example.com"].status == rows["bob@example.com"].status == OutboxStatus.SENT
    failed = rows[INTERNATIONAL]
    assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, 1)
    assert "SMTPUTF8" in (failed.last_error or "")


async def test_a_relay_with_smtputf8_gets_the_international_address(api: Api, mail_server: MailServer) -> None:
    await _confirmations(INTERNATIONAL)
    assert await api.send_mail() == 1
    assert mail_server.envelopes[0][1] == [INTERNATIONAL]


async def test_a_temporary_refusal_is_retried_and_the_others_are_sent(
    api: Api, settings: Settings, mail_server: MailServer
) -> None:
    await _confirmations("ann@example.com", "busy@example.com", "bob@example.com")
    mail_server.deferred.add("busy@example.com")
    try:
        assert await api.send_mail() == 2
    finally:
        mail_server.deferred.clear()
    busy = await OutboxMessage.get(reference="R-2")
    assert (busy.status, busy.attempts) == (OutboxStatus.PENDING, 1)
    assert "451" in (busy.last_error or "")
    await asyncio.sleep(settings.retry_max_delay * 2)
    assert await api.send_mail() == 1
    assert [to for _, [to] in mail_server.envelopes] == ["ann@example.com", "bob@example.com", "busy@example.com"]


async def test_an_admin_discards_a_message(api: Api, settings: Settings, ascii_only_relay: MailServer) -> None:
    await _confirmations(INTERNATIONAL, "ann@example.com")
    await Dispatcher(settings.model_copy(update={"smtp_port": ascii_only_relay.port})).dispatch_once()
    failed, sent = await OutboxMessage.all().order_by("id")
    discarded = await api.data(f'mutation {{ discardOutboxMessage(id: "{failed.id}") {{ status }} }}')
    assert discarded["discardOutboxMessage"] == {"status": "DISCARDED"}
    listed = await api.data("{ outboxMessages(status: DISCARDED) { id } }")
    assert listed["outboxMessages"] == [{"id": str(failed.id)}]
    already = await api.error(f'mutation {{ discardOutboxMessage(id: "{sent.id}") {{ status }} }}')
    assert already["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    missing = await api.error('mutation { discardOutboxMessage(id: "999999") { status } }')
    assert missing["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    too_large = await api.error(f'mutation {{ discardOutboxMessage(id: "{"9" * 300}") {{ status }} }}')
    assert too_large["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    bad = await api.error('mutation { discardOutboxMessage(id: "12a") { status } }')
    assert bad["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    anonymous = await api.error(f'mutation {{ discardOutboxMessage(id: "{failed.id}") {{ status }} }}', admin=False)
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"
