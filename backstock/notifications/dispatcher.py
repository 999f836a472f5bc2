"""Sends the outbox over SMTP: claim due rows, send outside any transaction, record the result.

Claiming moves a row's next attempt a lease into the future in one short transaction
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so dispatchers in several processes never take
the same row); a dispatcher that dies mid-send leaves the row to be retried when the
lease ends. Each message gets its own outcome, recorded as soon as it is known: sent rows
are never picked again; a permanent refusal (5xx, an address the server cannot carry) is
FAILED until an admin retries or discards it; temporary failures back off exponentially up
to `retry_max_delay`. Every error is kept for the admin's outbox query.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock.models import OutboxMessage, OutboxStatus
from backstock.notifications.unsubscribe import add_unsubscribe
from backstock.settings import Settings, SmtpTls

log = logging.getLogger("backstock.dispatcher")
LEASE = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(UTC)


def build_email(row: OutboxMessage, sender: str, unsubscribe_url: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(row.recipients)
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Date"] = _now()
    if row.unsubscribe_token is not None:
        add_unsubscribe(message, row.text_body, row.html_body, row.unsubscribe_token, unsubscribe_url)
        return message
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    for attachment in row.attachments or ():
        subtype = attachment["content_type"].removeprefix("text/")
        message.add_attachment(attachment["content"], subtype=subtype, filename=attachment["filename"])
    return message


class Dispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def run(self, stop: asyncio.Event) -> None:
        """Sends until `stop` is set; after a round with nothing sent it waits `dispatch_interval`."""
        while not stop.is_set():
            try:
                sent = await self.dispatch_once()
            except Exception:
                log.exception("dispatch round failed; retrying after the interval")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.dispatch_interval)

    async def dispatch_once(self) -> int:
        """Sends every due row it can claim, one outcome per message; returns how many were sent."""
        rows = await self._claim()
        deliverable = [row for row in rows if row.recipients]
        for row in rows:
            if not row.recipients:
                log.warning("outbox %s (%s %s) has no recipients: not sent", row.id, row.kind, row.reference)
                await self._record(row, None, note="no recipients")
        sent = 0
        smtp: aiosmtplib.SMTP | None = None
        try:
            for position, row in enumerate(deliverable):
                if smtp is None or not smtp.is_connected:
                    smtp = await self._connect(deliverable[position:])
                    if smtp is None:
                        return sent
                sent += await self._send(smtp, row)
        finally:
            if smtp is not None and smtp.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    await smtp.quit()
        return sent

    async def _claim(self) -> list[OutboxMessage]:
        now = _now()
        async with in_transaction():
            due = OutboxMessage.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by("id")
            due = due.limit(self.settings.dispatch_batch_size)
            if not self.settings.is_sqlite:
                due = due.select_for_update(skip_locked=True)
            rows = await due
            if rows:
                await OutboxMessage.filter(id__in=[r.id for r in rows]).update(next_attempt_at=now + LEASE)
        return rows

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_tls is SmtpTls.TLS,
            start_tls=s.smtp_tls is SmtpTls.STARTTLS,
            timeout=s.smtp_timeout,
        )

    async def _connect(self, waiting: list[OutboxMessage]) -> aiosmtplib.SMTP | None:
        """A new connection; None when the server cannot be reached, each waiting row backing off with the error."""
        smtp = self._client()
        try:
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            for row in waiting:
                await self._record(row, _describe(exc))
            log.warning("SMTP unavailable (%s); %d emails wait for the next attempt", _describe(exc), len(waiting))
            return None
        return smtp

    async def _send(self, smtp: aiosmtplib.SMTP, row: OutboxMessage) -> int:
        """Records this message's outcome at once, so a failure of another can never send it again."""
        try:
            refused, _ = await smtp.send_message(
                build_email(row, self.settings.mail_from, self.settings.unsubscribe_url)
            )
        except (aiosmtplib.SMTPException, OSError, ValueError) as exc:
            final = _is_permanent(exc)
            await self._record(row, _describe(exc), final=final)
            outcome = "FAILED" if final else "will retry"
            log.warning("outbox %s (%s %s) %s: %s", row.id, row.kind, row.reference, outcome, _describe(exc))
            if not final:
                smtp.close()  # in an unknown state: the next message opens a new connection
            return 0
        note = "; ".join(f"{address} refused: {reply.code} {reply.message}" for address, reply in refused.items())
        await self._record(row, None, note=note or None)
        return 1

    async def _record(
        self, row: OutboxMessage, error: str | None, note: str | None = None, final: bool = False
    ) -> None:
        """A permanent failure is final (FAILED: retrying cannot help until an admin says so)."""
        now = _now()
        if error is None:
            await OutboxMessage.filter(id=row.id).update(
                status=OutboxStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=note
            )
            return
        attempts = row.attempts + 1
        delay = min(self.settings.retry_max_delay, self.settings.retry_base_delay * 2 ** (attempts - 1))
        await OutboxMessage.filter(id=row.id).update(
            status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
            attempts=attempts,
            last_error=error,
            next_attempt_at=now + timedelta(seconds=delay),
        )


def _is_permanent(exc: Exception) -> bool:
    """Retrying cannot help: every recipient refused for good, a 5xx reply, an address the server
    cannot carry (non-ASCII without SMTPUTF8) or a message that cannot be built (ValueError)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(refusal.code >= 500 for refusal in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code >= 500
    return isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
