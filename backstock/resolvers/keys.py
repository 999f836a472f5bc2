"""API keys: creating, revoking and listing them, and recognising a presented secret.

A secret reads `bsk_<lookup>_<random>`: `lookup` is public and indexed, so authenticating a
request is one read; `random` is 256 bits from `secrets`. Only sha256(salt + secret) is stored.
A fast hash is enough here: a slow KDF protects guessable passwords, and 256 random bits cannot
be guessed, while every request would pay its cost.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr
from tortoise.expressions import Q

from backstock.models import ApiKey, ApiKeyRole
from backstock.resolvers import validation
from backstock.resolvers.errors import BackstockError, Forbidden, NotFound, Unauthenticated

SECRET_PREFIX = "bsk_"
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Access:
    """Who asks, decided once per request before any field runs.

    `refused` marks a secret that matched no live key: such a request is not anonymous, it is
    UNAUTHENTICATED wherever a key is needed, so a revoked key fails loudly instead of silently
    reading as a guest.
    """

    role: ApiKeyRole | None = None
    refused: bool = False
    key_id: int | None = None
    """The API key's id (None for the admin token): the dashboard's session names it, never its secret."""

    @property
    def is_admin(self) -> bool:
        return self.role is ApiKeyRole.ADMIN

    def require_admin(self) -> None:
        refusal = self.admin_refusal()
        if refusal is not None:
            raise refusal

    def admin_refusal(self) -> BackstockError | None:
        """The error an admin-only field answers this caller, a new one per call (an exception
        raised at many fields must not collect every field's traceback), or None for an admin."""
        if self.refused:
            return Unauthenticated("The API key presented is unknown or revoked")
        if self.role is None:
            return Unauthenticated(
                "Admin access needs the header 'Authorization: Bearer <key>' with an ADMIN key or the admin token"
            )
        if self.role is not ApiKeyRole.ADMIN:
            return Forbidden(f"This needs an ADMIN key; a {self.role} key may not use it")
        return None

    def require_storefront(self) -> None:
        """For what a storefront may assert about its shopper (a customer group): a key of either role.

        No key at all is FORBIDDEN, not UNAUTHENTICATED: the request is allowed, the assertion is not.
        """
        if self.refused:
            raise Unauthenticated("The API key presented is unknown or revoked")
        if self.role is None:
            raise Forbidden("This needs a STOREFRONT or ADMIN key in the header 'Authorization: Bearer <key>'")


ANONYMOUS = Access()


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode()).hexdigest()


async def create_key(name: str, role: ApiKeyRole) -> tuple[ApiKey, str]:
    """The key and its secret: the only moment the secret exists outside the caller's hands."""
    name = validation.name(name, max_length=100)
    lookup = secrets.token_hex(8)
    secret = f"{SECRET_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
    salt = secrets.token_hex(16)
    key = await ApiKey.create(name=name, role=role, lookup=lookup, salt=salt, secret_hash=_digest(salt, secret))
    return key, secret


async def list_keys() -> list[ApiKey]:
    return await ApiKey.all().order_by("id")


async def revoke_key(key_id: str) -> ApiKey:
    """Revoking twice is harmless: the key stays listed, revoked."""
    number = int(key_id) if re.fullmatch(r"[0-9]{1,10}", key_id) and int(key_id) <= MAX_ID else None
    if number is None or not await ApiKey.filter(id=number).update(revoked=True):
        raise NotFound(f"id: no API key {key_id!r}", field="id")
    return await ApiKey.get(id=number)


async def authenticate(secret: str) -> Access:
    """The role of a live key's secret, else a refusal; records the use at most once a second."""
    lookup, separator, _ = secret.removeprefix(SECRET_PREFIX).partition("_")
    key = (
        await ApiKey.get_or_none(lookup=lookup, revoked=False)
        if secret.startswith(SECRET_PREFIX) and separator
        else None
    )
    if key is None or not secrets.compare_digest(key.secret_hash, _digest(key.salt, secret)):
        return Access(refused=True)
    now = datetime.now(UTC).replace(microsecond=0)
    if key.last_used_at is None or key.last_used_at < now:
        await ApiKey.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now), id=key.id).update(last_used_at=now)
    return Access(key.role, key_id=key.id)


async def recognise(presented: str, admin_token: SecretStr | None) -> Access:
    """The bootstrap admin token is compared first, in constant time, without touching the database;
    any other secret costs one indexed read. No token configured means no bootstrap admin."""
    if admin_token is not None and secrets.compare_digest(presented.encode(), admin_token.get_secret_value().encode()):
        return Access(ApiKeyRole.ADMIN)
    return await authenticate(presented)


async def live_key(key_id: int) -> Access:
    """The role of a key named by id (a dashboard session), refused once it is revoked or gone."""
    key = await ApiKey.get_or_none(id=key_id, revoked=False) if 0 < key_id <= MAX_ID else None
    return Access(refused=True) if key is None else Access(key.role, key_id=key.id)
