"""Allocation, shipping and cancelling through the HTTP app (DESIGN.md section 4)."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F

from backstock.models import MovementReason, Order, OrderLine, Payment, PaymentKind, StockItem, StockMovement
from harness.queries import count_queries
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
SHIP = "mutation($n: String!, $l: [LineInput!]) { shipOrder(number: $n, lines: $l) { number lines { sku quantity } } }"
CANCEL = "mutation($n: String!, $l: [LineInput!]) { cancelOrder(number: $n, lines: $l) { status paymentStatus lines { quantityCanceled quantityReadyToShip quantityBackordered } } }"


def split(order: dict[str, Any]) -> tuple[int, int]:
    line = order["lines"][0]
    return line["quantityReadyToShip"], line["quantityBackordered"]


async def restock(api: Api, sku: str, delta: int) -> None:
    await api.data(
        "mutation($s: String!, $d: Int!) { adjustStock(sku: $s, delta: $d) { sku } }", {"s": sku, "d": delta}
    )


async def test_restock_allocates_oldest_order_first(api: Api) -> None:
    await api.create_product("BAG", quantity=0, backorders=NOTIFY)
    orders = [(await api.checkout(("BAG", n)))["number"] for n in (2, 3, 4)]
    await restock(api, "BAG", 4)
    assert [split(await api.order(n)) for n in orders] == [(2, 0), (2, 1), (0, 4)]
    await restock(api, "BAG", 10)
    assert [split(await api.order(n)) for n in orders] == [(2, 0), (3, 0), (4, 0)]
    product = await api.product("BAG")
    assert (product["quantity"], product["reservedQuantity"], product["backorderedQuantity"]) == (14, 9, 0)
    await assert_ledger_matches_counters()


async def test_stock_count_takes_back_the_newest_promises_first(api: Api) -> None:
    await api.create_product("BAG", quantity=6, backorders=NOTIFY)
    first = (await api.checkout(("BAG", 3)))["number"]
    second = (await api.checkout(("BAG", 3)))["number"]
    await api.data('mutation { setStockQuantity(sku: "BAG", quantity: 4) { sku } }')
    assert [split(await api.order(n)) for n in (first, second)] == [(3, 0), (1, 2)]
    assert (await api.product("BAG"))["backorderedQuantity"] == 2
    await assert_ledger_matches_counters()


async def test_partial_shipments_complete_the_order(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    await api.create_product("TEE", quantity=5)
    number = (await api.checkout(("MUG", 3), ("TEE", 2)))["number"]
    shipment = (await api.data(SHIP, {"n": number, "l": [{"sku": "MUG", "quantity": 2}]}))["shipOrder"]
    assert shipment["lines"] == [{"sku": "MUG", "quantity": 2}]
    assert (await api.order(number))["status"] == "PROCESSING"
    second = (await api.data(SHIP, {"n": number}))["shipOrder"]
    assert sorted((ln["sku"], ln["quantity"]) for ln in second["lines"]) == [("MUG", 1), ("TEE", 2)]
    order = await api.order(number)
    assert order["status"] == "COMPLETE" and len(order["shipments"]) == 2
    mug = await api.product("MUG")
    assert (mug["quantity"], mug["reservedQuantity"]) == (2, 0)
    await assert_ledger_matches_counters()


async def test_shipping_more_than_ready_is_refused(api: Api) -> None:
    await api.create_product("BAG", quantity=1, backorders=NOTIFY)
    number = (await api.checkout(("BAG", 3)))["number"]
    error = await api.error(SHIP, {"n": number, "l": [{"sku": "BAG", "quantity": 2}]})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lines"}
    assert "only 1 are ready" in error["message"]
    assert (await api.product("BAG"))["quantity"] == 1


async def test_cancelling_ready_units_reallocates_them_and_refunds(api: Api) -> None:
    await api.create_product("BAG", quantity=2, price="10.00", backorders=NOTIFY)
    first = (await api.checkout(("BAG", 3)))["number"]
    second = (await api.checkout(("BAG", 2)))["number"]
    order = (await api.data(CANCEL, {"n": first, "l": [{"sku": "BAG", "quantity": 2}]}))["cancelOrder"]
    assert order["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert order["lines"] == [{"quantityCanceled": 2, "quantityReadyToShip": 1, "quantityBackordered": 0}]
    assert split(await api.order(second)) == (1, 1)
    everything = (await api.data(CANCEL, {"n": first}))["cancelOrder"]
    assert (everything["status"], everything["paymentStatus"]) == ("CANCELED", "REFUNDED")
    assert split(await api.order(second)) == (2, 0)
    refunds = await Payment.filter(kind=PaymentKind.REFUND).values_list("amount", flat=True)
    assert sorted(str(a) for a in refunds) == ["10.00", "20.00"]
    await assert_ledger_matches_counters()


async def test_cancelling_shipped_units_is_refused(api: Api) -> None:
    await api.create_product("MUG", quantity=2)
    number = (await api.checkout(("MUG", 2)))["number"]
    await api.data(SHIP, {"n": number})
    error = await api.error(CANCEL, {"n": number, "l": [{"sku": "MUG", "quantity": 1}]})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await api.order(number))["status"] == "COMPLETE"


async def test_ten_thousand_waiting_lines_are_allocated_in_batches(api: Api) -> None:
    await api.create_product("HOT", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO")
    template = await api.checkout(("HOT", 1))
    await add_waiting_lines(template["number"], 9_999)
    with count_queries() as queries:
        await restock(api, "HOT", 10_000)
    assert await OrderLine.filter(backordered__gt=0).count() == 0
    assert len(queries) < 120, f"{len(queries)} queries for 10,000 lines"
    await assert_ledger_matches_counters()


async def add_waiting_lines(order_number: str, count: int) -> None:
    """Waiting lines written straight to the tables (checkout through HTTP would take minutes)."""
    first = await OrderLine.get(order__number=order_number)
    orders = [
        Order(
            number=f"BULK-{i}",
            customer_email="bulk@example.com",
            grand_total=0,
            request_fingerprint="-",
            stock_id=first.stock_id,
        )
        for i in range(count)
    ]
    await Order.bulk_create(orders, batch_size=1000)
    ids = await Order.filter(number__startswith="BULK-").order_by("id").values_list("id", flat=True)
    await OrderLine.bulk_create(
        [
            OrderLine(
                order_id=i,
                product_id=first.product_id,
                stock_id=first.stock_id,
                sku=first.sku,
                name=first.name,
                price=0,
                ordered=1,
                backordered=1,
            )
            for i in ids
        ],
        batch_size=1000,
    )
    await StockItem.filter(product_id=first.product_id, stock_id=first.stock_id).update(reserved=F("reserved") + count)
    await StockMovement.create(
        product_id=first.product_id, stock_id=first.stock_id, reason=MovementReason.CHECKOUT, reserved_delta=count
    )
