"""What operators read: the outbox and the stock ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from backstock.models import OutboxMessage, OutboxStatus, Product, StockMovement
from backstock.resolvers.errors import BadUserInput, NotFound, unknown_sku

MAX_ROWS = 500


def _limit(first: int) -> int:
    if not 1 <= first <= MAX_ROWS:
        raise BadUserInput(f"first must be between 1 and {MAX_ROWS}, got {first}", field="first")
    return first


async def outbox(status: OutboxStatus | None, first: int) -> list[OutboxMessage]:
    """Newest first, so a failing SMTP relay shows at the top."""
    query = OutboxMessage.all() if status is None else OutboxMessage.filter(status=status)
    return await query.order_by("-id").limit(_limit(first))


async def movements(sku: str, since: date | None, first: int) -> list[StockMovement]:
    product = await Product.get_or_none(sku=sku)
    if product is None:
        raise unknown_sku(sku)
    query = StockMovement.filter(product_id=product.id)
    if since is not None:
        query = query.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    return await query.order_by("-id").limit(_limit(first)).prefetch_related("order", "shipment")


def _outbox_id(message_id: str) -> int:
    """Digits only, and few enough for the 64-bit column."""
    if not (message_id.isascii() and message_id.isdigit()) or len(message_id) > 18:
        raise BadUserInput(f"id: {message_id[:40]!r} is not an outbox message id", field="id")
    return int(message_id)


async def retry_outbox(message_id: str) -> OutboxMessage:
    """An admin's "send it again now": the row becomes due at once, its history kept."""
    row_id = _outbox_id(message_id)
    updated = await OutboxMessage.filter(id=row_id).update(
        status=OutboxStatus.PENDING, next_attempt_at=datetime.now(UTC)
    )
    if not updated:
        raise NotFound(f"id: no outbox message {message_id}", field="id")
    return await OutboxMessage.get(id=row_id)


async def discard_outbox(message_id: str) -> OutboxMessage:
    """An admin's "never send this": one conditional update, so a message sent meanwhile stays SENT."""
    row_id = _outbox_id(message_id)
    updated = (
        await OutboxMessage.filter(id=row_id).exclude(status=OutboxStatus.SENT).update(status=OutboxStatus.DISCARDED)
    )
    if not updated:
        if await OutboxMessage.exists(id=row_id):
            raise BadUserInput(f"id: outbox message {message_id} was already sent", field="id")
        raise NotFound(f"id: no outbox message {message_id}", field="id")
    return await OutboxMessage.get(id=row_id)
