"""Two `backstock serve` workers on one PostgreSQL database: still no oversell, and the two
in-process dispatchers send every email exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from harness.graphql import CHECKOUT
from harness.mailserver import MailServer
from harness.servers import running_server, server_env
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]
SHOPPERS, STOCK = 80, 25


async def test_two_workers_never_oversell_nor_double_send(api: Api, mail_server: MailServer, tmp_path: Path) -> None:
    await api.create_product("HOT", quantity=STOCK)
    env = server_env(api.settings.database_url, mail_server.port)
    with running_server(env, workers=2, log=tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def shop(i: int) -> str:
                variables = {
                    "input": {"lines": [{"sku": "HOT", "quantity": 1}], "customer": {"email": f"s{i}@example.com"}}
                }
                response = await client.post("/graphql", json={"query": CHECKOUT, "variables": variables})
                return str(response.json()["data"]["checkout"]["__typename"])

            outcomes = await asyncio.gather(*(shop(i) for i in range(SHOPPERS)))
        assert (outcomes.count("Order"), outcomes.count("CheckoutRejected")) == (STOCK, SHOPPERS - STOCK)
        received = await mail_server.wait_for(STOCK, seconds=20)
        await asyncio.sleep(0.5)  # a double send would arrive within the dispatch interval
    assert len(mail_server.messages) == len(received) == STOCK
    assert len({m["To"] for m in mail_server.messages}) == STOCK
    product = await api.product("HOT")
    assert (product["reservedQuantity"], product["salableQuantity"]) == (STOCK, 0)
    await assert_ledger_matches_counters()
