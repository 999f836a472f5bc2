"""The unsubscribe part of back-in-stock emails (DESIGN.md 7.2), added when an email is sent.

The link is deployment configuration (`BACKSTOCK_UNSUBSCRIBE_URL`), read where the settings
are, in the dispatcher: the changes that queue alert emails run deep in stock use cases that
know no settings, and an email still waiting gets the URL in force when it leaves.
"""

from __future__ import annotations

import html
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy
from urllib.parse import urlsplit, urlunsplit


class _UnfoldedHeader(UnstructuredHeader, BaseHeader):
    """`List-Unsubscribe` carries one URL in angle brackets (RFC 2369) that mail clients must read as
    written. The email package folds a header line over 78 characters, and a URL has no space to fold
    at, so it would become RFC 2047 encoded words, which no client reads as a URL. RFC 5322 allows
    lines of up to 998 characters, so the header goes out on one line."""

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _UnfoldedHeader)


def unsubscribe_link(page: str, token: str) -> str:
    """`<page>?token=<token>`, or `&token=` when the page has a query already; tokens are URL-safe."""
    url = urlsplit(page)
    query = f"{url.query}&token={token}" if url.query else f"token={token}"
    return urlunsplit(url._replace(query=query))


def add_unsubscribe(message: EmailMessage, text: str, page_html: str, token: str, page: str | None) -> None:
    """Sets the bodies with the way out: the link and a `List-Unsubscribe` header when the store has
    an unsubscribe page, else the token itself (for whatever the storefront offers to enter it)."""
    if page is None:
        message.set_content(f"{text}\n\nTo stop this alert, unsubscribe with this code: {token}")
        note = f"To stop this alert, unsubscribe with this code: <code>{html.escape(token)}</code>"
    else:
        link = unsubscribe_link(page, token)
        # An email policy stores a header object of the right name as it is (see `_UnfoldedHeader`).
        message["List-Unsubscribe"] = _HEADERS("List-Unsubscribe", f"<{link}>")
        message.set_content(f"{text}\n\nTo stop this alert: {link}")
        note = f'<a href="{html.escape(link)}">Unsubscribe from this alert</a>'
    message.add_alternative(page_html.replace("</body>", f"<p>{note}</p></body>", 1), subtype="html")
