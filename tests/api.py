"""A small GraphQL client over the ASGI app, for the tests (the benchmarks talk to real servers)."""

from __future__ import annotations

from typing import Any

import httpx

from backstock.notifications.dispatcher import Dispatcher
from backstock.settings import Settings
from harness.graphql import ADMIN_TOKEN, CHECKOUT, ORDER_FIELDS, PRODUCT_FIELDS


def leaves(data: Any) -> list[Any]:
    """Every scalar in an answer's data: an admin field refused leaves only nulls where it was."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in leaves(value)]
    return [data]


class Api:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    async def post(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, *, admin: bool = True) -> Any:
        """The data of a request that must succeed (as admin unless told otherwise)."""
        body = await self.post(query, variables, token=ADMIN_TOKEN if admin else None)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def error(self, query: str, variables: dict[str, Any] | None = None, *, admin: bool = True) -> Any:
        """The first error of a request that must fail."""
        body = await self.post(query, variables, token=ADMIN_TOKEN if admin else None)
        assert body.get("errors"), body
        return body["errors"][0]

    async def create_product(self, sku: str, quantity: int = 0, price: str = "10.00", **settings: Any) -> Any:
        data = await self.data(
            f"mutation($input: ProductInput!) {{ createProduct(input: $input) {{ {PRODUCT_FIELDS} }} }}",
            {
                "input": {
                    "sku": sku,
                    "name": f"Product {sku}",
                    "price": price,
                    "quantity": quantity,
                    "stockSettings": settings,
                }
            },
        )
        return data["createProduct"]

    async def product(self, sku: str, quantity: int = 1) -> Any:
        query = f"query($sku: String!) {{ product(sku: $sku) {{ {PRODUCT_FIELDS} }} }}"
        return (
            await self.data(query.replace("backorderMessage", f"backorderMessage(quantity: {quantity})"), {"sku": sku})
        )["product"]

    async def checkout(
        self, *lines: tuple[str, int], email: str = "shopper@example.com", key: str | None = None
    ) -> Any:
        variables = {
            "input": {
                "lines": [{"sku": s, "quantity": q} for s, q in lines],
                "customer": {"email": email, "name": "Sam Shopper"},
                "idempotencyKey": key,
            }
        }
        return (await self.data(CHECKOUT, variables, admin=False))["checkout"]

    async def order(self, number: str) -> Any:
        query = f"query($n: String!) {{ order(number: $n) {{ {ORDER_FIELDS} }} }}"
        return (await self.data(query, {"n": number}))["order"]

    async def send_mail(self) -> int:
        """Runs the dispatcher once, as the server's background task would."""
        return await Dispatcher(self.settings).dispatch_once()
