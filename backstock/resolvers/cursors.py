"""Opaque page cursors: a row kind and id, base64-encoded, so a cursor of one list is refused by another."""

from __future__ import annotations

import base64
import binascii

from backstock.resolvers.errors import BadUserInput


def encode(kind: str, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode()


def decode(kind: str, cursor: str) -> int:
    try:
        found, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if found == kind and value.isdigit():
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadUserInput(f"after: {cursor!r} is not a cursor this API returned", field="after")
