"""stockChanged over graphql-transport-ws against real `backstock serve` processes, with a real WebSocket client.

A subscription starts asynchronously after its `subscribe` message, so each test first changes a
probe product until the subscriber hears it (bounded), then makes the change under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.connection import connections
from websockets.exceptions import InvalidStatus

from harness.graphql import ADMIN_TOKEN, CHECKOUT
from harness.mailserver import MailServer
from harness.servers import running_server, server_env
from harness.subscriber import Subscriber, subscribed
from tests.api import Api
from tests.multisource import warehouses
from tests.test_csv_cli import cli

pytestmark = pytest.mark.slow
ADJUST = "mutation($sku: String!, $d: Int!, $s: String) { adjustStock(sku: $sku, delta: $d, source: $s) { sku } }"
HEARD_WITHIN = 20.0


@contextlib.contextmanager
def server(
    api: Api, mail_server: MailServer, tmp_path: Path, workers: int = 1, extra: dict[str, str] | None = None
) -> Iterator[str]:
    """A real server on the test database (the test process is then "another process")."""
    env = server_env(api.settings.database_url, mail_server.port, **(extra or {}))
    with running_server(env, workers=workers, log=tmp_path / "server.log") as base:
        yield base


async def adjust(base: str, sku: str, delta: int, source: str | None = None) -> None:
    """Through a new connection each time, so that with several workers any of them may take it."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        response = await client.post(
            "/graphql",
            json={"query": ADJUST, "variables": {"sku": sku, "d": delta, "s": source}},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
    assert "errors" not in response.json(), response.json()


async def hear_probe(base: str, *subscribers: Subscriber, source: str | None = None) -> None:
    """Changes PROBE until every subscriber has heard it once: they are then all listening."""
    waiting = list(subscribers)
    deadline = time.monotonic() + HEARD_WITHIN
    while waiting:
        assert time.monotonic() < deadline, "a subscriber never heard the probe"
        await adjust(base, "PROBE", 1, source)
        for subscriber in list(waiting):
            with contextlib.suppress(TimeoutError):
                while (await subscriber.event(0.3))["sku"] != "PROBE":
                    pass
                waiting.remove(subscriber)
    await asyncio.gather(*(s.quiet(0.3) for s in subscribers))  # late probe events, if any


async def next_of(subscriber: Subscriber, sku: str, seconds: float = 5.0) -> dict[str, Any]:
    while (event := await subscriber.event(seconds))["sku"] != sku:
        pass
    return event


async def test_a_checkout_that_sells_out_reaches_the_subscriber(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    await api.create_product("PROBE", quantity=5)
    await api.create_product("LAST", quantity=2)
    await api.create_product("OTHER", quantity=2)
    with server(api, mail_server, tmp_path) as base:
        async with subscribed(base, variables={"skus": ["PROBE", "LAST"]}) as subscriber:
            await hear_probe(base, subscriber)
            await adjust(base, "OTHER", -2)  # a SKU it did not ask for: nothing of it may come
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                variables = {"input": {"lines": [{"sku": "LAST", "quantity": 2}], "customer": {"email": "a@b.co"}}}
                response = await client.post("/graphql", json={"query": CHECKOUT, "variables": variables})
            assert response.json()["data"]["checkout"]["__typename"] == "Order"
            events = await subscriber.events(3)
    assert [e["kind"] for e in events] == ["STOCK_CHANGED", "OUT_OF_STOCK", "LOW_STOCK"]
    for event in events:
        assert event | {"kind": None, "at": None} == {
            "kind": None,
            "sku": "LAST",
            "channel": "default",
            "stockStatus": "OUT_OF_STOCK",
            "isSalable": False,
            "salableQuantity": 0,
            "at": None,
        }


async def test_a_change_made_by_another_process_arrives_within_a_second(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    """This test process writes through its own app: polling on SQLite, LISTEN/NOTIFY on PostgreSQL.

    The second counts from the commit (the mutation's answer), not from the request: how long the
    mutation itself takes depends on the machine's load, not on delivery.
    """
    await api.create_product("PROBE", quantity=5)
    await api.create_product("MUG", quantity=0)
    with server(api, mail_server, tmp_path) as base:
        async with subscribed(base, variables={"skus": ["PROBE", "MUG"]}) as subscriber:
            await hear_probe(base, subscriber)
            await api.data('mutation { adjustStock(sku: "MUG", delta: 3) { sku } }')
            committed = time.monotonic()
            restocked = await subscriber.events(2, seconds=3)
            delay = time.monotonic() - committed
    assert [(e["kind"], e["salableQuantity"]) for e in restocked] == [("STOCK_CHANGED", 3), ("BACK_IN_STOCK", 3)]
    assert delay < 1.0


async def test_an_import_run_by_the_cli_reaches_the_subscriber(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    """`backstock import-stock` is another process: its events come by polling on SQLite, by NOTIFY on PostgreSQL.

    They are committed before the command exits, so they must arrive within a second of its exit.
    """
    await api.create_product("PROBE", quantity=5)
    await api.create_product("MUG", quantity=0)
    file = tmp_path / "stock.csv"
    file.write_text("sku,quantity\nMUG,7\n")
    with server(api, mail_server, tmp_path) as base:
        async with subscribed(base, variables={"skus": ["PROBE", "MUG"]}) as subscriber:
            await hear_probe(base, subscriber)
            status, out, err = await cli("import-stock", str(file), database_url=api.settings.database_url)
            assert status == 0, (out, err)
            restocked = await subscriber.events(2, seconds=1.2)
    assert [(e["kind"], e["salableQuantity"]) for e in restocked] == [("STOCK_CHANGED", 7), ("BACK_IN_STOCK", 7)]


async def test_channel_narrows_and_no_channel_hears_every_channel(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    await warehouses(api, "eu-wh", channel="eu")
    await api.create_product("PROBE", quantity=5)
    await api.create_product("CAP", quantity=5)
    with server(api, mail_server, tmp_path) as base:
        async with (
            subscribed(base, variables={"channel": "eu"}) as eu,
            subscribed(base, variables={"skus": ["PROBE", "CAP"]}) as every,
        ):
            await hear_probe(base, eu, every, source="eu-wh")
            await adjust(base, "CAP", -1)
            assert (await next_of(every, "CAP"))["channel"] == "default"
            await adjust(base, "CAP", 4, source="eu-wh")
            heard = await next_of(eu, "CAP")
            assert (heard["channel"], heard["salableQuantity"], heard["kind"]) == ("eu", 4, "STOCK_CHANGED")
            assert (await next_of(every, "CAP"))["channel"] == "eu"


async def test_an_unknown_channel_or_too_costly_a_document_is_refused(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    deep = "subscription { stockChanged { sku " + "__typename " * 400 + "} }"
    with server(api, mail_server, tmp_path) as base:
        async with subscribed(base, variables={"channel": "moon"}) as unknown:
            message = await unknown.message(5)
        async with subscribed(base, query=deep) as costly:
            refused = await costly.message(5)
    assert message["payload"]["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "channel"}
    assert "BACKSTOCK_MAX_QUERY_COST" in str(refused["payload"])


async def test_a_subscription_outlives_the_request_time_limit_and_origins_are_checked(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    await api.create_product("PROBE", quantity=5)
    extra = {"BACKSTOCK_REQUEST_TIMEOUT": "0.5", "BACKSTOCK_CORS_ORIGINS": "https://shop.example"}
    with server(api, mail_server, tmp_path, extra=extra) as base:
        with pytest.raises(InvalidStatus) as refused:
            async with subscribed(base, Origin="https://evil.example"):
                pass
        assert refused.value.response.status_code == 403
        async with subscribed(base, variables={"skus": ["PROBE"]}, Origin="https://shop.example") as subscriber:
            await hear_probe(base, subscriber)
            await asyncio.sleep(1.0)
            await adjust(base, "PROBE", 1)
            assert (await subscriber.event())["salableQuantity"] >= 7


def _worker_of(client_port: int) -> int | None:
    """The pid of the process holding the server side of the TCP connection from `client_port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == client_port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError):
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                return int(pid)
    return None


BOTH_WORKERS_WITHIN = 60


@pytest.mark.postgres_only
async def test_every_worker_hears_a_change_made_through_another(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    await api.create_product("PROBE", quantity=5)
    await api.create_product("LAMP", quantity=10)
    with server(api, mail_server, tmp_path, workers=2) as base:
        async with contextlib.AsyncExitStack() as stack:
            by_worker: dict[int, Subscriber] = {}
            # The second worker may still be starting (a loaded machine): connect until both answered.
            deadline = asyncio.get_running_loop().time() + BOTH_WORKERS_WITHIN
            while len(by_worker) < 2 and asyncio.get_running_loop().time() < deadline:
                attempt = contextlib.AsyncExitStack()
                subscriber = await attempt.enter_async_context(subscribed(base, variables={"skus": ["PROBE", "LAMP"]}))
                worker = _worker_of(subscriber.socket.local_address[1])
                if worker is not None and worker != os.getpid() and worker not in by_worker:
                    by_worker[worker] = subscriber
                    stack.push_async_callback(attempt.aclose)
                else:
                    await attempt.aclose()
                    await asyncio.sleep(0.2)
            assert len(by_worker) == 2, f"no connection reached both workers within {BOTH_WORKERS_WITHIN} s"
            await hear_probe(base, *by_worker.values())
            await adjust(base, "LAMP", -4)
            heard = [await next_of(s, "LAMP") for s in by_worker.values()]
    assert [(e["kind"], e["salableQuantity"]) for e in heard] == [("STOCK_CHANGED", 6)] * 2


@pytest.mark.postgres_only
async def test_a_lost_listen_connection_reconnects_and_catches_up(
    api: Api, mail_server: MailServer, tmp_path: Path
) -> None:
    """Events committed while the worker's LISTEN connection was down arrive once it is back."""
    await api.create_product("PROBE", quantity=5)
    await api.create_product("LAMP", quantity=10)
    with server(api, mail_server, tmp_path) as base:
        async with subscribed(base, variables={"skus": ["PROBE", "LAMP"]}) as subscriber:
            await hear_probe(base, subscriber)
            terminated = await connections.get("default").execute_query_dict(
                "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
            assert terminated and all(row["done"] for row in terminated)
            await api.data('mutation { adjustStock(sku: "LAMP", delta: -4) { sku } }')
            heard = await next_of(subscriber, "LAMP", seconds=10)
    assert (heard["kind"], heard["salableQuantity"]) == ("STOCK_CHANGED", 6)
