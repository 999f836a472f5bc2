"""Reading orders: customers with number and email, admins with the number alone."""

from __future__ import annotations

from dataclasses import dataclass

from backstock.models import Order, OrderLine, Payment, Shipment
from backstock.resolvers import validation
from backstock.resolvers.keys import Access


@dataclass(frozen=True)
class OrderRecord:
    """An order with everything the Order type reads; lines and shipments in creation order."""

    order: Order
    lines: list[OrderLine]
    shipments: list[Shipment]
    payments: list[Payment]


async def load_order(order: Order) -> OrderRecord:
    """Fetches lines, shipments (with their lines and sources) and payments: a fixed number of queries."""
    await order.fetch_related("lines", "shipments__lines", "shipments__sources__source", "payments")
    return OrderRecord(
        order,
        sorted(order.lines, key=lambda line: line.id),
        sorted(order.shipments, key=lambda shipment: shipment.id),
        list(order.payments),
    )


async def find_order(number: str, email: str | None, access: Access) -> OrderRecord | None:
    """A wrong email answers exactly like an unknown number (null), so neither can be probed."""
    if email is None:
        access.require_admin()
    order = await Order.get_or_none(number=number) if validation.fits(Order, "number", number) else None
    if order is None or (email is not None and order.customer_email.lower() != email.strip().lower()):
        return None
    return await load_order(order)
