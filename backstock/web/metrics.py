"""Prometheus metrics on GET /metrics.

/metrics is public, like /healthz: it must stay behind the load balancer (expose only
/graphql to the internet). With several workers (`backstock serve --workers N`) each worker
writes its counters to PROMETHEUS_MULTIPROC_DIR, a fresh directory set by `serve` before
uvicorn spawns them, and a scrape sums the files. The outbox gauges are read from the
database at scrape time: a gauge kept in a worker would stay behind when that worker dies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backstock.resolvers.overview import outbox_health
from backstock.rules import LineError, LineErrorCode

log = logging.getLogger("backstock.metrics")
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Labels take only known values: a client's made-up method or path must not create series.
METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
UNMATCHED = "unmatched"  # no route: 404s, and CORS preflights (answered before routing)
# `*_created` timestamps double the output for nothing here (multiprocess mode has none either).
disable_created_metrics()  # type: ignore[no-untyped-call]

HTTP_REQUESTS = Counter(
    "backstock_http_requests", "HTTP requests answered, by route template and status.", ["method", "path", "status"]
)
HTTP_DURATION = Histogram(
    "backstock_http_request_duration_seconds", "Time to answer an HTTP request, by route template.", ["method", "path"]
)
CHECKOUTS = Counter("backstock_checkouts", "Checkouts answered: an order (accepted) or refused lines.", ["result"])
REFUSALS = Counter("backstock_checkout_refusals", "Refused checkout lines, by their code.", ["code"])

# Series at 0 from the start: rate() and alerts see the first one.
for _result in ("accepted", "rejected"):
    CHECKOUTS.labels(_result)
for _code in LineErrorCode:
    REFUSALS.labels(_code.value)


def count_checkout(refusals: Sequence[LineError]) -> None:
    """One checkout answered: accepted when nothing was refused, else each refused line by code."""
    if not refusals:
        CHECKOUTS.labels("accepted").inc()
        return
    CHECKOUTS.labels("rejected").inc()
    for refusal in refusals:
        REFUSALS.labels(refusal.code.value).inc()


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (`/graphql`, `/static`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts: an exception escaping the app becomes a 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            path = getattr(scope.get("route"), "path", UNMATCHED)
            HTTP_REQUESTS.labels(method, path, str(status)).inc()
            HTTP_DURATION.labels(method, path).observe(time.perf_counter() - started)


class _Families(Collector):
    """Metric families computed before the scrape (the database is read asynchronously)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


async def _outbox() -> list[Metric]:
    health = await outbox_health(datetime.now(UTC))
    age = health.oldest_pending_age.total_seconds() if health.oldest_pending_age else 0.0
    return [
        GaugeMetricFamily("backstock_outbox_depth", "Emails waiting to be sent.", value=health.pending),
        GaugeMetricFamily(
            "backstock_outbox_oldest_age_seconds", "Age of the oldest email waiting to be sent (0: none).", value=age
        ),
    ]


async def metrics(_: Request) -> Response:
    registry = CollectorRegistry()
    if MULTIPROC_DIR in os.environ:
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_Families(REGISTRY.collect()))
    try:
        registry.register(_Families(await _outbox()))
    except Exception as exc:  # the counters are still worth a scrape while the database is away
        log.warning("metrics: outbox gauges left out, the database did not answer (%s)", type(exc).__name__)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@contextlib.contextmanager
def shared_by_workers(workers: int) -> Iterator[None]:
    """Multiprocess mode for `serve --workers N`: a fresh directory, set before uvicorn spawns
    the workers (prometheus_client reads it at import), removed when the server stops."""
    if workers <= 1:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="backstock-metrics-") as directory:
        os.environ[MULTIPROC_DIR] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROC_DIR]
