"""Back-in-stock alerts (DESIGN.md 7.2): one email per active alert when its product becomes salable again."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.expressions import F

from backstock.models import StockAlert, StockAlertEmail, StockAlertStatus
from backstock.notifications.messages import back_in_stock
from backstock.notifications.outbox import enqueue


async def became_salable(sku: str) -> None:
    """THE hook for "the product turned salable": queues one email per active alert and turns them
    NOTIFIED. Call in the transaction of the change that made it salable (stock events call it for
    every such change, see `events.stock.stock_changed`); with no active alert it costs one query."""
    active = StockAlert.filter(product__sku=sku, status=StockAlertStatus.ACTIVE).select_related("product")
    alerts = await active.select_for_update(of=("stock_alert",))
    if not alerts:
        return
    # Locked: a concurrent unsubscribe waits, then finds the alert NOTIFIED and frees no room twice.
    await StockAlert.filter(id__in=[alert.id for alert in alerts]).update(
        status=StockAlertStatus.NOTIFIED, active_key=None, notified_at=datetime.now(UTC)
    )
    emails = sorted({alert.email.lower() for alert in alerts})
    await StockAlertEmail.filter(email__in=emails).update(active=F("active") - 1)
    await enqueue([back_in_stock(alert, alert.product.sku, alert.product.name) for alert in alerts])
