"""The merchant's dashboard at /dashboard: server-rendered HTML, read-only, for ADMIN keys.

Who asks: an `Authorization: Bearer` header as everywhere else, or the session cookie the login
form exchanges a key for (backstock/web/session.py). A browser without either gets 401 with the
form, a STOREFRONT key 403.

Cross-site requests: the cookie is SameSite=Strict, so no other site's page, link or form makes
the browser send it; the only forms are login and logout, which set or clear the cookie and change
nothing else; /graphql ignores cookies altogether. Hence no CSRF token. The page loads no script,
and its Content-Security-Policy allows none, so text that slipped through escaping could not run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from backstock.resolvers import overview
from backstock.resolvers.keys import ANONYMOUS, Access, recognise
from backstock.settings import Settings
from backstock.web import session
from backstock.web.charts import bar_chart
from backstock.web.sections import report_sections

PATH = "/dashboard"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
ASK_FOR_KEY = "Enter an ADMIN key or the admin token to open the dashboard."
UNKNOWN_KEY = "The key presented is unknown or revoked."
NOT_ADMIN = "This needs an ADMIN key; a STOREFRONT key may not open the dashboard."


def age(span: timedelta) -> str:
    """An age at a glance: the two largest units."""
    minutes = int(span.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else "<1 min"


def _templates() -> Jinja2Templates:
    """Escaping for every template whatever its name: Starlette's default escapes only *.html."""
    env = Environment(loader=PackageLoader("backstock", "templates"), autoescape=True, undefined=StrictUndefined)
    env.filters["age"] = age
    return Jinja2Templates(env=env)


class Dashboard:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.templates = _templates()

    def routes(self) -> list[BaseRoute]:
        return [
            Route(PATH, self.page, methods=["GET"], name="dashboard"),
            Route(f"{PATH}/login", self.login, methods=["POST"], name="dashboard-login"),
            Route(f"{PATH}/logout", self.logout, methods=["POST"], name="dashboard-logout"),
            Mount(f"{PATH}/static", StaticFiles(packages=[("backstock", "static/dashboard")]), name="dashboard-static"),
        ]

    def _render(self, request: Request, name: str, status: int, **context: Any) -> Response:
        response = self.templates.TemplateResponse(request, name, context, status_code=status, headers=HEADERS)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="backstock"'
        return response

    def _refusal(self, request: Request, access: Access) -> Response:
        if access.refused:
            return self._render(request, "login.html", 401, message=UNKNOWN_KEY)
        if access.role is None:
            return self._render(request, "login.html", 401, message=ASK_FOR_KEY)
        return self._render(request, "login.html", 403, message=NOT_ADMIN)

    async def page(self, request: Request) -> Response:
        access = await session.request_access(request, self.settings)
        if not access.is_admin:
            return self._refusal(request, access)
        now = datetime.now(UTC)
        days = await overview.daily_orders(now.date())
        charts = [
            bar_chart("Backorders", "units still waiting", [(day.day, day.waiting) for day in days]),
            bar_chart("Demand", "units ordered", [(day.day, day.ordered) for day in days]),
        ]
        return self._render(
            request,
            "dashboard.html",
            200,
            now=now,
            outbox=await overview.outbox_health(now),
            incoming=await overview.incoming_purchase_orders(),
            charts=charts,
            sections=await report_sections(self.settings),
            session=session.COOKIE in request.cookies,
        )

    async def login(self, request: Request) -> Response:
        async with request.form(max_files=0, max_fields=4) as form:
            key = form.get("key")
        presented = key.strip() if isinstance(key, str) else ""
        access = await recognise(presented, self.settings.admin_token) if presented else ANONYMOUS
        if not access.is_admin:
            return self._refusal(request, access)
        response = RedirectResponse(PATH, status_code=303)
        response.set_cookie(
            session.COOKIE,
            session.issue(self.settings, access),
            max_age=session.SESSION_LIFETIME,
            path="/",  # the CSV exports under /reports read it too
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse(PATH, status_code=303)
        response.delete_cookie(
            session.COOKIE, path="/", secure=request.url.scheme == "https", httponly=True, samesite="strict"
        )
        return response
