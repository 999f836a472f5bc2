"""Admin access, error masking and request limits."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from starlette.requests import Request

from backstock.resolvers import catalog
from backstock.schema.context import Context
from backstock.settings import Settings
from harness.graphql import ADMIN_TOKEN
from tests.api import Api, leaves

ADMIN_ONLY = [
    "{ inventoryConfig { backorders } }",
    '{ product(sku: "X") { quantity } }',
    'mutation { createProduct(input: {sku: "X", name: "X", price: "1"}) { sku } }',
    'mutation { setStockQuantity(sku: "X", quantity: 3) { sku } }',
    'mutation { bulkUpdateStock(rows: [{sku: "X", quantity: 3}]) { applied } }',
    'mutation { shipOrder(number: "BS-1") { number } }',
    '{ order(number: "BS-1") { number } }',
]


def answered(data: object) -> list[object]:
    """Every value the answer carries besides null: an admin field refused leaves none."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in answered(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in answered(value)]
    return [] if data is None else [data]


@pytest.mark.parametrize("query", ADMIN_ONLY)
@pytest.mark.parametrize("token", [None, "wrong-token", ADMIN_TOKEN + "x"])
async def test_admin_fields_refuse_without_the_token(api: Api, query: str, token: str | None) -> None:
    await api.create_product("X", quantity=2)
    body = await api.post(query, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert all(leaf is None for leaf in leaves(body.get("data")))
    assert (await api.product("X"))["quantity"] == 2


async def test_storefront_fields_need_no_token(api: Api) -> None:
    await api.create_product("X", quantity=2)
    data = await api.data('{ product(sku: "X") { sku stockStatus salableQuantity } }', admin=False)
    assert data == {"product": {"sku": "X", "stockStatus": "IN_STOCK", "salableQuantity": 2}}


async def test_a_storefront_asking_an_admin_field_still_gets_the_listing(api: Api) -> None:
    for sku in ("A", "B"):
        await api.create_product(sku, quantity=2)
    query = "{ products { totalCount edges { node { sku salableQuantity quantity stockSettings { backorders } } } } }"
    body = await api.post(query)
    assert body["data"]["products"]["totalCount"] == 2
    assert [edge["node"] for edge in body["data"]["products"]["edges"]] == [
        {"sku": sku, "salableQuantity": 2, "quantity": None, "stockSettings": None} for sku in ("A", "B")
    ]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"UNAUTHENTICATED"}
    assert {tuple(error["path"][-1:]) for error in body["errors"]} == {("quantity",), ("stockSettings",)}


async def test_unexpected_errors_are_masked_and_logged(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError('relation "product" does not exist: SELECT secret FROM product')

    monkeypatch.setattr(catalog, "find_product", broken)
    body = await api.post('{ product(sku: "X") { sku } }')
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "SELECT" not in str(body)
    assert "SELECT secret" in caplog.text


async def test_invalid_documents_say_what_is_wrong(api: Api) -> None:
    body = await api.post("{ nope }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Cannot query field" in body["errors"][0]["message"]


async def test_deep_and_wide_documents_are_refused(api: Api) -> None:
    aliases = " ".join(f'a{i}: product(sku: "X") {{ sku }}' for i in range(40))
    body = await api.post(f"{{ {aliases} }}")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "aliases" in body["errors"][0]["message"]
    deep = "{ products { edges { node { stockSettings { overridden } } } pageInfo { hasNextPage } } }"
    assert "errors" not in await api.post(deep, token=ADMIN_TOKEN)
    too_deep = '{ a: order(number: "X") { lines { sku } shipments { lines { sku } } } }'
    assert "errors" not in await api.post(too_deep, token=ADMIN_TOKEN)
    huge = "{ " + " ".join(f"f{i}: __typename" for i in range(3000)) + " }"
    body = await api.post(huge)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert (ready.status_code, ready.json()["database"]) == (200, "ok")


@pytest.mark.parametrize(
    ("configured", "header", "admin"),
    [
        (None, "Bearer anything", False),
        (None, "Bearer ", False),
        ("s3cret-s3cret-s3cret", "Bearer s3cret-s3cret-s3cret", True),
        ("s3cret-s3cret-s3cret", "bearer s3cret-s3cret-s3cret", True),
        ("s3cret-s3cret-s3cret", "Basic s3cret-s3cret-s3cret", False),
        ("s3cret-s3cret-s3cret", "", False),
    ],
)
async def test_no_admin_access_without_a_configured_token(configured: str | None, header: str, admin: bool) -> None:
    scope = {"type": "http", "headers": [(b"authorization", header.encode())] if header else []}
    settings = Settings(admin_token=SecretStr(configured) if configured else None)
    assert (await Context.for_request(Request(scope), None, settings)).is_admin is admin
