"""Refusals before GraphQL starts (unknown path, wrong method or content type, unreadable or
oversized body) answered in the same JSON shape as every other error of the API."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, ExceptionHandler, Receive, Scope, Send


def error_response(status_code: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    error = {"message": message, "extensions": {"code": "BAD_USER_INPUT"}}
    return JSONResponse({"errors": [error]}, status_code=status_code, headers=headers)


def body_too_large(max_body_bytes: int) -> JSONResponse:
    return error_response(
        413, f"The request body is larger than the limit of {max_body_bytes} bytes (BACKSTOCK_MAX_BODY_BYTES)."
    )


def exception_handlers(max_body_bytes: int) -> dict[object, ExceptionHandler]:
    """Starlette's HTTPException (its 404 and 405, the body limit's 413, and strawberry's
    refusals raised again by the GraphQL view) in JSON; 405 keeps its Allow header."""

    async def http_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 413:
            return body_too_large(max_body_bytes)
        return error_response(exc.status_code, exc.detail, exc.headers)

    return {HTTPException: http_error}


class DeclaredBodyLimit:
    """Answers a declared Content-Length over the limit before Starlette's body limit sees it.

    Starlette's RequestBodyLimitMiddleware replaces any response to such a request with its own
    plain-text 413, so the JSON one must come from in front of it; the bodies it streams
    (chunked, or longer than declared) it stops itself, raising the HTTPException answered above.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = Headers(scope=scope).get("content-length", "") if scope["type"] == "http" else ""
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await body_too_large(self.max_body_bytes)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def body_limit(max_body_bytes: int) -> list[Middleware]:
    return [
        Middleware(DeclaredBodyLimit, max_body_bytes=max_body_bytes),
        Middleware(RequestBodyLimitMiddleware, max_body_size=max_body_bytes),
    ]
