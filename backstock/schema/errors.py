"""Which errors reach clients as they are, and the code every error carries."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext

from backstock.resolvers.errors import BackstockError
from backstock.schema.scalars import SCALARS


def is_unexpected(error: GraphQLError) -> bool:
    """Mask exceptions raised while executing that no use case raised on purpose.

    Errors without a path come from parsing, validation or variable coercion: they describe
    the client's document, so they stay readable.
    """
    original = error.original_error
    return error.path is not None and original is not None and not isinstance(original, BackstockError | GraphQLError)


def with_code(error: GraphQLError) -> GraphQLError:
    """Every error carries `extensions.code`: without one, it is about the client's document
    (parsing, validation, variables) unless it happened while executing."""
    extensions = dict(error.extensions or {})
    extensions.setdefault("code", "BAD_USER_INPUT" if error.path is None else "INTERNAL_SERVER_ERROR")
    error.extensions = extensions
    return error


LOGGED_TEXT = 200


def loggable(value: object) -> str:
    """Request text as the log may show it: repr() escapes newlines and control characters, so
    a SKU cannot forge a log line, and it is cut short, so a huge input is not logged in full."""
    text = repr(str(value))
    return text if len(text) <= LOGGED_TEXT else f"{text[:LOGGED_TEXT]}... ({len(text)} characters)"


def describe(error: BaseException) -> str:
    """The exception and its causes with the frames that raised them: the frames are code, the
    messages may repeat request input (a database error quoting a value), so they are escaped."""
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 10:  # bounded: a chain can loop
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{frames}{type(current).__qualname__}: {loggable(current)}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\ncaused by:\n".join(parts)


class Schema(strawberry.Schema):
    """Logs only unexpected errors, with their traceback: refusals are answers, not incidents.

    Every schema of this class serves the contract's own scalars (strict Decimal, @specifiedBy).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "scalar_overrides": SCALARS})

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_unexpected(error) and error.original_error is not None:
                logging.getLogger("backstock.graphql").error(
                    "unexpected error in %s:\n%s",
                    loggable(".".join(map(str, error.path or []))),
                    describe(error.original_error),
                )


def masking() -> MaskErrors:
    return MaskErrors(should_mask_error=is_unexpected, error_message="Unexpected error.")
