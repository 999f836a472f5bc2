"""One real `backstock serve` (uvicorn) on a migrated SQLite file: tortoise must work outside
the in-process test app too, and the server's own dispatcher must send the email."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from harness.graphql import ADMIN_TOKEN
from harness.mailserver import MailServer
from harness.servers import backstock, running_server, server_env

pytestmark = pytest.mark.slow


async def test_real_server_serves_checkouts_and_sends_mail(tmp_path: Path, mail_server: MailServer) -> None:
    env = server_env(f"sqlite://{tmp_path / 'smoke.sqlite3'}", mail_server.port)
    backstock("migrate", env=env)
    assert "products created" in backstock("demo-data", env=env).stdout
    mail_server.clear()
    with running_server(env, log=tmp_path / "server.log") as base:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            listing = await client.post("/graphql", json={"query": "{ products { totalCount } }"})
            assert listing.json()["data"]["products"]["totalCount"] >= 10
            per_channel = await client.post(
                "/graphql",
                json={
                    "query": '{ eu: product(sku: "TEE-CLASSIC-M", channel: "eu") { salableQuantity } '
                    'home: product(sku: "TEE-CLASSIC-M") { salableQuantity } }'
                },
            )
            assert per_channel.json()["data"] == {"eu": {"salableQuantity": 40}, "home": {"salableQuantity": 120}}
            order = await client.post(
                "/graphql",
                json={
                    "query": """mutation { checkout(input: {
                lines: [{sku: "BAG-WEEKENDER", quantity: 30}], customer: {email: "smoke@example.com"}}) {
                ... on Order { number lines { quantityBackordered backorderMessage } } } }"""
                },
            )
            line = order.json()["data"]["checkout"]["lines"][0]
            assert line["quantityBackordered"] == 5
            denied = await client.post("/graphql", json={"query": "{ inventoryConfig { backorders } }"})
            assert denied.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            allowed = await client.post(
                "/graphql",
                json={"query": "{ inventoryConfig { backorders } }"},
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            assert allowed.json()["data"]["inventoryConfig"]["backorders"] == "NO_BACKORDERS"
        received = await mail_server.wait_for(2, seconds=10)
    assert sorted(m["To"] for m in received) == ["merchant@example.com", "smoke@example.com"]
    confirmation = next(m for m in received if m["To"] == "smoke@example.com")
    assert "back order the remaining 5" in confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "backstock.cli", "serve", "--workers", "2"],
        env=server_env(f"sqlite://{tmp_path / 'x.sqlite3'}", 1),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr
