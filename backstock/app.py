"""The Starlette application: /graphql, /healthz, /readyz, and a lifespan that starts the
database (tortoise's RegisterTortoise, which works under real uvicorn) and the email dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from tortoise.connection import connections
from tortoise.contrib.starlette import RegisterTortoise

from backstock import db
from backstock.events.webhooks import WebhookDispatcher
from backstock.notifications.dispatcher import Dispatcher
from backstock.schema import build_schema
from backstock.schema.context import Context
from backstock.schema.errors import with_code
from backstock.settings import Settings, get_settings

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


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> Response:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        log.exception("readiness check: database unreachable")
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@contextlib.asynccontextmanager
async def _dispatching(settings: Settings) -> AsyncIterator[None]:
    if not settings.dispatcher_enabled:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(Dispatcher(settings).run(stop), name="backstock-dispatcher")
    hooks = asyncio.create_task(WebhookDispatcher(settings).run(stop), name="backstock-webhooks")
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, hooks)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)), _dispatching(settings):
            yield

    graphql = BackstockGraphQL(settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
