"""A small realistic catalog covering every stock mode, for `make run` and the README tour, with a
second warehouse (Berlin) sold through its own channel (`eu`), so stock differs per channel, and a
supplier's open purchase orders, so expected ship dates show at once, a sold-out mug to subscribe
to, alternatives to offer, a product on pre-order and six weeks of orders for the reports."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from backstock import rules
from backstock.demo_history import load_order_history
from backstock.models import OutboxMessage, OutboxStatus, Product, ProductAlternative, PurchaseOrder, StoreConfig
from backstock.resolvers import (
    alternatives,
    catalog,
    config,
    preorders,
    projection,
    purchasing,
    sources,
    stock,
    suppliers,
)
from backstock.resolvers.groups import terms
from backstock.rules import BackorderMode

NOTIFY = BackorderMode.ALLOW_QTY_BELOW_ZERO_AND_NOTIFY
SUPPLIER = "NORDIC-GOODS"

PRODUCTS: list[dict[str, Any]] = [
    {"sku": "TEE-CLASSIC-M", "name": "Classic Tee (M)", "price": "19.90", "quantity": 120},
    {
        "sku": "TEE-CLASSIC-L",
        "name": "Classic Tee (L)",
        "price": "19.90",
        "quantity": 4,
        "stock_settings": {"only_x_left_threshold": 5},
    },
    # Sold out with a purchase order on the way: shoppers subscribe to its back-in-stock alert.
    {"sku": "MUG-ENAMEL", "name": "Enamel Camp Mug", "price": "14.50", "quantity": 0},
    {"sku": "MUG-STONEWARE", "name": "Stoneware Mug", "price": "16.00", "quantity": 30},
    {
        "sku": "BAG-WEEKENDER",
        "name": "Waxed Canvas Weekender",
        "price": "189.00",
        "quantity": 25,
        "stock_settings": {
            "backorders": NOTIFY,
            "out_of_stock_threshold": -50,
            "notify_for_quantity_below": 10,
            "only_x_left_threshold": 5,
        },
    },
    # Sold out on the store's default (no backorders): the README tour switches it to notify mode.
    {"sku": "KETTLE-GOOSENECK", "name": "Gooseneck Kettle", "price": "79.00", "quantity": 0},
    {
        "sku": "LAMP-DESK",
        "name": "Brass Desk Lamp",
        "price": "129.00",
        "quantity": 0,
        "stock_settings": {"backorders": BackorderMode.ALLOW_QTY_BELOW_ZERO, "out_of_stock_threshold": -10},
    },
    {"sku": "GIFT-CARD-50", "name": "Gift Card 50", "price": "50.00", "stock_settings": {"manage_stock": False}},
    {
        "sku": "SOCKS-WOOL-3PK",
        "name": "Merino Socks (3 pack)",
        "price": "24.00",
        "quantity": 60,
        "stock_settings": {"min_sale_quantity": 1, "max_sale_quantity": 12, "quantity_increments": 1},
    },
    {
        "sku": "NAPKIN-LINEN",
        "name": "Linen Napkins",
        "price": "6.00",
        "quantity": 48,
        "stock_settings": {"min_sale_quantity": 4, "quantity_increments": 4},
    },
    {"sku": "POSTER-LTD", "name": "Limited Print Poster", "price": "35.00", "quantity": 10, "in_stock": False},
    {
        "sku": "CANDLE-CEDAR",
        "name": "Cedar Candle",
        "price": "28.00",
        "quantity": 12,
        "stock_settings": {"out_of_stock_threshold": 2},
    },
    {"sku": "LAMP-AURORA", "name": "Aurora Desk Lamp (launch edition)", "price": "89.00", "quantity": 6},
]

# Pre-orders (DESIGN.md 7.2): SKU -> (days from today to the release, cap of pre-ordered units).
PREORDERS: dict[str, tuple[int, int]] = {"LAMP-AURORA": (14, 25)}


# Units at the Berlin warehouse, sold only through channel `eu`.
BERLIN: dict[str, int] = {"TEE-CLASSIC-M": 40, "SOCKS-WOOL-3PK": 25, "BAG-WEEKENDER": 15}


# Alternatives offered in place of a product, best first.
ALTERNATIVES: dict[str, list[str]] = {
    "MUG-ENAMEL": ["MUG-STONEWARE", "KETTLE-GOOSENECK"],
    "TEE-CLASSIC-L": ["TEE-CLASSIC-M"],
}


# Open purchase orders from one supplier: (number, days from today, SKU, units).
PURCHASE_ORDERS: list[tuple[str, int, str, int]] = [
    ("PO-1001", 10, "BAG-WEEKENDER", 20),
    ("PO-1002", 5, "MUG-ENAMEL", 48),
    ("PO-1003", 21, "KETTLE-GOOSENECK", 12),
]


async def load_demo_data(timezone: str = "UTC") -> int:
    """Creates what is missing (existing SKUs and purchase orders are left alone); returns how many
    products were created."""
    last = await OutboxMessage.all().order_by("-id").first()
    today = projection.today(timezone)
    store_config = await config.update_store_config({"low_stock_recipients": ["merchant@example.com"]}, today)
    await sources.upsert_source(
        {"code": "berlin", "name": "Berlin warehouse", "email": "berlin@example.com"}, store_config, today
    )
    await sources.upsert_stock(
        {"code": "eu", "name": "EU stock", "sources": ["berlin"], "channels": ["eu"]}, store_config, today
    )
    store = terms(store_config)
    created = 0
    for data in PRODUCTS:
        if await Product.exists(sku=data["sku"]):
            continue
        await catalog.create_product({**data, "price": Decimal(data["price"])}, store)
        if data["sku"] in BERLIN:
            await stock.set_stock_quantity(data["sku"], BERLIN[data["sku"]], "berlin", store_config, today)
        if data["sku"] in PREORDERS:
            days, cap = PREORDERS[data["sku"]]
            launch = rules.Preorder(today + timedelta(days=days), cap)
            await preorders.set_preorder(data["sku"], launch, store, store_config)
        created += 1
    for sku, listed in ALTERNATIVES.items():
        if not await ProductAlternative.exists(product__sku=sku):
            await alternatives.replace_alternatives(sku, listed, store)
    await _purchase_orders(store_config, today)
    await load_order_history(store_config, SUPPLIER)
    # The demo's customers and supplier are made up: what loading it would email them is never sent.
    await OutboxMessage.filter(id__gt=last.id if last else 0, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.DISCARDED
    )
    return created


async def _purchase_orders(store_config: StoreConfig, today: date) -> None:
    await suppliers.upsert_supplier(
        {"code": SUPPLIER, "name": "Nordic Goods", "email": "orders@nordic.example", "lead_time_days": 14}
    )
    for number, days, sku, units in PURCHASE_ORDERS:
        if await PurchaseOrder.exists(number=number):
            continue
        lines = [purchasing.Line(sku, units)]
        await purchasing.create_purchase_order(number, SUPPLIER, today + timedelta(days=days), lines, None)
        await purchasing.submit_purchase_order(number, store_config, today)
