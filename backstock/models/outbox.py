"""Emails waiting to be sent, written in the same transaction as the change that causes them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxStatus(StrEnum):
    """FAILED waits for an admin (retry or discard); DISCARDED is never sent. A varchar: no migration."""

    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    DISCARDED = "DISCARDED"


class OutboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    reference = fields.CharField(max_length=100)
    recipients: fields.Field[list[str]] = fields.JSONField()
    subject = fields.CharField(max_length=255)
    text_body = fields.TextField()
    html_body = fields.TextField()
    # The dispatcher builds the unsubscribe link from it when sending (see `notifications.unsubscribe`).
    unsubscribe_token = fields.CharField(max_length=64, null=True)
    # Each {"filename", "content_type", "content"} (text); null: none (rows written before attachments existed).
    attachments: fields.Field[list[dict[str, str]] | None] = fields.JSONField(null=True)
    status = fields.CharEnumField(OutboxStatus, max_length=10, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    next_attempt_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)
