"""Delay and expected-date emails after a purchase order moves (DESIGN.md 7.1 "Promises and delays")."""

from __future__ import annotations

from harness.mailserver import MailServer
from tests.api import Api
from tests.test_dates_api import NOTIFY, ORDER, SILENT, dates, day, purchase_order


def plain(message: object) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[attr-defined,no-any-return]


async def sent(api: Api, mail_server: MailServer) -> list[tuple[str, str]]:
    mail_server.clear()
    await api.send_mail()
    return [(str(m["To"]), str(m["Subject"])) for m in mail_server.messages]


async def reschedule(api: Api, offset: int, number: str = "PO-1") -> None:
    await api.data(
        f'mutation {{ reschedulePurchaseOrder(number: "{number}", expectedDate: "{day(offset)}") {{ number }} }}'
    )


async def test_a_later_date_sends_one_delay_email_per_order_and_an_earlier_one_nothing(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await api.create_product("CUP", backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 3)
    lines = [{"sku": "MUG", "quantity": 3}, {"sku": "CUP", "quantity": 1}]
    await api.data(
        'mutation($l: [LineInput!]!) { createPurchaseOrder(input: {number: "PO-2", expectedDate: "2030-01-01", '
        "lines: $l}) { number } }",
        {"l": lines},
    )
    await api.data('mutation { submitPurchaseOrder(number: "PO-2") { status } }')
    a = (await api.checkout(("MUG", 2), ("CUP", 1), email="a@example.com"))["number"]
    b = (await api.checkout(("MUG", 1), email="b@example.com"))["number"]
    await sent(api, mail_server)
    await reschedule(api, 8)
    assert sorted(await sent(api, mail_server)) == [
        ("a@example.com", f"Your backorder for order {a} is delayed"),
        ("b@example.com", f"Your backorder for order {b} is delayed"),
    ]
    assert f"expected to ship {day(8)}" in plain(mail_server.messages[0])
    await reschedule(api, 2)
    assert await sent(api, mail_server) == []
    await reschedule(api, 6)  # later than now, but not later than told (day 8): nothing
    assert await sent(api, mail_server) == []


async def test_a_cancelled_purchase_order_is_a_delay_to_unknown(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    await purchase_order(api, "PO-1", 5, 3)
    number = (await api.checkout(("MUG", 2), email="a@example.com"))["number"]
    await sent(api, mail_server)
    await api.data('mutation { cancelPurchaseOrder(number: "PO-1") { status } }')
    assert await sent(api, mail_server) == [("a@example.com", f"Your backorder for order {number} is delayed")]
    assert "expected to ship unknown" in plain(mail_server.messages[0])


async def test_a_line_told_unknown_gets_one_expected_date_email(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    number = (await api.checkout(("MUG", 2), email="a@example.com"))["number"]
    await sent(api, mail_server)
    await purchase_order(api, "PO-1", 5, 3)
    assert await sent(api, mail_server) == [("a@example.com", f"Expected ship date for your order {number}")]
    assert f"expected to ship {day(5)}" in plain(mail_server.messages[0])
    await reschedule(api, 4)
    assert await sent(api, mail_server) == []


async def test_silent_mode_sends_no_date_email(api: Api, mail_server: MailServer) -> None:
    await api.create_product("MUG", backorders=SILENT)
    await purchase_order(api, "PO-1", 5, 3)
    await api.checkout(("MUG", 2), email="a@example.com")
    await sent(api, mail_server)
    await reschedule(api, 9)
    assert await sent(api, mail_server) == []


async def test_the_worked_projection_example_of_the_docs(api: Api, mail_server: MailServer) -> None:
    """docs/stock-rules.md "Worked projection example", with dates counted from today."""
    await api.create_product("MUG", backorders=NOTIFY)
    await purchase_order(api, "PO-A", 9, 5)
    await purchase_order(api, "PO-B", 19, 3)
    orders = [
        (await api.checkout(("MUG", units), email=f"{i}@example.com"))["number"] for i, units in enumerate([3, 2, 2])
    ]
    told = [(await api.data(ORDER, {"n": n}))["order"]["lines"][0]["expectedShipDate"] for n in orders]
    assert told == [day(9), day(9), day(19)]
    assert (await dates(api, 1))["availability"]["expectedShipDate"] == day(19)
    assert (await dates(api, 2))["availability"]["expectedShipDate"] is None
    await sent(api, mail_server)
    await reschedule(api, 35, "PO-B")
    assert await sent(api, mail_server) == [("2@example.com", f"Your backorder for order {orders[2]} is delayed")]
    assert f"expected to ship {day(35)}" in plain(mail_server.messages[0])
    await reschedule(api, 27, "PO-B")
    assert await sent(api, mail_server) == []


async def test_a_date_first_told_by_email_then_follows_the_delay_rule_back_to_unknown(
    api: Api, mail_server: MailServer
) -> None:
    """One "expected date" email for two lines of one order given dates by one change; that date is
    then the told one: a later date is a delay, and so is a move back to unknown."""
    await api.create_product("MUG", backorders=NOTIFY)
    await api.create_product("CUP", backorders=NOTIFY)
    number = (await api.checkout(("MUG", 2), ("CUP", 1), email="a@example.com"))["number"]
    await sent(api, mail_server)
    lines = [{"sku": "MUG", "quantity": 2}, {"sku": "CUP", "quantity": 1}]
    po = {"number": "PO-1", "expectedDate": day(5), "lines": lines}
    await api.data("mutation($i: PurchaseOrderInput!) { createPurchaseOrder(input: $i) { number } }", {"i": po})
    assert await sent(api, mail_server) == [], "a DRAFT tells nothing"
    await api.data('mutation { submitPurchaseOrder(number: "PO-1") { status } }')
    assert await sent(api, mail_server) == [("a@example.com", f"Expected ship date for your order {number}")]
    told = plain(mail_server.messages[0])
    assert f"(MUG): expected to ship {day(5)}" in told and f"(CUP): expected to ship {day(5)}" in told
    await reschedule(api, 7)
    assert await sent(api, mail_server) == [("a@example.com", f"Your backorder for order {number} is delayed")]
    assert f"(MUG): expected to ship {day(7)}" in plain(mail_server.messages[0])
    await api.data('mutation { cancelPurchaseOrder(number: "PO-1") { status } }')
    assert await sent(api, mail_server) == [("a@example.com", f"Your backorder for order {number} is delayed")]
    assert "(CUP): expected to ship unknown" in plain(mail_server.messages[0])


async def test_silent_mode_tells_no_date_in_the_confirmation_nor_when_one_becomes_known(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", backorders=SILENT)
    number = (await api.checkout(("MUG", 2), email="a@example.com"))["number"]
    assert await sent(api, mail_server) == [("a@example.com", f"Your order {number} is confirmed")]
    assert "Expected to ship" not in plain(mail_server.messages[0])
    await purchase_order(api, "PO-1", 5, 3)
    assert await sent(api, mail_server) == []
    assert (await api.data(ORDER, {"n": number}))["order"]["lines"][0]["expectedShipDate"] == day(5), "admins see it"
    await reschedule(api, 9)
    await api.data('mutation { cancelPurchaseOrder(number: "PO-1") { status } }')
    assert await sent(api, mail_server) == []
