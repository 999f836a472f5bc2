"""Customer cancellation of units that still wait for stock (DESIGN.md 7.1).

The customer proves the order with its number and email; a wrong email answers exactly like an
unknown number, so neither can be probed. Only waiting units go (never ready or shipped ones),
refunded at once through the same cancellation an admin's uses. The order's stock items are
locked before its lines are read, so concurrent requests cancel each waiting unit once.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from backstock.models import Order, StoreConfig
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput, Forbidden, NotFound
from backstock.resolvers.fulfilment import cancel_units, lock_order, requested, waiting


async def cancel_backordered_units(
    number: str, email: str, asked: Sequence[tuple[str, int]] | None, config: StoreConfig
) -> Order:
    """Without `asked`, every waiting unit of the order."""
    if not config.customers_may_cancel_backorders:
        raise Forbidden("This store does not let customers cancel backordered units; contact the merchant")
    order = await Order.get_or_none(number=number) if validation.fits(Order, "number", number) else None
    if order is None or order.customer_email.lower() != email.strip().lower():
        raise NotFound(f"number: no order {number!r} with this email", field="number")
    async with in_transaction():
        lines, items = await lock_order(order)
        plan = requested(lines, asked, waiting, "units of {sku} still wait")
        if not plan:
            raise BadUserInput(f"number: order {number!r} has no units waiting for stock", field="number")
        await cancel_units(order, lines, items, plan, config)
    return order
