"""GraphiQL from the package's own files: it works offline and loads nothing from a CDN.

strawberry's page loads React and GraphiQL from unpkg and keeps typed headers (an admin key)
in localStorage; maintainers point to replacing the page (strawberry issues 3826, 1160).
Asset URLs are relative to /graphql, so the page works under a path prefix too.
The assets are vendored by `make vendor-graphiql` into backstock/static/graphiql/.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles


@cache
def _page() -> str:
    return (files("backstock.web") / "graphiql.html").read_text(encoding="utf-8")


def graphiql_page() -> HTMLResponse:
    return HTMLResponse(_page())


def static_files() -> Mount:
    return Mount("/static", StaticFiles(packages=[("backstock", "static")]), name="static")
