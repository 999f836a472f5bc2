"""Supplier batches and the supplier's email on submission, over HTTP with a real aiosmtpd (DESIGN.md 7.4)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from backstock.models import Order, OutboxMessage
from backstock.settings import Settings
from harness.mailserver import MailServer
from tests.api import Api
from tests.test_csv_cli import cli

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
PO_FIELDS = "number status expectedDate supplier { code } lines { sku quantityOrdered }"
BATCHES = f"mutation($s: String) {{ draftSupplierBatches(supplier: $s) {{ {PO_FIELDS} }} }}"
SUBMIT = "mutation($n: String!) { submitPurchaseOrder(number: $n) { number status } }"
SUPPLIER = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { code } }"
SET_SUPPLIER = "mutation($s: String!, $c: String) { updateProduct(sku: $s, input: {supplier: $c}) { sku } }"
CREATE = "mutation($input: PurchaseOrderInput!) { createPurchaseOrder(input: $input) { number } }"


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


async def supplier(api: Api, code: str, lead: int | None = None, email: str | None = None) -> None:
    await api.data(SUPPLIER, {"input": {"code": code, "name": f"{code} & Co", "email": email, "leadTimeDays": lead}})


async def product(api: Api, sku: str, code: str | None, quantity: int = 0) -> None:
    await api.create_product(sku, quantity=quantity, backorders=NOTIFY)
    if code is not None:
        await api.data(SET_SUPPLIER, {"s": sku, "c": code})


async def drafts(api: Api, code: str | None = None) -> Any:
    return (await api.data(BATCHES, {"s": code}))["draftSupplierBatches"]


async def test_one_draft_per_supplier_with_each_suggestion_and_products_without_supplier_skipped(api: Api) -> None:
    await supplier(api, "ACME", lead=10)
    await supplier(api, "BOLT")
    await supplier(api, "IDLE", lead=5)
    await product(api, "MUG", "ACME", quantity=2)
    await product(api, "CUP", "ACME")
    await product(api, "NUT", "BOLT")
    await product(api, "LOOSE", None)
    await product(api, "STILL", "IDLE", quantity=100)
    await api.checkout(("MUG", 8), ("CUP", 3), ("NUT", 4), ("LOOSE", 9))
    await api.checkout(("STILL", 1))

    found = await drafts(api)

    # MUG: 8 sold in 30 days, ceil(8/30 x 10) = 3 + 6 waiting - 0 free = 9. CUP: ceil(1) + 3 = 4.
    # NUT: no lead time, so only its 4 uncovered units. STILL: plenty on hand, nothing to order.
    assert found == [
        {
            "number": f"ACME-{day(0).replace('-', '')}",
            "status": "DRAFT",
            "expectedDate": day(10),
            "supplier": {"code": "ACME"},
            "lines": [{"sku": "CUP", "quantityOrdered": 4}, {"sku": "MUG", "quantityOrdered": 9}],
        },
        {
            "number": f"BOLT-{day(0).replace('-', '')}",
            "status": "DRAFT",
            "expectedDate": day(0),
            "supplier": {"code": "BOLT"},
            "lines": [{"sku": "NUT", "quantityOrdered": 4}],
        },
    ]
    # Each line is the product's suggestion in the demand report over the batches' 30 days.
    report = await api.data("{ demandReport(days: 30) { rows { product { sku } suggestedReorderQuantity } } }")
    suggested = {row["product"]["sku"]: row["suggestedReorderQuantity"] for row in report["demandReport"]["rows"]}
    lines = {line["sku"]: line["quantityOrdered"] for po in found for line in po["lines"]}
    assert lines == {sku: units for sku, units in suggested.items() if units and sku != "LOOSE"}
    assert suggested["LOOSE"] == 9


async def test_batches_count_sales_of_the_last_30_days_and_every_waiting_unit(api: Api) -> None:
    await supplier(api, "ACME", lead=30)
    await product(api, "MUG", "ACME")
    old = await api.checkout(("MUG", 3))
    await Order.filter(number=old["number"]).update(created_at=datetime.now(UTC) - timedelta(days=30, minutes=1))
    await api.checkout(("MUG", 6))

    (po,) = await drafts(api)

    # 6 sold in the window, so ceil(6 / 30 x 30) = 6, plus the 9 units waiting (the old order's too);
    # counting the old order's 3 sales would make it 18.
    assert po["lines"] == [{"sku": "MUG", "quantityOrdered": 15}]


async def test_an_existing_draft_is_updated_never_duplicated(api: Api) -> None:
    await supplier(api, "ACME", lead=0, email="orders@acme.example")
    await product(api, "MUG", "ACME")
    await api.checkout(("MUG", 2))
    first = await drafts(api)
    await api.checkout(("MUG", 3))
    second = await drafts(api, "ACME")
    assert [po["number"] for po in second] == [po["number"] for po in first]
    assert second[0]["lines"] == [{"sku": "MUG", "quantityOrdered": 5}]
    listed = await api.data("{ purchaseOrders(status: DRAFT) { totalCount } }")
    assert listed["purchaseOrders"]["totalCount"] == 1
    await api.data(SUBMIT, {"n": second[0]["number"]})
    # The open purchase order now covers every waiting unit: nothing left to batch.
    assert await drafts(api) == []


async def test_a_draft_made_by_hand_for_the_supplier_is_the_one_updated(api: Api) -> None:
    await supplier(api, "ACME", lead=4)
    await product(api, "MUG", "ACME")
    await product(api, "CUP", None)
    await api.checkout(("MUG", 2))
    lines = [{"sku": "CUP", "quantity": 7}]
    await api.data(CREATE, {"input": {"number": "MINE", "supplier": "ACME", "expectedDate": day(60), "lines": lines}})

    (po,) = await drafts(api)

    assert (po["number"], po["expectedDate"], po["lines"]) == ("MINE", day(4), [{"sku": "MUG", "quantityOrdered": 3}])
    assert (await api.data("{ purchaseOrders { totalCount } }"))["purchaseOrders"]["totalCount"] == 1


async def test_an_unknown_supplier_is_refused_naming_it(api: Api) -> None:
    error = await api.error(BATCHES, {"s": "NOPE"})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "supplier")


def _attachment(message: EmailMessage) -> tuple[str | None, str, str]:
    parts = [part for part in message.iter_attachments() if isinstance(part, EmailMessage)]
    assert len(parts) == 1
    content = parts[0].get_content()
    return parts[0].get_filename(), parts[0].get_content_type(), content


async def test_submitting_emails_the_supplier_text_html_and_the_csv_once(api: Api, mail_server: MailServer) -> None:
    await supplier(api, "ACME", lead=3, email="orders@acme.example")
    await product(api, "MUG", "ACME")
    await product(api, "CUP", "ACME")
    await api.checkout(("MUG", 2), ("CUP", 1))
    (po,) = await drafts(api)
    await api.send_mail()
    mail_server.clear()

    opened = (await api.data(SUBMIT, {"n": po["number"]}))["submitPurchaseOrder"]
    assert opened["status"] == "OPEN"
    again = await api.error(SUBMIT, {"n": po["number"]})
    assert again["extensions"]["code"] == "CONFLICT"
    await api.send_mail()

    # The shopper also learns the date the purchase order gives the waiting units; the supplier gets one email.
    (message,) = [m for m in mail_server.messages if str(m["To"]) == "orders@acme.example"]
    assert po["number"] in str(message["Subject"]) and day(3) in str(message["Subject"])
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert po["number"] in text.get_content() and day(3) in text.get_content()
    assert "ACME &amp; Co" in html.get_content() and "ACME & Co" not in html.get_content()
    filename, content_type, content = _attachment(message)
    assert (filename, content_type) == (f"{po['number']}.csv", "text/csv")
    assert list(csv.reader(io.StringIO(content))) == [["sku", "quantity"], ["CUP", "2"], ["MUG", "3"]]


async def test_a_supplier_without_email_is_refused_and_no_supplier_opens_silently(
    api: Api, mail_server: MailServer
) -> None:
    await supplier(api, "MUTE")
    await product(api, "MUG", "MUTE")
    await api.checkout(("MUG", 1))
    (po,) = await drafts(api)
    error = await api.error(SUBMIT, {"n": po["number"]})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "supplier")
    status = await api.data("query($n: String!) { purchaseOrder(number: $n) { status } }", {"n": po["number"]})
    assert status["purchaseOrder"]["status"] == "DRAFT"
    await api.data(
        CREATE, {"input": {"number": "LOCAL", "expectedDate": day(1), "lines": [{"sku": "MUG", "quantity": 1}]}}
    )
    assert (await api.data(SUBMIT, {"n": "LOCAL"}))["submitPurchaseOrder"]["status"] == "OPEN"
    assert await OutboxMessage.filter(kind="purchase_order").count() == 0
    await api.send_mail()
    assert not [m for m in mail_server.messages if "LOCAL" in str(m["Subject"]) or po["number"] in str(m["Subject"])]


async def test_the_cron_command_drafts_the_batches(api: Api, settings: Settings) -> None:
    await supplier(api, "ACME")
    await product(api, "MUG", "ACME")
    await api.checkout(("MUG", 2))
    status, out, err = await cli("supplier-batches", database_url=settings.database_url)
    assert status == 0, err
    assert out.split("\t")[:3] == [f"ACME-{day(0).replace('-', '')}", "ACME", "1 lines"]
    listed = await api.data("{ purchaseOrders(status: DRAFT) { edges { node { lines { sku quantityOrdered } } } } }")
    assert listed["purchaseOrders"]["edges"][0]["node"]["lines"] == [{"sku": "MUG", "quantityOrdered": 2}]
