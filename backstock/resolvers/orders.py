"""Reading orders: customers with number and email, admins with the number alone."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import F, Q, Subquery

from backstock.models import Order, OrderLine, Payment, Shipment
from backstock.resolvers import cursors, validation
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.keys import Access
from backstock.rules import OrderStatus

RELATED = ("lines", "shipments__lines", "shipments__sources__source", "payments")
MAX_PAGE = 100


@dataclass(frozen=True)
class OrderRecord:
    """An order with everything the Order type reads; lines and shipments in creation order."""

    order: Order
    lines: list[OrderLine]
    shipments: list[Shipment]
    payments: list[Payment]


def _record(order: Order) -> OrderRecord:
    return OrderRecord(
        order,
        sorted(order.lines, key=lambda line: line.id),
        sorted(order.shipments, key=lambda shipment: shipment.id),
        list(order.payments),
    )


async def load_order(order: Order) -> OrderRecord:
    """Fetches lines, shipments (with their lines and sources) and payments: a fixed number of queries."""
    await order.fetch_related(*RELATED)
    return _record(order)


async def find_order(number: str, email: str | None, access: Access) -> OrderRecord | None:
    """A wrong email answers exactly like an unknown number (null), so neither can be probed."""
    if email is None:
        access.require_admin()
    order = await Order.get_or_none(number=number) if validation.fits(Order, "number", number) else None
    if order is None or (email is not None and order.customer_email.lower() != email.strip().lower()):
        return None
    return await load_order(order)


@dataclass(frozen=True)
class OrderFilter:
    status: OrderStatus | None = None
    has_backorders: bool | None = None
    sku: str | None = None
    customer_email: str | None = None


@dataclass(frozen=True)
class OrderPage:
    records: list[OrderRecord]
    has_next_page: bool
    total_count: int


def _orders_with(lines: Q) -> Q:
    """Orders having a line that matches `lines`."""
    return Q(id__in=Subquery(OrderLine.filter(lines).values("order_id")))


def _status(status: OrderStatus) -> Q:
    """`rules.order_status` as SQL, line by line: CANCELED = every line fully cancelled, COMPLETE = every
    line shipped or cancelled (and not CANCELED), else PROCESSING. tests/test_orders_api.py checks
    that a listed order's status always equals the filter."""
    not_cancelled = _orders_with(Q(cancelled__lt=F("ordered")))
    open_units = _orders_with(Q(ordered__gt=F("shipped") + F("cancelled")))
    if status is OrderStatus.CANCELED:
        return ~not_cancelled
    if status is OrderStatus.COMPLETE:
        return not_cancelled & ~open_units
    return open_units


def _where(f: OrderFilter) -> Q:
    where = Q()
    if f.status is not None:
        where &= _status(f.status)
    if f.has_backorders is not None:
        backordered = _orders_with(Q(backordered__gt=0))
        where &= backordered if f.has_backorders else ~backordered
    if f.sku is not None:
        where &= _orders_with(Q(sku=f.sku))
    if f.customer_email is not None:
        where &= Q(customer_email__iexact=f.customer_email.strip())
    return where


async def list_orders(f: OrderFilter, first: int, after: str | None) -> OrderPage:
    """Newest first (what an admin looks at); a page and its total in six queries whatever its size."""
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}, got {first}", field="first")
    query = Order.filter(_where(f))
    total = await query.count()
    if after is not None:
        query = query.filter(id__lt=cursors.decode("order", after))
    rows = await query.order_by("-id").limit(first + 1).prefetch_related(*RELATED)
    return OrderPage([_record(order) for order in rows[:first]], len(rows) > first, total)
