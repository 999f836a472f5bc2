"""Shared steps of the multi-source tests: sources, stocks and per-channel reads over the API."""

from __future__ import annotations

from typing import Any

from harness.graphql import CHECKOUT, PRODUCT_FIELDS
from tests.api import Api

UPSERT_SOURCE = """mutation($input: SourceInput!) { upsertSource(input: $input) { code name enabled email } }"""
UPSERT_STOCK = """mutation($input: StockInput!) {
  upsertStock(input: $input) { code name sources { code } channels } }"""
SOURCE_ITEMS = """query($sku: String!) { product(sku: $sku) {
  sourceItems { source { code } quantity inStock notifyForQuantityBelow isLowStock } } }"""
SHIP = """mutation($n: String!, $sources: [ShipmentSourceInput!]) {
  shipOrder(number: $n, sources: $sources) { number lines { sku quantity } sources { source sku quantity } } }"""


async def source(api: Api, code: str, **fields: Any) -> Any:
    return (await api.data(UPSERT_SOURCE, {"input": {"code": code, "name": f"Source {code}", **fields}}))[
        "upsertSource"
    ]


async def stock(api: Api, code: str, sources: list[str], channels: list[str]) -> Any:
    variables = {"input": {"code": code, "name": f"Stock {code}", "sources": sources, "channels": channels}}
    return (await api.data(UPSERT_STOCK, variables))["upsertStock"]


async def warehouses(api: Api, *codes: str, channel: str = "eu") -> None:
    """Sources `codes` (in priority order) in a stock of their own, sold through `channel`."""
    for code in codes:
        await source(api, code)
    await stock(api, channel, list(codes), [channel])


async def set_quantity(api: Api, sku: str, quantity: int, source_code: str) -> Any:
    query = "mutation($sku: String!, $q: Int!, $s: String) { setStockQuantity(sku: $sku, quantity: $q, source: $s) { sku } }"
    return await api.data(query, {"sku": sku, "q": quantity, "s": source_code})


async def product_in(api: Api, sku: str, channel: str) -> Any:
    query = f"query($sku: String!, $c: String) {{ product(sku: $sku, channel: $c) {{ {PRODUCT_FIELDS} }} }}"
    return (
        await api.data(query.replace("backorderMessage", "backorderMessage(quantity: 1)"), {"sku": sku, "c": channel})
    )["product"]


async def source_items(api: Api, sku: str) -> dict[str, Any]:
    items = (await api.data(SOURCE_ITEMS, {"sku": sku}))["product"]["sourceItems"]
    return {item["source"]["code"]: item for item in items}


async def checkout_in(api: Api, channel: str, *lines: tuple[str, int], email: str = "shopper@example.com") -> Any:
    variables = {
        "input": {
            "lines": [{"sku": s, "quantity": q} for s, q in lines],
            "customer": {"email": email},
            "channel": channel,
        }
    }
    return (await api.data(CHECKOUT.replace("number status", "number channel status"), variables, admin=False))[
        "checkout"
    ]
