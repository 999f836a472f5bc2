"""Six weeks of demo orders (shipped, cancelled, a few still waiting), so the reports and the demand
figures have something to show after `make run`. Only products whose figures the README tour and
the server smoke test do not count on (not `BAG-WEEKENDER`, `KETTLE-GOOSENECK`, `TEE-CLASSIC-M`) take
orders, so theirs hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backstock.models import Order, StoreConfig
from backstock.resolvers import catalog, checkout, fulfilment
from backstock.resolvers.groups import terms
from backstock.resolvers.orders import OrderRecord

DOMAIN = "@demo.example"
SUPPLIED = ("TEE-CLASSIC-L", "SOCKS-WOOL-3PK", "NAPKIN-LINEN", "CANDLE-CEDAR", "LAMP-DESK")
# (days ago, SKU, units, what became of it): SHIP ships what is ready, CANCEL cancels the order, WAIT leaves it.
HISTORY: list[tuple[int, str, int, str]] = [
    *((day, "SOCKS-WOOL-3PK", 1, "SHIP") for day in range(41, 0, -3)),
    *((day, "SOCKS-WOOL-3PK", 2, "SHIP") for day in range(40, 0, -5)),
    *((day, "NAPKIN-LINEN", 4, "SHIP") for day in range(35, 0, -7)),
    (20, "CANDLE-CEDAR", 3, "SHIP"),
    (9, "CANDLE-CEDAR", 4, "SHIP"),
    (30, "CANDLE-CEDAR", 2, "CANCEL"),
    (12, "SOCKS-WOOL-3PK", 4, "CANCEL"),
    (4, "NAPKIN-LINEN", 8, "CANCEL"),
    (6, "LAMP-DESK", 2, "WAIT"),
    (3, "LAMP-DESK", 3, "WAIT"),
    (1, "LAMP-DESK", 1, "WAIT"),
]


async def load_order_history(store_config: StoreConfig, supplier: str, today: datetime | None = None) -> int:
    """Places the history once (none of its orders exist yet) and names `supplier` on the products it
    sells; returns how many orders were placed."""
    if await Order.exists(customer_email__endswith=DOMAIN):
        return 0
    store = terms(store_config)
    for sku in SUPPLIED:
        await catalog.update_product(sku, None, None, store, supplier)
    now = today or datetime.now(UTC)
    for index, (days_ago, sku, units, outcome) in enumerate(HISTORY):
        placed = await checkout.checkout(
            [(sku, units)], f"customer{index % 7}{DOMAIN}", None, None, store_config, None, now.date()
        )
        if not isinstance(placed, OrderRecord):
            raise RuntimeError(f"demo order of {units} x {sku} refused: {placed}")
        number = placed.order.number
        await Order.filter(number=number).update(created_at=now - timedelta(days=days_ago, hours=index % 9))
        if outcome == "SHIP":
            await fulfilment.ship_order(number, None, None, store_config)
        elif outcome == "CANCEL":
            await fulfilment.cancel_order(number, None, store_config)
    return len(HISTORY)
