"""Enqueueing emails: a row in the caller's transaction, so an email exists exactly when its cause does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from backstock.models import OutboxMessage, rows


@dataclass(frozen=True)
class Attachment:
    """A text file sent with an email, e.g. a purchase order's `<number>.csv`."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Message:
    kind: str
    reference: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str
    unsubscribe_token: str | None = None
    attachments: tuple[Attachment, ...] = ()


def _row(message: Message, now: datetime) -> rows.Values:
    return {
        "kind": message.kind,
        "reference": message.reference,
        "recipients": list(message.recipients),
        "subject": message.subject,
        "text_body": message.text,
        "html_body": message.html,
        "unsubscribe_token": message.unsubscribe_token,
        "attachments": [vars(a) for a in message.attachments] or None,
        "next_attempt_at": now,
    }


async def enqueue(messages: Sequence[Message]) -> None:
    """Writes the messages to the outbox in one INSERT; call inside the transaction of the change that causes them."""
    now = datetime.now(UTC)
    await rows.insert(OutboxMessage, [_row(m, now) for m in messages])
