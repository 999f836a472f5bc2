"""Requests refused before GraphQL runs: oversized, unreadable or misaddressed. Each answers a
GraphQL-shaped JSON error, and the server goes on serving."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api import Api

BODY_LIMIT_MESSAGE = "The request body is larger than the limit of 1048576 bytes (BACKSTOCK_MAX_BODY_BYTES)."


def refusal(response: httpx.Response, status: int) -> str:
    """The message of a transport error, after checking its status and shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    message: str = error["message"]
    return message


async def megabytes(count: int) -> AsyncIterator[bytes]:
    """A body sent in chunks without a Content-Length."""
    yield b'{"query": "{ __typename }", "variables": {"pad": "'
    for _ in range(count):
        yield b"x" * 1_048_576
    yield b'"}}'


async def test_oversized_bodies_get_413_and_the_server_goes_on(api: Api) -> None:
    async with asyncio.timeout(30):
        declared = await api.client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"pad": "x" * 20_000_000}}
        )
        chunked = await api.client.post("/graphql", content=megabytes(20), headers={"content-type": "application/json"})
        under = await api.client.post(
            "/graphql", json={"query": "{ __typename }", "variables": {"pad": "x" * 1_048_000}}
        )
    assert refusal(declared, 413) == BODY_LIMIT_MESSAGE
    assert refusal(chunked, 413) == BODY_LIMIT_MESSAGE
    assert under.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "{ __typename \xff }"}', "The request body is not valid UTF-8."),
        (b"null", "The request body must be a JSON object with a `query` string."),
        (b'"{ __typename }"', "The request body must be a JSON object with a `query` string."),
        (b"42", "The request body must be a JSON object with a `query` string."),
        (b'[{"query": "{ __typename }"}]', "The request body must be a JSON object with a `query` string."),
        (b"[" * 100_000, "The request body is nested too deeply."),
        (b"{not json", "Unable to parse request body as JSON"),
        (b'{"variables": {}}', "No GraphQL query found in the request"),
        (b'{"query": 42}', "The GraphQL operation's `query` must be a string or null, if provided."),
    ],
)
async def test_unreadable_bodies_get_400_in_json(api: Api, body: bytes, message: str) -> None:
    async with asyncio.timeout(10):
        response = await api.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert refusal(response, 400) == message


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/graphql", {"content-type": "text/plain"}, 415),
        ("POST", "/graphql", {}, 415),
        ("PUT", "/graphql", {"content-type": "application/json"}, 405),
        ("GET", "/nowhere", {}, 404),
        ("GET", "/graphql", {"accept": "text/html"}, 404),
    ],
)
async def test_transport_errors_answer_json(
    api: Api, method: str, path: str, headers: dict[str, Any], status: int
) -> None:
    async with asyncio.timeout(10):
        response = await api.client.request(method, path, content=b'{"query": "{ __typename }"}', headers=headers)
    assert refusal(response, status)
    if status == 405:
        assert "POST" in response.headers["allow"]


async def test_answers_are_compact_utf8_json(api: Api) -> None:
    """GraphQL answers are encoded by orjson (backstock.app): compact, non-ASCII text as UTF-8 rather than
    \\u escapes, and the same document as the standard library's encoder reads back."""
    await api.create_product("UTF-1", quantity=2)
    await api.data('mutation { updateProduct(sku: "UTF-1", input: {name: "Crème brûlée — 東京"}) { sku } }')
    response = await api.client.post("/graphql", json={"query": '{ product(sku: "UTF-1") { name isSalable } }'})
    assert response.content == '{"data":{"product":{"name":"Crème brûlée — 東京","isSalable":true}}}'.encode()
