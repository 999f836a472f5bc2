"""Errors a use case raises for the client to read; the schema turns them into GraphQL errors.

graphql-core copies an original exception's `extensions` onto the GraphQL error, so the
code and the field reach the client without the schema layer knowing each case.
"""

from __future__ import annotations

from typing import Any, ClassVar


class BackstockError(Exception):
    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code}
        if field is not None:
            self.extensions["field"] = field


class BadUserInput(BackstockError):
    code = "BAD_USER_INPUT"


class NotFound(BackstockError):
    code = "NOT_FOUND"


class Conflict(BackstockError):
    code = "CONFLICT"


class Unauthenticated(BackstockError):
    code = "UNAUTHENTICATED"


class Forbidden(BackstockError):
    """The caller is known, but its role does not allow this."""

    code = "FORBIDDEN"


class UnknownSku(NotFound):
    """NOT_FOUND to a client of one product; bulk results name it UNKNOWN_SKU, like checkout's line errors."""


def unknown_sku(sku: str) -> NotFound:
    return UnknownSku(f"sku: no product with SKU {sku!r}", field="sku")
