"""Back-in-stock alert emails (DESIGN.md 7.2): the confirmation, and the one email per active alert
when its product becomes salable again. The dispatcher adds the unsubscribe part (see `unsubscribe`).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from tortoise.expressions import F

from backstock.models import StockAlert, StockAlertEmail, StockAlertStatus
from backstock.notifications.messages import one_line
from backstock.notifications.outbox import Message, enqueue


def _page(title: str, sentence: str) -> str:
    return f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><p>{sentence}</p></body></html>"


def alert_confirmation(alert: StockAlert, sku: str, name: str) -> Message:
    subject = one_line(f"We will tell you when {name} is back in stock")
    sentence = "We will send you one email as soon as {} ({}) can be ordered again."
    return Message(
        "stock_alert_confirmation",
        one_line(sku)[:100],
        (alert.email,),
        subject,
        sentence.format(name, sku),
        _page(subject, sentence.format(f"<b>{html.escape(name)}</b>", html.escape(sku))),
        unsubscribe_token=alert.token,
    )


def back_in_stock(alert: StockAlert, sku: str, name: str) -> Message:
    subject = one_line(f"{name} is back in stock")
    sentence = "Good news: {} ({}) can be ordered again."
    return Message(
        "back_in_stock",
        one_line(sku)[:100],
        (alert.email,),
        subject,
        sentence.format(name, sku),
        _page(subject, sentence.format(f"<b>{html.escape(name)}</b>", html.escape(sku))),
        unsubscribe_token=alert.token,
    )


async def became_salable(sku: str) -> None:
    """THE hook for "the product turned salable": queues one email per active alert and turns them
    NOTIFIED. Call in the transaction of the change that made it salable (stock events call it for
    every such change, see `events.stock.stock_changed`); with no active alert it costs one query."""
    alerts = await StockAlert.filter(product__sku=sku, status=StockAlertStatus.ACTIVE).select_related("product")
    if not alerts:
        return
    ids = [alert.id for alert in alerts]
    updated = StockAlert.filter(id__in=ids, status=StockAlertStatus.ACTIVE)
    await updated.update(status=StockAlertStatus.NOTIFIED, active_key=None, notified_at=datetime.now(UTC))
    emails = sorted({alert.email.lower() for alert in alerts})
    await StockAlertEmail.filter(email__in=emails).update(active=F("active") - 1)
    await enqueue([back_in_stock(alert, alert.product.sku, alert.product.name) for alert in alerts])
