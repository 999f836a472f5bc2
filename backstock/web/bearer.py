"""Who presents a request's `Authorization: Bearer` header: read the one way for /graphql, the
dashboard and the CSV exports, so a key works (or is refused) alike on each."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from backstock.resolvers.keys import ANONYMOUS, Access, recognise
from backstock.settings import Settings


async def identify(connection: HTTPConnection, settings: Settings) -> Access:
    scheme, _, presented = connection.headers.get("authorization", "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        return ANONYMOUS
    return await recognise(presented, settings.admin_token)
