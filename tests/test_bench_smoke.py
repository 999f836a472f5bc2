"""bench/ cannot rot: a few seconds of every workload on a tiny SQLite data set, the checkout
floor's writes compared with a real checkout's, and a failing workload leaving a trace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from backstock.models import Event, EventKind, Webhook, WebhookDelivery
from bench import floor
from bench.run import Run
from bench.setups import Setup
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters


@pytest.mark.slow
def test_benchmarks_run_and_find_no_oversell(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bench.run", "--catalog", "300", "--lines", "400", "--hot-stock", "40"]
    command += ["--seconds", "0.5", "--results", str(tmp_path)]
    table = subprocess.run(command, capture_output=True, text=True, timeout=240, check=True).stdout
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r.split(" | ")[0] for r in rows] == [
        "| listing (GraphQL)",
        "| listing floor (Starlette)",
        "| listing, anonymous shopper",
        "| listing, STOREFRONT key + group",
        "| checkout storm",
        "| checkout floor (Starlette)",
    ]
    assert "3 SQL/request" in rows[0]
    assert "% of anonymous" in rows[3]
    assert "40 orders of 40; oversell: none" in rows[4] and "% of floor" in rows[4]
    assert "40 orders of 40; oversell: none" in rows[5]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sqlite-1w-300p-400l-backstock.log",
        "sqlite-1w-300p-400l-floor.log",
    ]


@pytest.mark.slow
def test_storm_cpu_reads_each_servers_cpu_per_order() -> None:
    command = [sys.executable, "-m", "bench.storm_cpu", "--seconds", "0.5", "--hot-stock", "2000"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=240, check=True).stdout
    readings = [line.split() for line in out.splitlines() if "orders/s" in line]
    assert [r[0] for r in readings] == ["graphql", "floor"]
    for reading in readings:
        server, load = float(reading[reading.index("server") + 1]), float(reading[reading.index("generator") + 1])
        assert float(reading[1]) > 0 and server > 0 and load > 0, out


async def _floor_checkout(sku: str, quantity: int, email: str) -> Any:
    """The floor's endpoint on the suite's database (tortoise is already up for the app under test)."""
    app = Starlette(routes=[Route("/checkout", floor.checkout, methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://floor") as client:
        response = await client.post("/checkout", json={"sku": sku, "quantity": quantity, "email": email})
    assert response.status_code == 200, response.text
    return response.json()["data"]["checkout"]


def _same_shape(order: dict[str, Any]) -> dict[str, Any]:
    """What two orders of two products with the same settings share: not their number, time, SKU or name."""
    lines = [{k: v for k, v in line.items() if k not in ("sku", "name", "backorderMessage")} for line in order["lines"]]
    return {k: v for k, v in order.items() if k not in ("number", "createdAt", "__typename")} | {"lines": lines}


async def test_checkout_floor_writes_what_a_checkout_writes(api: Api) -> None:
    """Same order, line, payment, reservation, ledger, emails and event as GraphQL's checkout: a fair floor."""
    for sku in ("VIA-API", "VIA-FLOOR"):
        await api.create_product(sku, quantity=2, backorders="ALLOW_QTY_BELOW_ZERO_AND_NOTIFY", outOfStockThreshold=-1)
    # Stored directly: createWebhook would check the receivers' addresses, and nothing is delivered here.
    placed_hook = await Webhook.create(url="https://hooks.example.com/a", events=["ORDER_PLACED"], secret="s" * 32)
    await Webhook.create(url="https://hooks.example.com/b", events=["ORDER_SHIPPED"], secret="s" * 32)

    placed = await api.checkout(("VIA-API", 3), email="sam@example.com")
    at_floor = await _floor_checkout("VIA-FLOOR", 3, "sam@example.com")

    assert at_floor["__typename"] == "Order"
    stored = await api.order(at_floor["number"])
    assert _same_shape(at_floor) == _same_shape(stored) == _same_shape(placed)
    assert stored["lines"][0]["backorderMessage"] == at_floor["lines"][0]["backorderMessage"]
    assert "back order the remaining 1" in at_floor["lines"][0]["backorderMessage"]
    api_product, floor_product = await api.product("VIA-API"), await api.product("VIA-FLOOR")
    assert {**floor_product, "sku": "", "name": ""} == {**api_product, "sku": "", "name": ""}
    assert floor_product["reservedQuantity"] == 3 and floor_product["backorderedQuantity"] == 1
    await assert_ledger_matches_counters()
    emails = (await api.data("{ outboxMessages { kind reference } }"))["outboxMessages"]
    assert sorted((e["kind"], e["reference"]) for e in emails) == sorted(
        [
            ("order_confirmation", at_floor["number"]),
            ("order_confirmation", placed["number"]),
            ("low_stock", "VIA-API"),
            ("low_stock", "VIA-FLOOR"),
        ]
    )
    events = {e.order_number: e for e in await Event.filter(kind=EventKind.ORDER_PLACED)}
    assert set(events) == {placed["number"], at_floor["number"]}
    api_event, floor_event = events[placed["number"]], events[at_floor["number"]]
    assert floor_event.data == api_event.data | {"orderNumber": at_floor["number"], "lines": floor_event.data["lines"]}
    assert floor_event.data["lines"] == [{"sku": "VIA-FLOOR", "quantityOrdered": 3, "quantityBackordered": 1}]
    deliveries = await WebhookDelivery.all().values_list("webhook_id", "event_id", "status")
    assert sorted(deliveries) == sorted((placed_hook.id, e.id, "PENDING") for e in events.values())


async def test_checkout_floor_never_oversells(api: Api) -> None:
    await api.create_product("LAST-ONE", quantity=1)
    assert (await _floor_checkout("LAST-ONE", 1, "a@example.com"))["__typename"] == "Order"
    refused = await _floor_checkout("LAST-ONE", 1, "b@example.com")
    assert refused["__typename"] == "CheckoutRejected" and refused["errors"][0]["sku"] == "LAST-ONE"
    assert (await api.product("LAST-ONE"))["reservedQuantity"] == 1


async def test_a_failing_workload_prints_its_server_log_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = Run(tmp_path)
    setup = Setup("SQLite", "sqlite://x", 1, 10, 0, 5)
    log = run.log(setup, "backstock")
    log.write_text("".join(f"line {i}\n" for i in range(100)) + "Traceback: worker died\n")

    async def storm() -> int:
        raise httpx.ReadError("connection reset")

    assert await run.attempt("checkout storm, tiny", log, storm()) is None
    assert run.failed == ["checkout storm, tiny"]
    printed = capsys.readouterr().err
    assert "checkout storm, tiny failed: ReadError: connection reset" in printed
    assert "Traceback: worker died" in printed and "line 99" in printed and "line 50\n" not in printed
