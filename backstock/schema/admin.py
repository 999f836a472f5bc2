"""Operator types: outbox rows and stock movements."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backstock import models


@strawberry.type(description="An email in the outbox. [admin]")
class OutboxMessage:
    id: strawberry.ID
    kind: str
    reference: str
    recipients: list[str]
    subject: str
    status: models.OutboxStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None

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
    reason: models.MovementReason
    note: str | None
    order_number: str | None
    shipment_number: str | None
    created_at: datetime

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
