"""`GET /reports/{backorders,low-stock,demand}.csv[?days=N]` (DESIGN.md 7.4): a report's every row as
CSV, streamed page by page, for an admin: the Bearer key, or the dashboard's session cookie so its
links download in the browser (none 401, a STOREFRONT key 403).

The cookie is safe to honour here: it is SameSite=Strict, so no other site makes the browser send
it, and these endpoints only read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from backstock.resolvers import config, projection
from backstock.resolvers.errors import BadUserInput, Forbidden, Unauthenticated
from backstock.resolvers.reports.base import check_days
from backstock.resolvers.reports.export import EXPORTS, csv_chunks
from backstock.rules import DEMAND_WINDOW_DAYS
from backstock.settings import Settings
from backstock.web import session


def path(name: str) -> str:
    """Where the report named `name` (a key of EXPORTS) downloads."""
    return f"/reports/{name}.csv"


def routes(settings: Settings) -> list[BaseRoute]:
    return [Route(path(name), _endpoint(settings, name), methods=["GET"]) for name in EXPORTS]


def _endpoint(settings: Settings, name: str) -> Callable[[Request], Awaitable[Response]]:
    async def export(request: Request) -> Response:
        try:
            (await session.request_access(request, settings)).require_admin()
            days = _days(request.query_params.get("days"))
        except Unauthenticated as exc:
            return PlainTextResponse(exc.message, 401, headers={"WWW-Authenticate": "Bearer"})
        except Forbidden as exc:
            return PlainTextResponse(exc.message, 403)
        except BadUserInput as exc:
            return PlainTextResponse(exc.message, 400)
        store = (await config.load_store_config()).stock_settings()
        chunks = csv_chunks(name, days, store, projection.today(settings.timezone))
        disposition = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return StreamingResponse(chunks, media_type="text/csv; charset=utf-8", headers=disposition)

    return export


def _days(value: str | None) -> int:
    if value is None:
        return DEMAND_WINDOW_DAYS
    if not value.isascii() or not value.isdigit() or len(value) > 3:
        raise BadUserInput(f"days must be a whole number between 1 and 365, got {value!r}", field="days")
    check_days(int(value))
    return int(value)
