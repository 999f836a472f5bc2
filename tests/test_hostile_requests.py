"""Documents built to cost the server: fragment bombs, depth, aliases, length, slow execution,
introspection, and request text that would reach the log."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from strawberry.extensions.parser_cache import _get_parse_cache

from backstock.app import create_app
from backstock.resolvers import catalog
from backstock.schema.limits import CACHED_QUERY_LENGTH
from backstock.settings import Settings
from harness.graphql import ADMIN_TOKEN
from tests.api import Api


@contextlib.asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app built with other settings, on the database that the session's app has opened."""
    app = create_app(settings.model_copy(update=changes))
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://backstock.test", headers=headers
    ) as client:
        yield client


def fragment_bomb(levels: int) -> str:
    """One anonymous query, `levels` fragments each spreading the next twice: 2^levels fields."""
    fragments = " ".join(f"fragment f{i} on Query {{ ...f{i + 1} ...f{i + 1} }}" for i in range(levels - 1))
    return f"{{ ...f0 }} {fragments} fragment f{levels - 1} on Query {{ __typename }}"


async def test_fragment_bombs_are_refused_at_once_while_health_answers(api: Api) -> None:
    """Each level doubled the work before the fix (24 levels held the event loop for 27 s, and no
    timeout cuts synchronous work short): 20 levels come first, so the old code failed in seconds."""
    for levels in (20, 24, 30):
        started = time.monotonic()
        async with asyncio.timeout(5):
            bomb, health = await asyncio.gather(api.post(fragment_bomb(levels)), api.client.get("/healthz"))
        assert time.monotonic() - started < 1
        assert health.json() == {"status": "ok"}
        assert len(bomb["errors"]) == 1
        assert bomb["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "BACKSTOCK_MAX_QUERY_COST" in bomb["errors"][0]["message"]
        assert bomb["errors"][0]["message"].startswith(f"The document selects {2 ** (levels - 1)} fields")


async def test_fragments_count_with_every_spread(api: Api, settings: Settings) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(16))
    twice = f"{{ ...f ...g }} fragment f on Query {{ {aliases} }} fragment g on Query {{ ...f }}"
    error = await api.error(twice)
    assert error["message"].startswith("The document has 32 aliases")
    assert "BACKSTOCK_MAX_ALIASES" in error["message"]
    assert "errors" not in await api.post(f"{{ ...f }} fragment f on Query {{ {aliases} }}")

    deep = "{ products { edges { ...node } } } fragment node on ProductEdge { node { stockSettings { overridden } } }"
    async with asyncio.timeout(10), app_with(settings, max_query_depth=4) as client:
        refused = (await client.post("/graphql", json={"query": deep})).json()
        shallow = (await client.post("/graphql", json={"query": "{ products { edges { node { sku } } } }"})).json()
    assert refused["errors"][0]["message"].startswith("The operation is 5 fields deep; the limit is 4")
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert shallow == {"data": {"products": {"edges": []}}}


async def test_fragment_cycles_and_unknown_fragments_are_reported_not_followed(api: Api) -> None:
    async with asyncio.timeout(5):
        cycle = await api.error("{ ...a } fragment a on Query { ...b } fragment b on Query { ...a __typename }")
        unknown = await api.error("{ ...nowhere }")
    assert "within itself" in cycle["message"]
    assert "Unknown fragment 'nowhere'" in unknown["message"]


async def test_execution_past_the_time_limit_is_stopped_and_rolled_back(api: Api, settings: Settings) -> None:
    """A microsecond limit stops any request at its first database round trip."""
    await api.create_product("SLOW", quantity=1)
    async with asyncio.timeout(10), app_with(settings, request_timeout=0.000001) as client:
        read = (await client.post("/graphql", json={"query": '{ product(sku: "SLOW") { sku } }'})).json()
        write = await client.post(
            "/graphql", json={"query": 'mutation { setStockQuantity(sku: "SLOW", quantity: 9) { quantity } }'}
        )
        instant = (await client.post("/graphql", json={"query": "{ __typename }"})).json()
    assert read["data"] is None
    assert read["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "limit of 1e-06 s (BACKSTOCK_REQUEST_TIMEOUT)" in read["errors"][0]["message"]
    assert "BACKSTOCK_REQUEST_TIMEOUT" in write.json()["errors"][0]["message"]
    assert instant == {"data": {"__typename": "Query"}}
    assert (await api.product("SLOW"))["quantity"] == 1


async def test_long_queries_are_refused_and_large_ones_not_cached(api: Api) -> None:
    cache: Any = _get_parse_cache(256)  # the lru_cache shared by ParserCache(maxsize=256)
    too_long = "{ __typename }" + " " * 20_000
    error = await api.error(too_long)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "The query is 20014 characters long; the limit is 20000 (BACKSTOCK_MAX_QUERY_LENGTH)."

    looked_up = cache.cache_info().misses + cache.cache_info().hits
    large = "{ __typename }" + " " * CACHED_QUERY_LENGTH
    assert await api.data(large) == {"__typename": "Query"}
    assert cache.cache_info().misses + cache.cache_info().hits == looked_up
    await api.data("{ small: __typename }")
    assert cache.cache_info().misses + cache.cache_info().hits == looked_up + 1


async def test_introspection_can_be_turned_off(api: Api, settings: Settings) -> None:
    schema_query = "{ __schema { queryType { name } } }"
    assert (await api.data(schema_query))["__schema"]["queryType"]["name"] == "Query"
    async with asyncio.timeout(10), app_with(settings, introspection=False) as client:
        refused = [
            (await client.post("/graphql", json={"query": query})).json()
            for query in (schema_query, '{ __type(name: "Product") { name } }')
        ]
        typename = (await client.post("/graphql", json={"query": "{ __typename }"})).json()
    for body in refused:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "introspection has been disabled" in body["errors"][0]["message"]
    assert typename == {"data": {"__typename": "Query"}}


async def test_request_text_reaches_the_log_escaped_and_cut_short(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(sku: str, *_: object) -> None:
        raise RuntimeError(f"lookup failed for {sku}")

    monkeypatch.setattr(catalog, "find_product", broken)
    forged = "X\n2026-11-30 09:00:00 CRITICAL backstock: forged line"
    sku = forged + "y" * 10_000
    body = await api.post("query($sku: String!) { product(sku: $sku) { sku } }", {"sku": sku})
    assert body["errors"][0]["message"] == "Unexpected error."
    [record] = [r for r in caplog.records if r.name == "backstock.graphql"]
    logged = record.getMessage()
    assert "RuntimeError: 'lookup failed for X\\n2026-11-30 09:00:00 CRITICAL backstock: forged line" in logged
    assert not any(line.startswith("2026-11-30") for line in logged.splitlines())
    assert "y" * 300 not in logged
    assert record.exc_info is None
