"""The supplier's copy of a submitted purchase order (DESIGN.md 7.4), written to the outbox."""

from __future__ import annotations

from backstock.models import PurchaseOrder
from backstock.notifications import supplier
from backstock.notifications.outbox import enqueue
from backstock.resolvers.errors import BadUserInput
from backstock.rules import PurchaseOrderStatus


def check_recipient(po: PurchaseOrder) -> None:
    """A DRAFT whose supplier has no email cannot be sent; other statuses fail later as a CONFLICT.

    `po` comes with its supplier fetched.
    """
    if po.status is PurchaseOrderStatus.DRAFT and po.supplier is not None and not po.supplier.email:
        raise BadUserInput(
            f"supplier: supplier {po.supplier.code!r} has no email to send purchase order {po.number!r} to; "
            "set one with upsertSupplier",
            field="supplier",
        )


async def send(po: PurchaseOrder) -> None:
    """Enqueues the email in the caller's transaction; `po` comes with its supplier and lines' products."""
    found = po.supplier
    if found is None or not found.email:
        return
    lines = sorted((line.product.sku, line.product.name, line.quantity_ordered) for line in po.lines)
    await enqueue([supplier.purchase_order(po.number, po.expected_date, found.name, found.email, lines)])
