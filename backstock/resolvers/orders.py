"""Reading orders: customers with number and email, admins with the number alone."""

from __future__ import annotations

from backstock.models import Order
from backstock.resolvers.errors import Unauthenticated

RELATED = ("lines", "shipments__lines", "payments")


async def find_order(number: str, email: str | None, is_admin: bool) -> Order | None:
    """A wrong email answers exactly like an unknown number (null), so neither can be probed."""
    if email is None and not is_admin:
        raise Unauthenticated("order: without `email`, reading an order needs the admin token")
    order = await Order.get_or_none(number=number).prefetch_related(*RELATED)
    if order is None or (email is not None and order.customer_email.lower() != email.strip().lower()):
        return None
    return order


async def load_order(order: Order) -> Order:
    """The order with what the Order type reads (lines, shipments, payments) fetched in a few queries."""
    await order.fetch_related(*RELATED)
    return order
