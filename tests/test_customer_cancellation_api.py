"""cancelBackorderedUnits over HTTP (DESIGN.md 7.1 "Customer cancellation" and its precise points)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from backstock.models import Payment, PaymentKind
from harness.mailserver import MailServer
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
CANCEL = """mutation($n: String!, $e: String!, $lines: [LineInput!]) {
  cancelBackorderedUnits(number: $n, email: $e, lines: $lines) {
    paymentStatus lines { sku quantityBackordered quantityReadyToShip quantityCanceled } } }"""
PAYMENTS = "query($n: String!) { order(number: $n) { paymentStatus grandTotal lines { quantityCanceled } } }"


async def cancel(api: Api, number: str, email: str = "sam@example.com", lines: Any = None) -> Any:
    body = await api.post(CANCEL, {"n": number, "e": email, "lines": lines})
    return body


async def waiting_order(api: Api, ordered: int = 5, on_hand: int = 2) -> str:
    await api.create_product("MUG", quantity=on_hand, backorders=NOTIFY)
    return str((await api.checkout(("MUG", ordered), email="Sam@Example.com"))["number"])


async def test_a_customer_cancels_waiting_units_only_and_is_refunded(api: Api) -> None:
    number = await waiting_order(api)
    body = await cancel(api, number, "  sam@EXAMPLE.com ", [{"sku": "MUG", "quantity": 2}])
    assert body["data"]["cancelBackorderedUnits"] == {
        "paymentStatus": "PARTIALLY_REFUNDED",
        "lines": [{"sku": "MUG", "quantityBackordered": 1, "quantityReadyToShip": 2, "quantityCanceled": 2}],
    }
    product = await api.product("MUG")
    assert (product["reservedQuantity"], product["backorderedQuantity"]) == (3, 1)
    error = (await cancel(api, number, lines=[{"sku": "MUG", "quantity": 2}]))["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "lines")
    assert "only 1 units of MUG still wait" in error["message"]
    assert (await api.order(number))["lines"][0]["quantityCanceled"] == 2  # nothing changed


async def test_a_wrong_email_and_an_unknown_number_get_the_same_not_found(api: Api) -> None:
    number = await waiting_order(api)
    wrong = (await cancel(api, number, "eve@example.com"))["errors"][0]
    unknown = (await cancel(api, "BS-NOPE"))["errors"][0]
    assert wrong["extensions"]["code"] == unknown["extensions"]["code"] == "NOT_FOUND"
    assert wrong["message"].replace(number, "N") == unknown["message"].replace("BS-NOPE", "N")
    assert (await api.order(number))["lines"][0]["quantityCanceled"] == 0


async def test_the_store_may_forbid_it(api: Api) -> None:
    number = await waiting_order(api)
    await api.data("mutation { updateInventoryConfig(input: {customersMayCancelBackorders: false}) { manageStock } }")
    assert (await cancel(api, number))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.order(number))["lines"][0]["quantityCanceled"] == 0


async def test_concurrent_requests_cancel_the_waiting_units_once(api: Api) -> None:
    number = await waiting_order(api)
    answers = await asyncio.gather(*(cancel(api, number) for _ in range(10)))
    assert sum(1 for a in answers if "errors" not in a) == 1
    order = (await api.data(PAYMENTS, {"n": number}))["order"]
    assert (order["lines"][0]["quantityCanceled"], order["paymentStatus"]) == (3, "PARTIALLY_REFUNDED")
    assert (await api.product("MUG"))["reservedQuantity"] == 2
    assert await Payment.filter(kind=PaymentKind.REFUND).count() == 1


async def test_concurrent_partial_cancellations_refund_each_waiting_unit_once(api: Api) -> None:
    number = await waiting_order(api)
    one = [{"sku": "MUG", "quantity": 1}]
    answers = await asyncio.gather(*(cancel(api, number, lines=one) for _ in range(10)))
    assert sum(1 for a in answers if "errors" not in a) == 3
    assert {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a} == {"BAD_USER_INPUT"}
    refunds = await Payment.filter(kind=PaymentKind.REFUND).values_list("amount", flat=True)
    assert sorted(refunds) == [Decimal("10.00")] * 3
    assert (await api.order(number))["lines"][0]["quantityBackordered"] == 0
    assert (await api.product("MUG"))["reservedQuantity"] == 2


async def test_cancelling_the_last_waiting_units_sends_no_ready_email(api: Api, mail_server: MailServer) -> None:
    number = await waiting_order(api)
    await api.send_mail()
    mail_server.clear()
    await cancel(api, number)
    await api.send_mail()
    assert [m["Subject"] for m in mail_server.messages] == []
