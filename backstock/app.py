"""The Starlette application: /graphql, /healthz, /readyz, /metrics, /static, and a lifespan that starts the
database (tortoise's RegisterTortoise, which works under real uvicorn) and the email dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from tortoise.contrib.starlette import RegisterTortoise

from backstock import db
from backstock.notifications.dispatcher import Dispatcher
from backstock.schema import build_schema
from backstock.schema.context import Context
from backstock.schema.errors import with_code
from backstock.settings import Settings, get_settings
from backstock.web import graphiql, metrics
from backstock.web.cors import cors
from backstock.web.request_id import RequestIdStarlette

log = logging.getLogger("backstock")


class BackstockGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
        )
        self.settings = settings

    async def get_context(self, request: Any, response: Any = None) -> Context:
        return await Context.for_request(request, response, self.settings)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """The one place every error passes, those of parsing included, to get its code."""
        if result.errors:
            result.errors = [with_code(error) for error in result.errors]
        return await super().process_result(request, result)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.graphiql_page()


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> Response:
    """Checks the schema version on every call: a database migrated back or replaced shows at once."""
    try:
        pending = await db.pending_migrations()
    except Exception:
        log.exception("readiness check: database unreachable")
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if pending:
        return JSONResponse({"status": "unavailable", "database": "not migrated"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@contextlib.asynccontextmanager
async def _dispatching(settings: Settings) -> AsyncIterator[None]:
    if not settings.dispatcher_enabled:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(Dispatcher(settings).run(stop), name="backstock-dispatcher")
    try:
        yield
    finally:
        stop.set()
        await task


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)), _dispatching(settings):
            yield

    graphql = BackstockGraphQL(settings)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.metrics),
    ]
    if settings.graphiql:
        routes.append(graphiql.static_files())
    middleware = [Middleware(metrics.MetricsMiddleware), *cors(settings)]
    return RequestIdStarlette(routes=routes, middleware=middleware, lifespan=lifespan)
