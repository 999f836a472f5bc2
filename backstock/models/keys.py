"""API keys: named bearer secrets with a role, stored only as a salted hash."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ApiKeyRole(StrEnum):
    ADMIN = "ADMIN"
    STOREFRONT = "STOREFRONT"


class ApiKey(Model):
    """A bearer secret's record: its public lookup part and a salted hash, never the secret.

    The secret embeds `lookup`, so authenticating a request is one read by a unique index.
    """

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    role = fields.CharEnumField(ApiKeyRole, max_length=10)
    lookup = fields.CharField(max_length=16, unique=True)
    salt = fields.CharField(max_length=32)
    secret_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked = fields.BooleanField(default=False)

    class Meta:
        table = "api_key"
