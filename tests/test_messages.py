"""Email builders: both parts, the notice, escaping, and no header injection."""

from __future__ import annotations

from decimal import Decimal

from backstock.models import Order, OrderLine, OutboxMessage
from backstock.notifications import messages
from backstock.notifications.dispatcher import build_email

EVIL = '<script>alert(1)</script> & "Co"'


def order() -> tuple[Order, list[OrderLine]]:
    placed = Order(
        number="BS-ABC123",
        customer_email="sam@example.com",
        customer_name="Sam\r\nBcc: evil@x.com",
        grand_total=Decimal("30.00"),
    )
    lines = [
        OrderLine(sku="MUG", name=EVIL, price=Decimal("10.00"), ordered=1),
        OrderLine(
            sku="BAG",
            name="Bag",
            price=Decimal("10.00"),
            ordered=2,
            backorder_message="We don't have as many \"Bag\" as you requested, but we'll back order the remaining 1.",
        ),
    ]
    return placed, lines


def test_confirmation_lists_lines_with_the_notice() -> None:
    message = messages.order_confirmation(*order())
    assert message.recipients == ("sam@example.com",)
    assert message.subject == "Your order BS-ABC123 is confirmed"
    assert "back order the remaining 1." in message.text
    assert EVIL in message.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;" in message.html
    assert "<script>" not in message.html


def test_backorder_ready_names_the_order() -> None:
    message = messages.backorder_ready(*order())
    assert message.subject == "Your backorder for order BS-ABC123 is ready to ship"
    assert "Bag (BAG)" in message.text


def test_low_stock_goes_to_the_merchant() -> None:
    message = messages.low_stock("BAG\r\nBcc: x@evil.com", "Bag", 10, 10, ["ops@example.com"])
    assert message.subject == "Low stock: BAGBcc: x@evil.com"
    assert message.recipients == ("ops@example.com",)
    assert "10 left" in message.text


def test_no_value_can_add_a_header() -> None:
    placed, lines = order()
    message = messages.order_confirmation(placed, lines)
    row = OutboxMessage(
        recipients=list(message.recipients), subject=message.subject, text_body=message.text, html_body=message.html
    )
    email = build_email(row, "shop@example.com")
    assert email["Bcc"] is None
    assert email.get_body(("plain",)) is not None and email.get_body(("html",)) is not None
    assert b"\r\nBcc:" not in bytes(email)
