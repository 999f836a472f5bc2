"""Every change that can move a promise later tells it (DESIGN.md 7.1 "Promises and delays"), not only
purchase orders: stock counts, shrinkage, partial receipts, transfers, sources disabled or out of
stock, bulk rows and imported rows, lead-time settings. One email per order per change, read from
a real SMTP server."""

from __future__ import annotations

from pathlib import Path

from harness.mailserver import MailServer
from tests.api import Api
from tests.multisource import source, source_items, stock
from tests.test_csv_cli import cli
from tests.test_dates_api import NOTIFY, day, purchase_order
from tests.test_delay_notices_api import plain

BULK = """mutation($rows: [StockRowInput!]!) { bulkUpdateStock(rows: $rows) { applied failed } }"""
LEAD_TIME = "mutation($d: Int) { updateInventoryConfig(input: {backorderLeadTimeDays: $d}) { backorderLeadTimeDays } }"
PRODUCT_LEAD_TIME = """mutation($d: Int) {
  updateStockSettings(sku: "MUG", input: {backorderLeadTimeDays: $d}) { sku } }"""


def delayed(number: str) -> str:
    return f"Your backorder for order {number} is delayed"


def first_date(number: str) -> str:
    return f"Expected ship date for your order {number}"


async def date_emails(api: Api, mail_server: MailServer) -> list[tuple[str, str]]:
    """The date and delay emails the outbox holds, sent through the SMTP server, then forgotten."""
    mail_server.clear()
    await api.send_mail()
    subjects = [(str(m["To"]), str(m["Subject"])) for m in mail_server.messages]
    return sorted((to, subject) for to, subject in subjects if "delayed" in subject or "Expected ship" in subject)


async def ready_order(api: Api, mail_server: MailServer, *lines: tuple[str, int]) -> str:
    """An order whose units are all ready, with its confirmation already sent."""
    number: str = (await api.checkout(*lines, email="a@example.com"))["number"]
    await date_emails(api, mail_server)
    return number


async def test_a_stock_count_that_pushes_ready_units_back_is_a_delay(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=2, backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 3)
    number = await ready_order(api, mail_server, ("MUG", 2))
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 0) { sku } }')
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    assert f"expected to ship {day(5)}" in plain(mail_server.messages[0])
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 1) { sku } }')
    assert await date_emails(api, mail_server) == [], "an earlier date sends nothing"


async def test_shrinkage_is_a_delay_even_to_unknown(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=3, backorders=NOTIFY)
    number = await ready_order(api, mail_server, ("MUG", 3))
    await api.data('mutation { adjustStock(sku: "MUG", delta: -1, reason: "broken") { sku } }')
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    assert "expected to ship unknown" in plain(mail_server.messages[0])


async def test_checkout_never_delays_an_earlier_order(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 3)
    await api.checkout(("MUG", 2), email="a@example.com")
    await date_emails(api, mail_server)
    await api.checkout(("MUG", 4), email="b@example.com")
    assert await date_emails(api, mail_server) == []


async def test_a_partial_receipt_whose_units_do_not_count_delays_the_lines_it_covered(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 4)
    await purchase_order(api, "PO-2", 9, 4)
    await api.checkout(("MUG", 2), email="a@example.com")
    late = (await api.checkout(("MUG", 2), email="b@example.com"))["number"]
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: false) { sku } }')
    await date_emails(api, mail_server)
    await api.data('mutation { receivePurchaseOrder(number: "PO-1", lines: [{sku: "MUG", quantity: 2}]) { status } }')
    assert await date_emails(api, mail_server) == [("b@example.com", delayed(late))]
    assert f"expected to ship {day(9)}" in plain(mail_server.messages[0])


async def test_a_transfer_that_gives_a_line_a_date_tells_it(api: Api, mail_server: MailServer) -> None:
    await source(api, "east")
    await stock(api, "eu", ["east"], ["eu"])
    await api.create_product("MUG", backorders=NOTIFY)
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 2, source: "east") { sku } }')
    await purchase_order(api, "PO-1", 5, 3)
    number = (await api.checkout(("MUG", 5), email="a@example.com"))["number"]  # 3 covered, 2 unknown
    await date_emails(api, mail_server)
    await api.data(
        'mutation { transferStock(sku: "MUG", fromSource: "east", toSource: "default", quantity: 2) { sku } }'
    )
    assert await date_emails(api, mail_server) == [("a@example.com", first_date(number))]
    assert f"expected to ship {day(5)}" in plain(mail_server.messages[0])


async def test_a_source_out_of_stock_or_disabled_is_a_delay(api: Api, mail_server: MailServer) -> None:
    await source(api, "east")
    await stock(api, "default", ["default", "east"], ["default"])
    await api.create_product("MUG", backorders=NOTIFY)
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 2, source: "east") { sku } }')
    await purchase_order(api, "PO-1", 5, 3)
    number = await ready_order(api, mail_server, ("MUG", 2))
    await source(api, "east", enabled=False)
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    await source(api, "east", enabled=True)
    assert await date_emails(api, mail_server) == []
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: false, source: "east") { sku } }')
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    assert (await source_items(api, "MUG"))["east"]["inStock"] is False


async def test_bulk_rows_send_one_email_per_order_naming_each_delayed_line(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=1, backorders=NOTIFY)
    await api.create_product("CUP", quantity=1, backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 2)
    await purchase_order(api, "PO-2", 7, 2, sku="CUP")
    number = await ready_order(api, mail_server, ("MUG", 1), ("CUP", 1))
    rows = [{"sku": "MUG", "quantity": 0}, {"sku": "CUP", "delta": -1}]
    assert (await api.data(BULK, {"rows": rows}))["bulkUpdateStock"] == {"applied": 2, "failed": 0}
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    body = plain(mail_server.messages[0])
    assert f"(MUG): expected to ship {day(5)}" in body
    assert f"(CUP): expected to ship {day(7)}" in body


async def test_a_rejected_bulk_tells_nothing(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", quantity=1, backorders=NOTIFY)
    await ready_order(api, mail_server, ("MUG", 1))
    rows = [{"sku": "MUG", "quantity": 0}, {"sku": "NOPE", "quantity": 1}]
    assert (await api.data(BULK, {"rows": rows}))["bulkUpdateStock"] == {"applied": 0, "failed": 1}
    assert await date_emails(api, mail_server) == []


async def test_an_imported_stock_count_is_a_delay(api: Api, mail_server: MailServer, tmp_path: Path) -> None:
    await api.create_product("MUG", quantity=2, backorders=NOTIFY)
    number = await ready_order(api, mail_server, ("MUG", 2))
    file = tmp_path / "stock.csv"
    file.write_text("sku,quantity\nMUG,1\n")
    status, out, err = await cli("import-stock", str(file), database_url=api.settings.database_url)
    assert status == 0, (out, err)
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]


async def test_a_longer_or_cleared_lead_time_is_a_delay_a_shorter_one_nothing(
    api: Api, mail_server: MailServer
) -> None:
    await api.data(LEAD_TIME, {"d": 5})
    await api.create_product("MUG", backorders=NOTIFY)
    number = (await api.checkout(("MUG", 2), email="a@example.com"))["number"]
    await date_emails(api, mail_server)
    await api.data(LEAD_TIME, {"d": 10})
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    assert f"expected to ship {day(10)}" in plain(mail_server.messages[0])
    await api.data(LEAD_TIME, {"d": 3})
    assert await date_emails(api, mail_server) == []
    await api.data(PRODUCT_LEAD_TIME, {"d": 12})
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    await api.data(PRODUCT_LEAD_TIME, {"d": None})
    assert await date_emails(api, mail_server) == [], "back to the store's 3 days: earlier"
    await api.data(LEAD_TIME, {"d": None})
    assert await date_emails(api, mail_server) == [("a@example.com", delayed(number))]
    assert "expected to ship unknown" in plain(mail_server.messages[0])
