"""Webhooks: registering, deleting and listing them, and reading their deliveries."""

from __future__ import annotations

import re
import secrets

from tortoise.transactions import in_transaction

from backstock.events import addresses
from backstock.models import DeliveryStatus, EventKind, Webhook, WebhookDelivery
from backstock.resolvers.errors import BadUserInput, NotFound

SECRET_PREFIX = "whsec_"
MAX_ID = 2**31 - 1
MAX_DELIVERIES = 200


async def create_webhook(url: str, kinds: list[EventKind], allow_private: bool) -> tuple[Webhook, str]:
    """The webhook and its signing secret (256 random bits), which the caller shows once."""
    url = url.strip()
    try:
        await addresses.check(url, allow_private)
    except addresses.RefusedUrl as exc:
        raise BadUserInput(f"url: {exc}", field="url") from None
    if not kinds:
        raise BadUserInput("events: name at least one event kind", field="events")
    secret = SECRET_PREFIX + secrets.token_hex(32)
    events = [str(kind) for kind in dict.fromkeys(kinds)]
    return await Webhook.create(url=url, events=events, secret=secret), secret


def _number(webhook_id: str) -> int | None:
    return int(webhook_id) if re.fullmatch(r"[0-9]{1,10}", webhook_id) and int(webhook_id) <= MAX_ID else None


async def delete_webhook(webhook_id: str) -> bool:
    """Deactivates the webhook and drops its pending deliveries; false when no active webhook has this id.

    Delivered and failed deliveries stay, so what the receiver was sent remains readable.
    """
    number = _number(webhook_id)
    if number is None:
        return False
    async with in_transaction():
        if not await Webhook.filter(id=number, active=True).update(active=False):
            return False
        await WebhookDelivery.filter(webhook_id=number, status=DeliveryStatus.PENDING).delete()
    return True


async def list_webhooks() -> list[Webhook]:
    return await Webhook.all().order_by("id")


async def deliveries(webhook_id: str, status: DeliveryStatus | None, first: int) -> list[WebhookDelivery]:
    """Newest first, so a failing receiver shows at the top."""
    if not 1 <= first <= MAX_DELIVERIES:
        raise BadUserInput(f"first must be between 1 and {MAX_DELIVERIES}, got {first}", field="first")
    number = _number(webhook_id)
    if number is None or not await Webhook.exists(id=number):
        raise NotFound(f"webhookId: no webhook {webhook_id!r}", field="webhookId")
    query = WebhookDelivery.filter(webhook_id=number)
    if status is not None:
        query = query.filter(status=status)
    return await query.order_by("-id").limit(first).select_related("event")
