"""Stock events in the event table, written with their cause: which causes send them, and one per channel."""

from __future__ import annotations

from typing import Any

from backstock.models import Event, EventKind, WebhookDelivery
from tests.api import Api
from tests.multisource import source, stock, warehouses

SHIP = "mutation($n: String!) { shipOrder(number: $n) { number } }"
CANCEL = "mutation($n: String!) { cancelOrder(number: $n) { number } }"


async def stock_events(after: int = 0) -> list[tuple[str, str, str, Any]]:
    """(kind, sku, channel, salableQuantity) of the stock events since the event id `after`."""
    stock_kinds = [EventKind.STOCK_CHANGED, EventKind.OUT_OF_STOCK, EventKind.BACK_IN_STOCK, EventKind.LOW_STOCK]
    rows = await Event.filter(id__gt=after, kind__in=stock_kinds).order_by("id")
    return [(row.kind.value, str(row.sku), str(row.channel), row.data["salableQuantity"]) for row in rows]


async def last_id() -> int:
    last = await Event.all().order_by("-id").first()
    return last.id if last is not None else 0


async def test_a_checkout_and_its_cancellation_send_their_crossings(api: Api) -> None:
    await api.create_product("MUG", quantity=3)
    start = await last_id()
    order = await api.checkout(("MUG", 3))
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 0),
        ("OUT_OF_STOCK", "MUG", "default", 0),
        ("LOW_STOCK", "MUG", "default", 0),
    ]
    start = await last_id()
    await api.data(CANCEL, {"n": order["number"]})
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 3),
        ("BACK_IN_STOCK", "MUG", "default", 3),
    ]


async def test_every_channel_of_the_stock_hears_it(api: Api) -> None:
    await stock(api, "default", ["default"], ["default", "web"])
    await api.create_product("MUG", quantity=5)
    start = await last_id()
    await api.data('mutation { adjustStock(sku: "MUG", delta: 2) { sku } }')
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 7),
        ("STOCK_CHANGED", "MUG", "web", 7),
    ]


async def test_the_manual_flag_sends_events_and_an_unchanged_count_none(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    start = await last_id()
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: false) { sku } }')
    await api.data('mutation { setStockStatus(sku: "MUG", inStock: true) { sku } }')
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 5) { sku } }')
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 0),
        ("OUT_OF_STOCK", "MUG", "default", 0),
        ("LOW_STOCK", "MUG", "default", 0),
        ("STOCK_CHANGED", "MUG", "default", 5),
        ("BACK_IN_STOCK", "MUG", "default", 5),
    ]


async def test_disabling_a_source_sends_the_events_of_its_stock(api: Api) -> None:
    await warehouses(api, "eu-wh", channel="eu")
    await api.create_product("MUG", quantity=5)
    await api.data('mutation { setStockQuantity(sku: "MUG", quantity: 4, source: "eu-wh") { sku } }')
    start = await last_id()
    await source(api, "eu-wh", enabled=False)
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "eu", 0),
        ("OUT_OF_STOCK", "MUG", "eu", 0),
    ]


async def test_shipping_changes_nothing_a_shopper_sees_and_sends_no_stock_event(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    order = await api.checkout(("MUG", 2))
    start = await last_id()
    await api.data(SHIP, {"n": order["number"]})
    assert await stock_events(start) == []


async def test_a_product_settings_change_that_changes_what_shoppers_see_sends_events(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    start = await last_id()
    settings = 'mutation($s: StockSettingsInput!) { updateStockSettings(sku: "MUG", input: $s) { sku } }'
    await api.data(settings, {"s": {"outOfStockThreshold": 5}})
    await api.data(settings, {"s": {"minSaleQuantity": 2}})
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 0),
        ("OUT_OF_STOCK", "MUG", "default", 0),
    ]


BULK = """mutation($rows: [StockRowInput!]!, $policy: BulkErrorPolicy) {
  bulkUpdateStock(rows: $rows, errorPolicy: $policy) { applied failed } }"""
HOOK = 'mutation { createWebhook(url: "https://93.184.215.14/hooks", events: [STOCK_CHANGED]) { secret } }'


async def test_bulk_rows_send_their_events_in_the_transaction_that_keeps_them(api: Api) -> None:
    """REJECT_ALL applies every row before it rolls back: the events it wrote go with the rows."""
    await api.create_product("MUG", quantity=0)
    await api.create_product("TEE", quantity=4)
    await api.data(HOOK)
    rows = [{"sku": "MUG", "delta": 3}, {"sku": "NOPE", "delta": 1}, {"sku": "TEE", "quantity": 6}]
    start = await last_id()
    rejected = (await api.data(BULK, {"rows": rows, "policy": "REJECT_ALL"}))["bulkUpdateStock"]
    assert (rejected["applied"], rejected["failed"]) == (0, 1)
    assert (await last_id(), await WebhookDelivery.all().count()) == (start, 0)
    kept = (await api.data(BULK, {"rows": rows, "policy": "REJECT_FAILED_ROWS"}))["bulkUpdateStock"]
    assert (kept["applied"], kept["failed"]) == (2, 1)
    assert await WebhookDelivery.all().count() == 2  # one STOCK_CHANGED per row kept
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 3),
        ("BACK_IN_STOCK", "MUG", "default", 3),
        ("STOCK_CHANGED", "TEE", "default", 6),
    ]


async def test_low_stock_is_sent_on_crossing_into_it_only(api: Api) -> None:
    """Staying low or leaving low sends STOCK_CHANGED alone; crossing back in sends LOW_STOCK again."""
    await api.create_product("MUG", quantity=5, notifyForQuantityBelow=2)
    start = await last_id()
    for delta in (-3, -1, 4, -4):
        await api.data(f'mutation {{ adjustStock(sku: "MUG", delta: {delta}) {{ sku }} }}')
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "MUG", "default", 2),
        ("LOW_STOCK", "MUG", "default", 2),
        ("STOCK_CHANGED", "MUG", "default", 1),
        ("STOCK_CHANGED", "MUG", "default", 5),
        ("STOCK_CHANGED", "MUG", "default", 1),
        ("LOW_STOCK", "MUG", "default", 1),
    ]
