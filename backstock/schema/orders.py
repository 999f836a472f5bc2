"""Order types: lines with their unit counts, shipments, and checkout's result union."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from backstock import models, rules
from backstock.resolvers.orders import OrderRecord


@strawberry.type
class LineError:
    sku: str
    code: rules.LineErrorCode
    message: str

    @classmethod
    def of(cls, error: rules.LineError) -> LineError:
        return cls(sku=error.sku, code=error.code, message=error.message)


@strawberry.type
class QuoteLine:
    sku: str
    requested_quantity: int
    in_stock_quantity: int = strawberry.field(description="Units that would ship from stock on hand.")
    backordered_quantity: int = strawberry.field(description="Units that would be backordered.")
    message: str | None = strawberry.field(
        description="The backorder notice for this line (notify mode only), else null."
    )
    error: LineError | None

    @classmethod
    def of(cls, d: rules.LineDecision) -> QuoteLine:
        return cls(
            sku=d.sku,
            requested_quantity=d.requested,
            in_stock_quantity=d.in_stock,
            backordered_quantity=d.backordered,
            message=d.notice,
            error=LineError.of(d.error) if d.error else None,
        )


@strawberry.type
class Quote:
    lines: list[QuoteLine]
    is_orderable: bool = strawberry.field(description="True when every line can be ordered as asked.")


@strawberry.type
class OrderLine:
    sku: str
    name: str
    quantity_ordered: int
    quantity_backordered: int = strawberry.field(description="Units still waiting for stock.")
    quantity_ready_to_ship: int = strawberry.field(description="Units allocated from stock and not yet shipped.")
    quantity_shipped: int
    quantity_canceled: int
    backorder_message: str | None = strawberry.field(description="The backorder notice given at checkout, if any.")

    @classmethod
    def of(cls, line: models.OrderLine) -> OrderLine:
        return cls(
            sku=line.sku,
            name=line.name,
            quantity_ordered=line.ordered,
            quantity_backordered=line.backordered,
            quantity_ready_to_ship=line.ready,
            quantity_shipped=line.shipped,
            quantity_canceled=line.cancelled,
            backorder_message=line.backorder_message,
        )


@strawberry.type
class ShipmentLine:
    sku: str
    quantity: int


@strawberry.type(description="Units of one SKU a shipment took from one source.")
class ShipmentSource:
    source: str = strawberry.field(description="Code of the source the units left.")
    sku: str
    quantity: int


@strawberry.type
class Shipment:
    number: str
    created_at: datetime
    lines: list[ShipmentLine]
    sources: list[ShipmentSource] = strawberry.field(description="Where the shipped units were taken from.")

    @classmethod
    def of(cls, shipment: models.Shipment) -> Shipment:
        """Expects lines and sources (with their source) fetched."""
        return cls(
            number=shipment.number,
            created_at=shipment.created_at,
            lines=[ShipmentLine(sku=line.sku, quantity=line.quantity) for line in shipment.lines],
            sources=[
                ShipmentSource(source=row.source.code, sku=row.sku, quantity=row.quantity)
                for row in sorted(shipment.sources, key=lambda row: row.id)
            ],
        )


@strawberry.type
class Order:
    number: str
    status: rules.OrderStatus
    created_at: datetime
    customer_email: str
    grand_total: Decimal
    payment_status: rules.PaymentStatus
    has_backorders: bool
    lines: list[OrderLine]
    shipments: list[Shipment]
    channel: str = strawberry.field(description="The sales channel the order came through.")

    @classmethod
    def of(cls, record: OrderRecord) -> Order:
        order, lines = record.order, record.lines
        amounts = {kind: Decimal(0) for kind in models.PaymentKind}
        for payment in record.payments:
            amounts[payment.kind] += payment.amount
        return cls(
            number=order.number,
            status=rules.order_status([rules.LineProgress(ln.ordered, ln.shipped, ln.cancelled) for ln in lines]),
            created_at=order.created_at,
            customer_email=order.customer_email,
            grand_total=order.grand_total,
            payment_status=rules.payment_status(
                amounts[models.PaymentKind.CAPTURE], amounts[models.PaymentKind.REFUND]
            ),
            has_backorders=any(ln.backordered for ln in lines),
            lines=[OrderLine.of(ln) for ln in lines],
            shipments=[Shipment.of(s) for s in record.shipments],
            channel=order.channel,
        )


@strawberry.type
class CheckoutRejected:
    errors: list[LineError]


CheckoutResult = Annotated[Order | CheckoutRejected, strawberry.union("CheckoutResult")]
