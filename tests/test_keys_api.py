"""API keys with roles: created once-shown, stored hashed, revocable; ADMIN and STOREFRONT access."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.requests import Request

from backstock.models import ApiKey
from backstock.resolvers.errors import BackstockError
from backstock.schema.context import Context
from harness.graphql import ADMIN_TOKEN, PRODUCT_FIELDS
from harness.queries import count_queries
from tests.api import Api, leaves
from tests.test_access import ADMIN_ONLY

CREATE = """
mutation($name: String!, $role: ApiKeyRole!) {
  createApiKey(name: $name, role: $role) { secret apiKey { id name role createdAt lastUsedAt revoked } }
}"""
REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id name role revoked } }"
KEYS = "{ apiKeys { id name role createdAt lastUsedAt revoked } }"
PUBLIC_LISTING = "{ products(first: 100) { edges { node { sku stockStatus salableQuantity } } } }"
ADMIN_LISTING = (
    f"{{ products(first: 100) {{ edges {{ node {{ {PRODUCT_FIELDS} stockSettings {{ overridden }} }} }} }} }}"
)


async def create_key(api: Api, role: str, name: str = "shop") -> Any:
    return (await api.data(CREATE, {"name": name, "role": role}))["createApiKey"]


def codes(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in body.get("errors", [])}


async def test_an_admin_key_does_what_the_admin_token_does(api: Api) -> None:
    await api.create_product("X", quantity=2)
    secret = (await create_key(api, "ADMIN", "back office"))["secret"]
    body = await api.post('{ product(sku: "X") { quantity } inventoryConfig { backorders } }', token=secret)
    assert body == {"data": {"product": {"quantity": 2}, "inventoryConfig": {"backorders": "NO_BACKORDERS"}}}
    body = await api.post(CREATE, {"name": "shop", "role": "STOREFRONT"}, token=secret)
    assert body["data"]["createApiKey"]["apiKey"]["role"] == "STOREFRONT"
    body = await api.post('mutation { setStockQuantity(sku: "X", quantity: 5) { quantity } }', token=secret)
    assert body == {"data": {"setStockQuantity": {"quantity": 5}}}


@pytest.mark.parametrize("query", ADMIN_ONLY)
async def test_a_storefront_key_is_forbidden_admin_fields_and_mutations(api: Api, query: str) -> None:
    await api.create_product("X", quantity=2)
    secret = (await create_key(api, "STOREFRONT"))["secret"]
    body = await api.post(query, token=secret)
    assert codes(body) == {"FORBIDDEN"}
    assert all(leaf is None for leaf in leaves(body.get("data")))
    assert (await api.product("X"))["quantity"] == 2


async def test_a_storefront_key_cannot_manage_keys(api: Api) -> None:
    admin = await create_key(api, "ADMIN")
    secret = (await create_key(api, "STOREFRONT"))["secret"]
    assert codes(await api.post(KEYS, token=secret)) == {"FORBIDDEN"}
    assert codes(await api.post(CREATE, {"name": "mine", "role": "ADMIN"}, token=secret)) == {"FORBIDDEN"}
    assert codes(await api.post(REVOKE, {"id": admin["apiKey"]["id"]}, token=secret)) == {"FORBIDDEN"}
    assert [key["name"] for key in (await api.data(KEYS))["apiKeys"]] == ["shop", "shop"]
    assert codes(await api.post(KEYS)) == {"UNAUTHENTICATED"}


async def test_a_storefront_listing_answers_everything_but_admin_fields(api: Api) -> None:
    for i in range(3):
        await api.create_product(f"S-{i}", quantity=i + 1)
    secret = (await create_key(api, "STOREFRONT"))["secret"]
    body = await api.post(ADMIN_LISTING, token=secret)
    nodes = [edge["node"] for edge in body["data"]["products"]["edges"]]
    assert [(n["sku"], n["salableQuantity"], n["quantity"], n["stockSettings"]) for n in nodes] == [
        ("S-0", 1, None, None),
        ("S-1", 2, None, None),
        ("S-2", 3, None, None),
    ]
    assert codes(body) == {"FORBIDDEN"}
    assert {tuple(error["path"][-1:]) for error in body["errors"]} == {
        ("quantity",),
        ("reservedQuantity",),
        ("backorderedQuantity",),
        ("inStock",),
        ("isLowStock",),
        ("stockSettings",),
    }
    assert (await api.post(PUBLIC_LISTING, token=secret)).keys() == {"data"}


async def test_the_secret_is_shown_once_and_stored_only_as_a_hash(api: Api) -> None:
    created = await create_key(api, "STOREFRONT")
    secret = created["secret"]
    match = re.fullmatch(r"bsk_[0-9a-f]{16}_(?P<random>[A-Za-z0-9_-]{43,})", secret)
    assert match, f"URL-safe, with at least 256 random bits: {secret}"
    random_part = match["random"]
    listed = await api.post(KEYS, token=ADMIN_TOKEN)
    assert listed["data"]["apiKeys"] == [created["apiKey"]]
    assert random_part not in str(listed)
    assert codes(await api.post("{ apiKeys { secret } }", token=ADMIN_TOKEN)) == {"BAD_USER_INPUT"}
    stored = await ApiKey.all().values()
    assert len(stored) == 1
    assert all(random_part not in str(value) for value in stored[0].values())
    assert (await create_key(api, "STOREFRONT"))["secret"] != secret


async def test_a_revoked_key_authenticates_nothing_and_stays_listed(api: Api) -> None:
    await api.create_product("X", quantity=2)
    created = await create_key(api, "ADMIN")
    secret, key_id = created["secret"], created["apiKey"]["id"]
    assert (await api.post('{ product(sku: "X") { quantity } }', token=secret))["data"]["product"]["quantity"] == 2
    revoked = (await api.data(REVOKE, {"id": key_id}))["revokeApiKey"]
    assert revoked == {"id": key_id, "name": "shop", "role": "ADMIN", "revoked": True}
    body = await api.post('{ product(sku: "X") { sku quantity } }', token=secret)
    assert body["data"] == {"product": {"sku": "X", "quantity": None}}
    assert codes(body) == {"UNAUTHENTICATED"}
    assert "unknown or revoked" in body["errors"][0]["message"]
    assert [(k["id"], k["revoked"]) for k in (await api.data(KEYS))["apiKeys"]] == [(key_id, True)]
    assert (await api.data(REVOKE, {"id": key_id}))["revokeApiKey"]["revoked"] is True


@pytest.mark.parametrize("forge", ["other-lookup", "other-random", "junk"])
async def test_an_unknown_secret_is_unauthenticated_where_a_key_is_needed(api: Api, forge: str) -> None:
    secret = (await create_key(api, "ADMIN"))["secret"]
    prefix, lookup, random_part = secret[:4], secret[4:20], secret[21:]
    forged = {
        "other-lookup": f"{prefix}{'0' * 16}_{random_part}",
        "other-random": f"{prefix}{lookup}_{random_part[::-1]}",
        "junk": "not-a-key",
    }[forge]
    assert codes(await api.post(KEYS, token=forged)) == {"UNAUTHENTICATED"}
    assert (await api.post(PUBLIC_LISTING, token=forged)).keys() == {"data"}


async def test_last_used_at_is_the_latest_authenticated_request_to_the_second(api: Api) -> None:
    created = await create_key(api, "STOREFRONT")
    secret, key_id = created["secret"], created["apiKey"]["id"]
    assert created["apiKey"]["lastUsedAt"] is None
    await api.post("{ apiKeys { id } }", token=secret + "x")
    assert (await api.data(KEYS))["apiKeys"][0]["lastUsedAt"] is None
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    await ApiKey.filter(id=int(key_id)).update(last_used_at=an_hour_ago)
    before = datetime.now(UTC).replace(microsecond=0)
    await api.post(PUBLIC_LISTING, token=secret)
    used = datetime.fromisoformat((await api.data(KEYS))["apiKeys"][0]["lastUsedAt"])
    assert before <= used <= datetime.now(UTC)
    assert used.microsecond == 0


async def test_revoking_an_unknown_key_is_not_found(api: Api) -> None:
    await create_key(api, "ADMIN")
    for key_id in ["999999", "abc", "2147483648", "99999999999999999999", "\u00b2"]:
        error = await api.error(REVOKE, {"id": key_id})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "id")


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "line\nbreak"])
async def test_a_bad_key_name_is_refused_by_name(api: Api, name: str) -> None:
    error = await api.error(CREATE, {"name": name, "role": "STOREFRONT"})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "name")
    assert "1 to 100 printable characters" in error["message"]
    assert await ApiKey.all().count() == 0


async def test_a_name_of_100_characters_is_kept(api: Api) -> None:
    assert (await create_key(api, "STOREFRONT", "k" * 100))["apiKey"]["name"] == "k" * 100


async def statements(api: Api, query: str, token: str | None) -> int:
    """Statements of one request, measured right after a warm-up in the same second: the key's
    last use is written at most once a second, and that write is not what is measured here."""
    for _ in range(5):
        second = int(time.time())
        await api.post("{ __typename }", token=token)
        with count_queries() as sent:
            body = await api.post(query, token=token)
        assert len(body["data"]["products"]["edges"]) == 100
        if int(time.time()) == second:
            return len(sent)
    raise AssertionError("five measurements each crossed a second")


async def test_a_key_costs_the_listing_one_statement(api: Api) -> None:
    for i in range(100):
        await api.create_product(f"S-{i}", quantity=i)
    storefront = (await create_key(api, "STOREFRONT"))["secret"]
    admin = (await create_key(api, "ADMIN"))["secret"]
    anonymous = await statements(api, PUBLIC_LISTING, None)
    assert await statements(api, PUBLIC_LISTING, storefront) == anonymous + 1
    assert await statements(api, ADMIN_LISTING, admin) == await statements(api, ADMIN_LISTING, ADMIN_TOKEN) + 1


@pytest.mark.parametrize(
    ("who", "code"),
    [("anonymous", "FORBIDDEN"), ("refused", "UNAUTHENTICATED"), ("STOREFRONT", None), ("ADMIN", None)],
)
async def test_asserting_for_a_shopper_needs_a_storefront_or_admin_key(api: Api, who: str, code: str | None) -> None:
    """The helper customer groups will call: the context built for a real request, keys from the database."""
    if who == "anonymous":
        headers = []
    else:
        token = "bsk_0000000000000000_x" if who == "refused" else (await create_key(api, who))["secret"]
        headers = [(b"authorization", f"Bearer {token}".encode())]
    context = await Context.for_request(Request({"type": "http", "headers": headers}), None, api.settings)
    if code is None:
        context.access.require_storefront()
        return
    with pytest.raises(BackstockError) as refused:
        context.access.require_storefront()
    assert refused.value.extensions["code"] == code
