"""Stock events and back-in-stock alerts of a product whose backorders only some customer groups
may use (DESIGN.md 7.2, 7.3, 7.5): both tell what `product(sku)` answers without a group (GUEST),
the view an anonymous subscriber to `stockChanged` or to an alert has."""

from __future__ import annotations

from typing import Any

import pytest

from harness.mailserver import MailServer
from tests.api import Api
from tests.test_stock_alerts_api import send, subscribe
from tests.test_stock_events import last_id, stock_events

SHOWN = '{ product(sku: "KEG") { stockStatus isSalable salableQuantity } }'


async def b2b_only(api: Api, quantity: int) -> None:
    """Backorders for the B2B group alone: a guest sees NO_BACKORDERS."""
    await api.create_product(
        "KEG", quantity=quantity, backorders="ALLOW_QTY_BELOW_ZERO", backorderCustomerGroups=["B2B"]
    )


async def shown(api: Api) -> Any:
    return (await api.data(SHOWN, admin=False))["product"]


async def test_a_guest_sold_out_is_out_of_stock_in_the_events_as_in_the_product(api: Api) -> None:
    await b2b_only(api, 2)
    start = await last_id()
    await api.checkout(("KEG", 2))
    assert await shown(api) == {"stockStatus": "OUT_OF_STOCK", "isSalable": False, "salableQuantity": 0}
    kinds = [kind for kind, *_ in await stock_events(start)]
    assert kinds[:2] == ["STOCK_CHANGED", "OUT_OF_STOCK"]
    start = await last_id()
    await api.data('mutation { adjustStock(sku: "KEG", delta: 4) { sku } }')
    assert [kind for kind, *_ in await stock_events(start)] == ["STOCK_CHANGED", "BACK_IN_STOCK"]


@pytest.mark.parametrize(
    "change",
    [
        'mutation { adjustStock(sku: "KEG", delta: 3) { sku } }',
        'mutation { updateStockSettings(sku: "KEG", input: {backorderCustomerGroups: ["*"]}) { sku } }',
        'mutation { updateStockSettings(sku: "KEG", input: {backorderCustomerGroups: ["B2B", "GUEST"]}) { sku } }',
    ],
    ids=["restock", "every_group", "guests_listed"],
)
async def test_a_guest_alert_goes_when_a_guest_can_order_again(api: Api, mail_server: MailServer, change: str) -> None:
    """Before, the events followed the product's own settings, for which the product was salable all
    along (backorders), so a guest's alert never went."""
    await b2b_only(api, 0)
    await subscribe(api, "KEG", "ann@example.com")
    start = await last_id()
    await api.data(change)
    assert (await shown(api))["isSalable"] is True
    assert "BACK_IN_STOCK" in [kind for kind, *_ in await stock_events(start)]
    await send(api)
    subjects = [m["Subject"] for m in await mail_server.wait_for(2)]
    assert subjects[1:] == ["Product KEG is back in stock"]


async def test_a_store_wide_group_list_lifted_sends_the_guest_alerts(api: Api, mail_server: MailServer) -> None:
    await api.data('mutation { updateInventoryConfig(input: {backorderCustomerGroups: ["B2B"]}) { backorders } }')
    await api.create_product("KEG", backorders="ALLOW_QTY_BELOW_ZERO")
    await subscribe(api, "KEG", "ann@example.com")
    await api.data("mutation { updateInventoryConfig(input: {backorderCustomerGroups: null}) { backorders } }")
    await send(api)
    subjects = [m["Subject"] for m in await mail_server.wait_for(2)]
    assert subjects[1:] == ["Product KEG is back in stock"]


async def test_a_group_list_that_shuts_guests_out_tells_them_out_of_stock(api: Api) -> None:
    await api.create_product("KEG", backorders="ALLOW_QTY_BELOW_ZERO")
    start = await last_id()
    await api.data('mutation { updateStockSettings(sku: "KEG", input: {backorderCustomerGroups: ["B2B"]}) { sku } }')
    assert await shown(api) == {"stockStatus": "OUT_OF_STOCK", "isSalable": False, "salableQuantity": 0}
    assert await stock_events(start) == [
        ("STOCK_CHANGED", "KEG", "default", 0),
        ("OUT_OF_STOCK", "KEG", "default", 0),
    ]
