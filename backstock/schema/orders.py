"""Order types: lines with their unit counts, shipments, and checkout's result union."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import models, rules
from backstock.resolvers import alternatives
from backstock.resolvers.groups import Terms
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.orders import OrderRecord
from backstock.schema import dates
from backstock.schema.catalog import Product
from backstock.schema.context import Context


@strawberry.type(description="Why one line of a quote or checkout is refused.")
class LineError:
    sku: str = strawberry.field(description="The SKU of the refused line.")
    code: rules.LineErrorCode = strawberry.field(description="Which rule refused it.")
    message: str = strawberry.field(
        description='A sentence for the shopper (Magento\'s wording), e.g. "The fewest you may purchase is 2."'
    )

    asked: strawberry.Private[Asked | None] = None

    @strawberry.field(
        description=f"The first {alternatives.ON_REFUSAL} salable alternatives (for the request's group and channel) "
        "for OUT_OF_STOCK and NOT_ENOUGH_STOCK refusals, so a storefront can offer one at once; empty for other codes."
    )
    async def alternatives(self, info: Info[Context, None]) -> list[Product]:
        if self.asked is None or self.code not in alternatives.REFUSALS_WITH_ALTERNATIVES:
            return []
        shelf = alternatives.Shelf(self.sku, await stock_of_channel(self.asked.channel), self.asked.store)
        listed = await info.context.alternatives_loader.load(shelf)
        return [
            Product.of(view, info.context.access) for view in alternatives.pick(listed, True, alternatives.ON_REFUSAL)
        ]

    @classmethod
    def of(cls, error: rules.LineError, asked: Asked | None = None) -> LineError:
        return cls(sku=error.sku, code=error.code, message=error.message, asked=asked)


@dataclass(frozen=True)
class Asked:
    """Where and for whom a quote or checkout was asked: what its refusals' alternatives are read for."""

    channel: str | None
    store: Terms


@strawberry.type(description="What checkout would do with one SKU of the cart.")
class QuoteLine:
    sku: str = strawberry.field(description="The line's SKU.")
    requested_quantity: int = strawberry.field(description="Units asked for (lines with the same SKU added up).")
    in_stock_quantity: int = strawberry.field(description="Units that would ship from stock on hand.")
    backordered_quantity: int = strawberry.field(description="Units that would be backordered.")
    message: str | None = strawberry.field(
        description="The backorder notice for this line (notify mode only), else null."
    )
    error: LineError | None = strawberry.field(
        description="Why the line would be refused, or null when it can be ordered."
    )
    expected_ship_date: date | None = strawberry.field(
        description="When the line's last waiting unit is expected to ship; null when nothing waits or unknown "
        "(and for shoppers in silent mode)."
    )

    @classmethod
    def of(cls, d: rules.LineDecision, expected_ship_date: date | None, asked: Asked | None = None) -> QuoteLine:
        return cls(
            expected_ship_date=expected_ship_date,
            sku=d.sku,
            requested_quantity=d.requested,
            in_stock_quantity=d.in_stock,
            backordered_quantity=d.backordered,
            message=d.notice,
            error=LineError.of(d.error, asked) if d.error else None,
        )


@strawberry.type(description="What checkout would decide for each line now; reserves nothing.")
class Quote:
    lines: list[QuoteLine] = strawberry.field(description="One per SKU, in the order SKUs first appear in the input.")
    is_orderable: bool = strawberry.field(description="True when every line can be ordered as asked.")


@strawberry.type(description="One SKU of an order and where its units are.")
class OrderLine:
    sku: str = strawberry.field(description="The product's SKU.")
    name: str = strawberry.field(description="The product's name when the order was placed.")
    quantity_ordered: int = strawberry.field(
        description="Units ordered: shipped + canceled + ready to ship + backordered."
    )
    quantity_backordered: int = strawberry.field(description="Units still waiting for stock.")
    quantity_ready_to_ship: int = strawberry.field(description="Units allocated from stock and not yet shipped.")
    quantity_shipped: int = strawberry.field(description="Units shipped.")
    quantity_canceled: int = strawberry.field(description="Units cancelled (and refunded).")
    backorder_message: str | None = strawberry.field(description="The backorder notice given at checkout, if any.")
    is_preorder: bool = strawberry.field(description="True for units ordered before the product's release date.")
    row: strawberry.Private[models.OrderLine]

    @strawberry.field(
        description="When the units still waiting are expected to ship; null when none wait or unknown "
        "(and for shoppers in silent mode)."
    )
    async def expected_ship_date(self, info: Info[Context, None]) -> date | None:
        return await dates.order_line_date(info, self.row)

    @classmethod
    def of(cls, line: models.OrderLine) -> OrderLine:
        return cls(
            row=line,
            sku=line.sku,
            name=line.name,
            quantity_ordered=line.ordered,
            quantity_backordered=line.backordered,
            quantity_ready_to_ship=line.ready,
            quantity_shipped=line.shipped,
            quantity_canceled=line.cancelled,
            is_preorder=line.is_preorder,
            backorder_message=line.backorder_message,
        )


@strawberry.type(description="Units of one SKU in a shipment.")
class ShipmentLine:
    sku: str = strawberry.field(description="The product's SKU.")
    quantity: int = strawberry.field(description="Units shipped in this shipment.")


@strawberry.type(description="Units of one SKU a shipment took from one source.")
class ShipmentSource:
    source: str = strawberry.field(description="Code of the source the units left.")
    sku: str = strawberry.field(description="The SKU shipped.")
    quantity: int = strawberry.field(description="Units of it taken from that source.")


@strawberry.type(description="Units that left the warehouse together.")
class Shipment:
    number: str = strawberry.field(
        description="The order number followed by the shipment's position, e.g. BS-1A2B3C4D5E-1."
    )
    created_at: datetime = strawberry.field(description="When the units were shipped.")
    lines: list[ShipmentLine] = strawberry.field(description="What was shipped.")
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


@strawberry.type(description="A placed order: its lines with their unit counts, shipments and payment.")
class Order:
    number: str = strawberry.field(
        description="The order's number; with the customer's email it lets the customer read the order."
    )
    status: rules.OrderStatus = strawberry.field(description="Where the order is in its life.")
    created_at: datetime = strawberry.field(description="When the order was placed.")
    customer_email: str = strawberry.field(description="Where the order's emails go.")
    grand_total: Decimal = strawberry.field(description="The price of every unit ordered, captured at checkout.")
    payment_status: rules.PaymentStatus = strawberry.field(description="What was captured and refunded.")
    has_backorders: bool = strawberry.field(description="Whether some units still wait for stock.")
    lines: list[OrderLine] = strawberry.field(description="One per SKU, in the order of the checkout.")
    shipments: list[Shipment] = strawberry.field(description="The order's shipments, oldest first.")
    channel: str = strawberry.field(description="The sales channel the order came through.")
    customer_group: str = strawberry.field(description="The customer group the order was placed for (GUEST: none).")

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
            customer_group=order.customer_group,
        )


@strawberry.type(description="Checkout refused some lines, so nothing was ordered: fix them and check out again.")
class CheckoutRejected:
    errors: list[LineError] = strawberry.field(description="Every refused line; nothing was reserved or charged.")


CheckoutResult = Annotated[
    Order | CheckoutRejected,
    strawberry.union("CheckoutResult", description="The placed Order, or CheckoutRejected with every refused line."),
]
