"""The Starlette application: /graphql (HTTP, and subscriptions over graphql-transport-ws), /healthz, /readyz,
/metrics, /static, /dashboard, and a lifespan that starts the database (tortoise's RegisterTortoise, which works under
real uvicorn), the email and webhook dispatchers, and the subscription hub with its LISTEN connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import cross_web
import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from tortoise.contrib.starlette import RegisterTortoise

from backstock import db
from backstock.events.broker import Hub
from backstock.events.listener import listening
from backstock.events.webhooks import WebhookDispatcher
from backstock.notifications.dispatcher import Dispatcher
from backstock.resolvers import clock
from backstock.resolvers.releases import Releases
from backstock.schema import build_schema
from backstock.schema.context import Context
from backstock.schema.errors import with_code
from backstock.settings import Settings, get_settings
from backstock.web import exports, graphiql, metrics, transport, unsubscribe
from backstock.web.cors import allowed_origins, cors
from backstock.web.dashboard import Dashboard
from backstock.web.request_id import RequestIdStarlette

log = logging.getLogger("backstock")


class BackstockGraphQL(GraphQL[Context, None]):
    """strawberry's view, whose refusals of a request (bad body, no query) are raised again as
    Starlette's HTTPException: the app answers those in JSON, as every other error."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=allowed_origins(settings),
        )
        self.settings = settings

    def encode_json(self, data: object) -> str:
        """orjson, not json.dumps: a 100-product listing's 29 kB answer in 0.05 ms instead of 0.47 ms, 4%
        of the listing's CPU in the server (docs/performance.md). Text, not bytes: strawberry sends bytes
        over a WebSocket as binary frames, which graphql-transport-ws does not allow."""
        return orjson.dumps(data).decode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive))
        except cross_web.HTTPException as error:
            raise HTTPException(error.status_code, error.reason) from error
        await response(scope, receive, send)

    async def parse_http_body(
        self, request: cross_web.AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Only JSON bodies: strawberry answers any other type 400, where 415 says what is wrong."""
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method == "POST" and content_type != "application/json":
            raise HTTPException(415, "The request body must be application/json.")
        return await super().parse_http_body(request)

    def parse_json(self, data: str | bytes) -> Any:
        """strawberry takes any JSON value and fails (HTTP 500) on anything but an object, on
        invalid UTF-8 and on deep nesting."""
        try:
            body = super().parse_json(data)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not valid UTF-8.") from error
        except RecursionError as error:
            raise HTTPException(400, "The request body is nested too deeply.") from error
        if not isinstance(body, dict):
            raise HTTPException(400, "The request body must be a JSON object with a `query` string.")
        return body

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
    hooks = asyncio.create_task(WebhookDispatcher(settings).run(stop), name="backstock-webhooks")
    releases = asyncio.create_task(Releases().run(stop), name="backstock-preorder-releases")
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, hooks, releases)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    clock.use(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with (
            RegisterTortoise(app, config=db.tortoise_config(settings.database_url)),
            _dispatching(settings),
            hub.running(),
            listening(settings.database_url, hub),
        ):
            yield

    hub = Hub(postgres=not settings.is_sqlite)
    graphql = BackstockGraphQL(settings)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.metrics),
        Route("/unsubscribe", unsubscribe.unsubscribe, methods=["GET", "POST"]),
        *Dashboard(settings).routes(),
        *exports.routes(settings),
    ]
    if settings.graphiql:
        routes.append(graphiql.static_files())
    middleware = [
        Middleware(metrics.MetricsMiddleware),
        *cors(settings),
        *transport.body_limit(settings.max_body_bytes),
    ]
    app = RequestIdStarlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers=transport.exception_handlers(settings.max_body_bytes),
    )
    app.state.hub = hub
    return app
