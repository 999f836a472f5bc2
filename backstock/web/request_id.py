"""`X-Request-ID` on every response and in every log line of its request.

asgi-correlation-id rather than a hand-written middleware: it also gives the logging filter
(`CorrelationIdFilter`, used by backstock.web.logs) and handles websockets. It wraps the
whole middleware stack, Starlette's ServerErrorMiddleware included, so preflights, 404s and
unhandled 500s carry the id too.
"""

from __future__ import annotations

import re

from asgi_correlation_id import CorrelationIdMiddleware
from starlette.applications import Starlette
from starlette.types import ASGIApp

# A client's id is echoed and logged: bounded and without anything that could break a log line.
CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def is_acceptable(value: str) -> bool:
    return CLIENT_ID.fullmatch(value) is not None


class RequestIdStarlette(Starlette):
    """Starlette whose outermost layer, outside its error handling, sets the request id."""

    def build_middleware_stack(self) -> ASGIApp:
        return CorrelationIdMiddleware(super().build_middleware_stack(), validator=is_acceptable)
