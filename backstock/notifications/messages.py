"""Email builders: subject, plain-text and HTML body, from trusted parts and escaped text.

Every piece of text a client or merchant typed (names, SKUs) is escaped in HTML, and
subjects keep only printable characters on one line, so no value can inject a header.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from backstock import rules
from backstock.models import Order, OrderLine, StockAlert
from backstock.notifications.outbox import Message


def one_line(text: str) -> str:
    """Drops CR, LF and other control characters that could start a new header."""
    return "".join(c for c in text if c.isprintable())


def html_page(title: str, paragraphs: Sequence[str], rows: Sequence[Sequence[str]] = ()) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    if rows:
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        body += f'<table border="1" cellpadding="4">{cells}</table>'
    return f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"


def _greeting(order: Order) -> str:
    return f"Hello {order.customer_name}," if order.customer_name else "Hello,"


def _line_text(line: OrderLine) -> str:
    text = f"- {line.ordered} x {line.name} ({line.sku}) at {line.price}"
    return f"{text}\n  {line.backorder_message}{_expected(line)}" if line.backorder_message else text


def _expected(line: OrderLine) -> str:
    """The told date of a waiting line, or "unknown"; shoppers in silent mode get no notice, so no date either."""
    return f" Expected to ship: {rules.date_text(line.told_ship_date)}." if line.backordered else ""


def _line_row(line: OrderLine) -> list[str]:
    return [
        html.escape(line.sku),
        html.escape(line.name),
        str(line.ordered),
        str(line.price),
        html.escape(f"{line.backorder_message}{_expected(line)}" if line.backorder_message else ""),
    ]


def order_confirmation(order: Order, lines: Sequence[OrderLine]) -> Message:
    number = one_line(order.number)
    text = "\n".join(
        [
            _greeting(order),
            "",
            f"Thank you for your order {number}. We have received your payment of {order.grand_total}.",
            "",
            *(_line_text(line) for line in lines),
            "",
            "We will let you know when it ships.",
        ]
    )
    page = html_page(
        f"Order {html.escape(number)}",
        [
            html.escape(_greeting(order)),
            f"Thank you for your order <b>{html.escape(number)}</b>. "
            f"We have received your payment of {order.grand_total}.",
        ],
        [["SKU", "Product", "Quantity", "Price", "Note"], *(_line_row(line) for line in lines)],
    )
    return Message(
        "order_confirmation", number, (order.customer_email,), f"Your order {number} is confirmed", text, page
    )


def backorder_ready(order: Order, lines: Sequence[OrderLine]) -> Message:
    number = one_line(order.number)
    waiting = [line for line in lines if line.backorder_message]
    text = "\n".join(
        [
            _greeting(order),
            "",
            f"Good news: the backordered items of your order {number} are in stock and ready to ship.",
            "",
            *(f"- {line.ordered} x {line.name} ({line.sku})" for line in waiting),
        ]
    )
    page = html_page(
        f"Order {html.escape(number)}",
        [
            html.escape(_greeting(order)),
            f"Good news: the backordered items of your order <b>{html.escape(number)}</b> "
            "are in stock and ready to ship.",
        ],
        [
            ["SKU", "Product", "Quantity"],
            *([html.escape(ln.sku), html.escape(ln.name), str(ln.ordered)] for ln in waiting),
        ],
    )
    return Message(
        "backorder_ready",
        number,
        (order.customer_email,),
        f"Your backorder for order {number} is ready to ship",
        text,
        page,
    )


def low_stock(sku: str, name: str, quantity_left: int, threshold: int, recipients: Sequence[str]) -> Message:
    clean_sku = one_line(sku)
    text = (
        f"{name} ({sku}) is low on stock: {quantity_left} left, "
        f"at or below the notify-for-quantity-below threshold of {threshold}."
    )
    page = html_page(
        f"Low stock: {html.escape(clean_sku)}",
        [
            f"<b>{html.escape(name)}</b> ({html.escape(sku)}) is low on stock: {quantity_left} left, "
            f"at or below the notify-for-quantity-below threshold of {threshold}."
        ],
    )
    return Message("low_stock", clean_sku[:100], tuple(recipients), f"Low stock: {clean_sku}", text, page)


def source_low_stock(
    sku: str, name: str, source: str, quantity: int, threshold: int, recipients: Sequence[str]
) -> Message:
    """One source running low (DESIGN.md 7.6): names the source and its own units."""
    clean_sku = one_line(sku)
    sentence = (
        f"is low on stock at source {source}: {quantity} units there, "
        f"at or below the notify-for-quantity-below threshold of {threshold}."
    )
    page = html_page(
        f"Low stock at {html.escape(source)}: {html.escape(clean_sku)}",
        [f"<b>{html.escape(name)}</b> ({html.escape(sku)}) {html.escape(sentence)}"],
    )
    subject = f"Low stock at {source}: {clean_sku}"
    return Message(
        "source_low_stock",
        f"{source}:{clean_sku}"[:100],
        tuple(recipients),
        subject,
        f"{name} ({sku}) {sentence}",
        page,
    )


def date_notice(order: Order, lines: Sequence[tuple[OrderLine, date | None]], delayed: bool) -> Message:
    """ "Backorder delayed" (a told date moved later or to unknown) or "expected date" (told unknown, now a date):
    each named line with its new expected ship date, which becomes the date the customer was told."""
    number = one_line(order.number)
    if delayed:
        kind, subject = "backorder_delayed", f"Your backorder for order {number} is delayed"
        intro = f"We are sorry: some backordered items of your order {number} will ship later than we said."
    else:
        kind, subject = "backorder_expected_date", f"Expected ship date for your order {number}"
        intro = f"We now know when the backordered items of your order {number} are expected to ship."
    rows = [(line, rules.date_text(when)) for line, when in lines]
    text = "\n".join(
        [
            _greeting(order),
            "",
            intro,
            "",
            *(f"- {line.backordered} x {line.name} ({line.sku}): expected to ship {when}" for line, when in rows),
        ]
    )
    page = html_page(
        f"Order {html.escape(number)}",
        [html.escape(_greeting(order)), html.escape(intro)],
        [
            ["SKU", "Product", "Quantity", "Expected to ship"],
            *([html.escape(ln.sku), html.escape(ln.name), str(ln.backordered), when] for ln, when in rows),
        ],
    )
    return Message(kind, number, (order.customer_email,), subject, text, page)


def alert_confirmation(alert: StockAlert, sku: str, name: str) -> Message:
    return _alert_message(
        "stock_alert_confirmation",
        alert,
        sku,
        f"We will tell you when {name} is back in stock",
        "We will send you one email as soon as {} ({}) can be ordered again.",
        name,
    )


def back_in_stock(alert: StockAlert, sku: str, name: str) -> Message:
    return _alert_message(
        "back_in_stock", alert, sku, f"{name} is back in stock", "Good news: {} ({}) can be ordered again.", name
    )


def _alert_message(kind: str, alert: StockAlert, sku: str, subject: str, sentence: str, name: str) -> Message:
    """The dispatcher adds the unsubscribe link (see `unsubscribe`), so the token travels with the message."""
    subject = one_line(subject)
    page = html_page(html.escape(subject), [sentence.format(f"<b>{html.escape(name)}</b>", html.escape(sku))])
    text = sentence.format(name, sku)
    return Message(kind, one_line(sku)[:100], (alert.email,), subject, text, page, unsubscribe_token=alert.token)
