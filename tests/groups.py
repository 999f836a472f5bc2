"""Shared steps of the customer group and backorder cap tests (DESIGN.md 7.3): keys, group reads, checkouts."""

from __future__ import annotations

from typing import Any

from harness.graphql import CHECKOUT
from tests.api import Api

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
CAP_FIELDS = "backorderCustomerGroups maxBackorderQuantityPerOrder maxBackorderQuantityPerCustomer"
CREATE_KEY = 'mutation($role: ApiKeyRole!) { createApiKey(name: "shop", role: $role) { secret } }'
SHOPPER_FIELDS = "sku stockStatus isSalable salableQuantity onlyXLeft backorderMessage(quantity: 5)"
PRODUCT = f"""query($sku: String!, $group: String) {{
  product(sku: $sku, customerGroup: $group) {{ {SHOPPER_FIELDS} }} }}"""
QUOTE = """query($input: QuoteInput!) { quote(input: $input) {
  isOrderable lines { sku inStockQuantity backorderedQuantity message error { code message } } } }"""


async def key(api: Api, role: str = "STOREFRONT") -> str:
    return str((await api.data(CREATE_KEY, {"role": role}))["createApiKey"]["secret"])


async def store_caps(api: Api, **settings: Any) -> Any:
    query = f"mutation($input: InventoryConfigInput!) {{ updateInventoryConfig(input: $input) {{ {CAP_FIELDS} }} }}"
    return (await api.data(query, {"input": settings}))["updateInventoryConfig"]


async def product_for(api: Api, sku: str, group: str | None, token: str | None) -> Any:
    body = await api.post(PRODUCT, {"sku": sku, "group": group}, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]["product"]


async def quote(api: Api, *lines: tuple[str, int], token: str | None = None, **extra: Any) -> Any:
    variables = {"input": {"lines": [{"sku": s, "quantity": q} for s, q in lines], **extra}}
    body = await api.post(QUOTE, variables, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]["quote"]


async def checkout(
    api: Api,
    *lines: tuple[str, int],
    email: str = "shopper@example.com",
    group: str | None = None,
    token: str | None = None,
    channel: str | None = None,
) -> Any:
    variables = {
        "input": {
            "lines": [{"sku": s, "quantity": q} for s, q in lines],
            "customer": {"email": email, "group": group},
            "channel": channel,
        }
    }
    body = await api.post(CHECKOUT.replace("number status", "number customerGroup status"), variables, token=token)
    assert "errors" not in body, body["errors"]
    return body["data"]["checkout"]


def refusal(result: Any) -> tuple[str, str]:
    assert result["__typename"] == "CheckoutRejected", result
    error = result["errors"][0]
    return error["code"], error["message"]
