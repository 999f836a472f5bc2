"""The dashboard's session cookie: a signed, expiring statement of which key logged in, never the key.

The cookie reads `<subject>.<expires>.<mac>`: subject `token` (the admin token) or `key-<id>` (an
API key's id, public), expiry in Unix seconds, and an HMAC-SHA256 under a key that lives only in the
server's settings. Nothing of it is stored, so a leaked database forges no session; an API key's
session is checked against the key on every request, so revoking the key ends it, and the admin
token's sessions are signed with the token mixed in, so changing the token ends them.

Stateless, hence logout clears the browser's cookie but cannot recall a copy of it: sessions are
short (SESSION_LIFETIME) for that reason. A table of sessions would allow recall and needs a migration.

Hand-written rather than Starlette's SessionMiddleware: that middleware re-signs a JSON dict on
every response, marks the cookie Secure or not once for all requests, and needs itsdangerous;
this one cookie is about as long as the configuration of that would be.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from functools import cache

from starlette.requests import Request

from backstock.models import ApiKeyRole
from backstock.resolvers.keys import ANONYMOUS, Access, live_key
from backstock.settings import Settings
from backstock.web.bearer import identify

COOKIE = "backstock_dashboard"
SESSION_LIFETIME = 12 * 3600
_TOKEN = "token"
_COOKIE_SHAPE = re.compile(r"(token|key-[0-9]{1,10})\.([0-9]{1,12})\.([0-9a-f]{64})")


@cache
def _process_key() -> bytes:
    """The signing key when none is configured: valid for this process only."""
    return secrets.token_bytes(32)


def _signing_key(settings: Settings, subject: str) -> bytes:
    secret = settings.session_secret or settings.admin_token
    base = hashlib.sha256(b"backstock-dashboard:" + secret.get_secret_value().encode()).digest() if secret else None
    key = base or _process_key()
    if subject == _TOKEN and settings.admin_token is not None:
        key = hmac.digest(key, settings.admin_token.get_secret_value().encode(), "sha256")
    return key


def _mac(settings: Settings, subject: str, expires: int) -> str:
    return hmac.new(_signing_key(settings, subject), f"{subject}.{expires}".encode(), "sha256").hexdigest()


def issue(settings: Settings, access: Access, now: float | None = None) -> str:
    """The cookie value for an ADMIN access, the token's or an API key's."""
    subject = _TOKEN if access.key_id is None else f"key-{access.key_id}"
    expires = int(now if now is not None else time.time()) + SESSION_LIFETIME
    return f"{subject}.{expires}.{_mac(settings, subject, expires)}"


async def resume(settings: Settings, cookie: str) -> Access | None:
    """The access a cookie still carries, or None (forged, expired, or its key revoked or changed)."""
    shape = _COOKIE_SHAPE.fullmatch(cookie)
    if shape is None:
        return None
    subject, expires = shape[1], int(shape[2])
    if expires < time.time() or not hmac.compare_digest(shape[3], _mac(settings, subject, expires)):
        return None
    if subject == _TOKEN:
        return Access(ApiKeyRole.ADMIN) if settings.admin_token is not None else None
    access = await live_key(int(subject.removeprefix("key-")))
    return None if access.refused else access


async def request_access(request: Request, settings: Settings) -> Access:
    """The Bearer header when there is one, else the session cookie: for the dashboard and its CSV links."""
    access = await identify(request, settings)
    if access.role is not None or access.refused:
        return access
    cookie = request.cookies.get(COOKIE)
    return (await resume(settings, cookie) if cookie else None) or ANONYMOUS
