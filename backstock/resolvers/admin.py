"""What operators read: the outbox and the stock ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from backstock.models import OutboxMessage, OutboxStatus, Product, StockMovement
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput, NotFound, unknown_sku

MAX_ROWS = 500
MAX_ID = 2**63 - 1  # outbox ids are BIGINT: a larger number cannot even be compared with one


def _limit(first: int) -> int:
    if not 1 <= first <= MAX_ROWS:
        raise BadUserInput(f"first must be between 1 and {MAX_ROWS}, got {first}", field="first")
    return first


async def outbox(status: OutboxStatus | None, first: int) -> list[OutboxMessage]:
    """Newest first, so a failing SMTP relay shows at the top."""
    query = OutboxMessage.all() if status is None else OutboxMessage.filter(status=status)
    return await query.order_by("-id").limit(_limit(first))


async def movements(sku: str, since: date | None, first: int) -> list[StockMovement]:
    product = await Product.get_or_none(sku=sku) if validation.fits(Product, "sku", sku) else None
    if product is None:
        raise unknown_sku(sku)
    query = StockMovement.filter(product_id=product.id)
    if since is not None:
        query = query.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=UTC))
    return await query.order_by("-id").limit(_limit(first)).prefetch_related("order", "shipment")


def _outbox_id(message_id: str) -> int:
    """Digits only; a number past the BIGINT column cannot name a message (and cannot be compared with one)."""
    if not (message_id.isascii() and message_id.isdigit()):
        raise BadUserInput(f"id: {message_id[:40]!r} is not an outbox message id", field="id")
    if len(message_id) > len(str(MAX_ID)) or int(message_id) > MAX_ID:
        raise NotFound("id: no outbox message has so large an id", field="id")
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
