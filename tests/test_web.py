"""The HTTP surface around GraphQL: CORS, the offline GraphiQL page, /metrics, request ids, logs."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backstock.app import create_app
from backstock.models import OutboxMessage, OutboxStatus
from backstock.settings import LogFormat, Settings
from backstock.web.cors import allowed_origins
from backstock.web.logs import configure_logging
from harness.mailserver import MailServer
from harness.servers import running_server, server_env
from tests.api import Api

SHOP = "https://shop.example"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
TYPENAME = {"query": "{ __typename }"}


@contextlib.asynccontextmanager
async def client_for(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client for an app built with other settings. No lifespan: the session app owns the ORM,
    so these requests stay off the database."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://backstock.test") as client:
        yield client


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
    }


# CORS


async def test_a_storefront_on_an_allowed_origin_can_call_the_api(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": f"{SHOP}, https://other-shop.example/"}))
    async with client_for(app) as client:
        response = await client.options("/graphql", headers=preflight(SHOP))
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == SHOP
        assert "POST" in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed
        assert "content-type" in allowed
        assert "access-control-allow-credentials" not in response.headers
        assert GENERATED_ID.fullmatch(response.headers["x-request-id"])

        response = await client.post("/graphql", json=TYPENAME, headers={"Origin": SHOP})
        assert response.json() == {"data": {"__typename": "Query"}}
        assert response.headers["access-control-allow-origin"] == SHOP
        assert response.headers["access-control-expose-headers"] == "X-Request-ID"


async def test_other_origins_get_no_cors_permission(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": SHOP}))
    async with client_for(app) as client:
        response = await client.options("/graphql", headers=preflight("https://evil.example"))
        assert "access-control-allow-origin" not in response.headers
        response = await client.post("/graphql", json=TYPENAME, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers


async def test_no_origins_configured_means_no_cors(app: Starlette) -> None:
    async with client_for(app) as client:
        response = await client.options("/graphql", headers=preflight(SHOP))
    assert response.status_code == 405
    assert "access-control-allow-origin" not in response.headers


def test_origins_are_parsed_once_for_every_user(settings: Settings) -> None:
    """The websocket origin check of subscriptions reads the same list."""
    assert allowed_origins(
        settings.model_copy(update={"cors_origins": " https://a.example/ ,, https://b.example"})
    ) == [
        "https://a.example",
        "https://b.example",
    ]
    assert allowed_origins(settings) == []


# GraphiQL


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


async def test_graphiql_is_served_from_the_package(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"graphiql": True}))
    async with client_for(app) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert not re.search(r"https?://", page.text), "the page must load nothing from another host"
        assert "shouldPersistHeaders: false" in page.text
        assert "subscriptionUrl: socket.href" in page.text  # stockChanged runs in GraphiQL over ws(s)://
        parser = _References()
        parser.feed(page.text)
        assets = [url for url in parser.urls if not url.startswith("data:")]
        assert len(assets) == 4
        for url in assets:
            asset = await client.get(str(page.url.join(url)))
            assert asset.status_code == 200, url
            expected = "text/css" if url.endswith(".css") else "javascript"
            assert expected in asset.headers["content-type"], url
            assert len(asset.content) > 10_000, url


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_graphiql_renders_with_the_network_cut(api: Api, mail_server: MailServer, tmp_path: Path) -> None:
    """A real browser that can reach nothing but the server renders GraphiQL and introspects the schema."""
    env = server_env(api.settings.database_url, mail_server.port, BACKSTOCK_GRAPHIQL="true")
    log = tmp_path / "server.log"
    with running_server(env, log=log, access_log=True) as base:
        browser = subprocess.run(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",  # root on CI
                "--disable-gpu",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--virtual-time-budget=10000",
                "--dump-dom",
                f"{base}/graphql",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert 'class="graphiql-container' in browser.stdout, browser.stderr[-2000:]
    assert "Loading..." not in browser.stdout
    assert '"POST /graphql HTTP/1.1" 200' in log.read_text()  # the introspection query


async def test_graphiql_off_serves_no_page(app: Starlette) -> None:
    async with client_for(app) as client:
        response = await client.get("/graphql", headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert "<html" not in response.text.lower()
        assert (await client.get("/static/graphiql/graphiql.min.js")).status_code == 404


# /metrics


def scrape(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


async def metrics_now(api: Api) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return scrape(response.text)


async def test_metrics_count_checkouts_refusals_and_the_outbox(api: Api) -> None:
    await api.create_product("KETTLE", quantity=5)
    before = await metrics_now(api)

    assert (await api.checkout(("KETTLE", 1)))["__typename"] == "Order"
    assert (await api.checkout(("KETTLE", 1), ("GHOST", 1)))["__typename"] == "CheckoutRejected"
    after = await metrics_now(api)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("backstock_checkouts_total", result="accepted") == 1
    assert delta("backstock_checkouts_total", result="rejected") == 1
    assert delta("backstock_checkout_refusals_total", code="UNKNOWN_SKU") == 1
    assert delta("backstock_checkout_refusals_total", code="NOT_ENOUGH_STOCK") == 0
    assert delta("backstock_http_requests_total", method="POST", path="/graphql", status="200") == 2
    assert delta("backstock_http_request_duration_seconds_count", method="POST", path="/graphql") == 2
    assert ("backstock_webhook_failures_total", frozenset()) in after

    pending = await OutboxMessage.filter(status=OutboxStatus.PENDING).count()
    assert pending >= 1  # the order confirmation
    assert value(after, "backstock_outbox_depth") == pending
    await OutboxMessage.all().update(created_at=datetime.now(UTC) - timedelta(minutes=5))
    assert 300 <= value(await metrics_now(api), "backstock_outbox_oldest_age_seconds") < 360

    await api.send_mail()
    emptied = await metrics_now(api)
    assert value(emptied, "backstock_outbox_depth") == 0
    assert value(emptied, "backstock_outbox_oldest_age_seconds") == 0


async def test_unknown_paths_share_one_series(api: Api) -> None:
    before = await metrics_now(api)
    for path in ("/nope-1", "/nope-2", "/wp-admin"):
        assert (await api.client.get(path)).status_code == 404
    after = await metrics_now(api)
    key = ("backstock_http_requests_total", frozenset({"method": "GET", "path": "unmatched", "status": "404"}.items()))
    assert after[key] - before.get(key, 0) == 3
    assert not any("nope" in dict(labels).get("path", "") for _, labels in after)


@pytest.mark.postgres_only
@pytest.mark.slow
async def test_metrics_sum_over_workers(api: Api, mail_server: MailServer) -> None:
    """Each scrape reaches one worker; in multiprocess mode it answers for all of them."""
    requests = 20
    with running_server(server_env(api.settings.database_url, mail_server.port), workers=2) as base:
        for _ in range(requests):
            # A new connection each time, so the requests spread over the workers.
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                assert (await client.post("/graphql", json=TYPENAME)).status_code == 200
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            metrics = scrape((await client.get("/metrics")).text)
    assert value(metrics, "backstock_http_requests_total", method="POST", path="/graphql", status="200") == requests


# X-Request-ID and logs


async def test_every_response_carries_a_request_id(api: Api) -> None:
    fresh = await api.client.post("/graphql", json=TYPENAME)
    assert GENERATED_ID.fullmatch(fresh.headers["x-request-id"])
    other = await api.client.post("/graphql", json=TYPENAME)
    assert other.headers["x-request-id"] != fresh.headers["x-request-id"]

    echoed = await api.client.post("/graphql", json=TYPENAME, headers={"X-Request-ID": "shop-42.retry_1"})
    assert echoed.headers["x-request-id"] == "shop-42.retry_1"
    for bad in ("a" * 129, "two words", "<script>"):
        replaced = await api.client.post("/graphql", json=TYPENAME, headers={"X-Request-ID": bad})
        assert GENERATED_ID.fullmatch(replaced.headers["x-request-id"]), bad

    missing = await api.client.get("/no-such-page", headers={"X-Request-ID": "lost-1"})
    assert (missing.status_code, missing.headers["x-request-id"]) == (404, "lost-1")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_text_logs_carry_the_request_id_and_escape_input(
    settings: Settings, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unhandled error in a handler that logs request input: the 500 still has the id, the
    log line has it too, and a SKU with a newline cannot start a forged line."""

    async def fails(_: Request) -> Response:
        logging.getLogger("backstock.test").warning("refused SKU %s", "A\n2026-01-01 00:00:00,000 INFO forged line")
        raise RuntimeError("SKU 'A\nforged traceback line'")

    app = create_app(settings)
    app.router.routes.append(Route("/fails", fails))
    configure_logging(LogFormat.TEXT)
    async with client_for(app) as client:
        response = await client.get("/fails", headers={"X-Request-ID": "req-500"})
    assert (response.status_code, response.headers["x-request-id"]) == (500, "req-500")

    lines = capsys.readouterr().err.splitlines()
    [line] = [line for line in lines if "refused SKU" in line]
    assert "[req-500]" in line
    assert line.endswith("refused SKU A\\n2026-01-01 00:00:00,000 INFO forged line")
    assert not any(line.startswith(("2026-01-01", "forged")) for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.postgres_only)])
def test_json_logs_from_a_real_server(api: Api, mail_server: MailServer, tmp_path: Path, workers: int) -> None:
    """uvicorn applies the JSON configuration itself, in each worker it spawns: its own lines are
    JSON with the request id too."""
    env = server_env(api.settings.database_url, mail_server.port, BACKSTOCK_LOG_FORMAT="json")
    log = tmp_path / "server.log"
    with running_server(env, workers=workers, log=log, access_log=True) as base:
        response = httpx.post(f"{base}/graphql", json=TYPENAME, headers={"X-Request-ID": "req-json-1"}, timeout=10)
        assert response.headers["x-request-id"] == "req-json-1"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"time", "level", "logger", "message", "request_id"} <= set(records[0])
    [access] = [r for r in records if r["logger"] == "uvicorn.access" and "/graphql" in r["message"]]
    assert access["request_id"] == "req-json-1"
    assert any(r["logger"] == "uvicorn.error" and r["request_id"] == "-" for r in records)
