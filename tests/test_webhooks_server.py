"""One real `backstock serve`: its own background loop delivers webhooks, configured from the environment."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.graphql import ADMIN_TOKEN
from harness.mailserver import MailServer
from harness.servers import backstock, running_server, server_env
from tests.receiver import Receiver

pytestmark = pytest.mark.slow


async def test_the_server_delivers_webhooks_by_itself(tmp_path: Path, mail_server: MailServer) -> None:
    env = server_env(
        f"sqlite://{tmp_path / 'hooks.sqlite3'}", mail_server.port, BACKSTOCK_WEBHOOKS_ALLOW_PRIVATE="true"
    )
    backstock("migrate", env=env)
    receiver = Receiver()
    receiver.start()
    try:
        with running_server(env, log=tmp_path / "server.log") as base:
            async with httpx.AsyncClient(
                base_url=base, timeout=10, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
            ) as client:

                async def post(query: str, variables: dict[str, Any] | None = None) -> Any:
                    body = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
                    assert "errors" not in body, body
                    return body["data"]

                created = await post(
                    "mutation($url: String!) { createWebhook(url: $url, events: [ORDER_PLACED]) { secret } }",
                    {"url": receiver.url},
                )
                receiver.secret = created["createWebhook"]["secret"]
                await post(
                    'mutation { createProduct(input: {sku: "MUG", name: "Mug", price: "5", quantity: 3}) { sku } }'
                )
                order = await post(
                    'mutation { checkout(input: {lines: [{sku: "MUG", quantity: 1}], '
                    'customer: {email: "a@example.com"}}) { ... on Order { number } } }'
                )
                assert await asyncio.to_thread(receiver.got_accepted.wait, 10), "no delivery within 10 s"
    finally:
        receiver.stop()
    [body] = receiver.accepted.values()
    assert (body["type"], body["data"]["orderNumber"]) == ("ORDER_PLACED", order["checkout"]["number"])
