"""Operator types: outbox rows and stock movements."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backstock import models


@strawberry.type(description="An email in the outbox. [admin]")
class OutboxMessage:
    id: strawberry.ID = strawberry.field(description="Pass it to retryOutboxMessage.")
    kind: str = strawberry.field(
        description="Which email this is, e.g. order_confirmation, backorder_ready, low_stock."
    )
    reference: str = strawberry.field(description="What it is about: an order number or a SKU.")
    recipients: list[str] = strawberry.field(description="The addresses it goes to.")
    subject: str = strawberry.field(description="The email's subject line.")
    status: models.OutboxStatus = strawberry.field(description="Where it is in its delivery.")
    attempts: int = strawberry.field(description="How many times sending was tried.")
    last_error: str | None = strawberry.field(description="The SMTP error of the last failed attempt, or null.")
    next_attempt_at: datetime = strawberry.field(description="When the dispatcher tries it (again) while PENDING.")
    created_at: datetime = strawberry.field(description="When the change that calls for it was committed.")
    sent_at: datetime | None = strawberry.field(description="When the SMTP server accepted it, or null.")

    @classmethod
    def of(cls, row: models.OutboxMessage) -> OutboxMessage:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            reference=row.reference,
            recipients=list(row.recipients),
            subject=row.subject,
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )


@strawberry.type(description="One entry of the append-only stock ledger. [admin]")
class StockMovement:
    quantity_delta: int = strawberry.field(description="Change of units on hand.")
    reserved_delta: int = strawberry.field(description="Change of units reserved by orders.")
    reason: models.MovementReason = strawberry.field(description="Why the counters changed.")
    note: str | None = strawberry.field(description="The reason an admin gave (adjustStock), or null.")
    order_number: str | None = strawberry.field(
        description="The order that caused it (checkout, shipment, cancellation), or null."
    )
    shipment_number: str | None = strawberry.field(description="The shipment that caused it, or null.")
    created_at: datetime = strawberry.field(description="When the change was committed.")

    @classmethod
    def of(cls, row: models.StockMovement) -> StockMovement:
        """Expects order and shipment fetched."""
        return cls(
            quantity_delta=row.on_hand_delta,
            reserved_delta=row.reserved_delta,
            reason=row.reason,
            note=row.note,
            order_number=row.order.number if row.order else None,
            shipment_number=row.shipment.number if row.shipment else None,
            created_at=row.created_at,
        )
