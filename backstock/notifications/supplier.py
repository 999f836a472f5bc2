"""The email a submitted purchase order sends its supplier (DESIGN.md 7.4): the lines as text, HTML
and a `<number>.csv` attachment (`sku,quantity`), naming the number and the expected date."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date

from backstock import rules
from backstock.notifications.messages import html_page, one_line
from backstock.notifications.outbox import Attachment, Message


def lines_csv(lines: Sequence[tuple[str, int]]) -> str:
    """`sku,quantity`, one row per line; the csv module quotes what needs quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["sku", "quantity"])
    writer.writerows(lines)
    return out.getvalue()


def purchase_order(
    number: str, expected_date: date, supplier_name: str, email: str, lines: Sequence[tuple[str, str, int]]
) -> Message:
    """`lines` are (SKU, product name, units ordered)."""
    number = one_line(number)
    when = rules.date_text(expected_date)
    greeting = f"Hello {one_line(supplier_name)},"
    intro = f"Please supply purchase order {number}, expected on {when}:"
    text = "\n".join(
        [
            greeting,
            "",
            intro,
            "",
            *(f"- {qty} x {name} ({sku})" for sku, name, qty in lines),
            "",
            f"Lines: {number}.csv",
        ]
    )
    page = html_page(
        f"Purchase order {html.escape(number)}",
        [
            html.escape(greeting),
            f"Please supply purchase order <b>{html.escape(number)}</b>, expected on <b>{when}</b>:",
        ],
        [
            ["SKU", "Product", "Quantity"],
            *([html.escape(sku), html.escape(name), str(qty)] for sku, name, qty in lines),
        ],
    )
    attachment = Attachment(f"{number}.csv", "text/csv", lines_csv([(sku, qty) for sku, _, qty in lines]))
    return Message(
        "purchase_order",
        number,
        (email,),
        f"Purchase order {number}, expected {when}",
        text,
        page,
        attachments=(attachment,),
    )
