"""API key types, and the fields that manage keys, mixed into Query and Mutation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from backstock import models
from backstock.models import ApiKeyRole
from backstock.resolvers import keys
from backstock.schema.permissions import ADMIN


@strawberry.type(description="A named bearer key for storefronts and admin tools. Its secret is never shown again.")
class ApiKey:
    id: strawberry.ID = strawberry.field(description="The key's id, for revokeApiKey.")
    name: str = strawberry.field(description="What the key is for, e.g. the storefront's name.")
    role: ApiKeyRole = strawberry.field(description="What the key may do.")
    created_at: datetime = strawberry.field(description="When the key was created.")
    last_used_at: datetime | None = strawberry.field(
        description="When a request last authenticated with this key, to the second; null if never."
    )
    revoked: bool = strawberry.field(description="A revoked key authenticates nothing; it stays listed.")

    @classmethod
    def of(cls, row: models.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked=row.revoked,
        )


@strawberry.type(description="A new key with its secret.")
class ApiKeyCreated:
    api_key: ApiKey = strawberry.field(description="The key as apiKeys lists it.")
    secret: str = strawberry.field(
        description="The bearer secret, for `Authorization: Bearer <secret>`. "
        "Shown once, never again: only its hash is kept."
    )


@strawberry.type
class KeyQuery:
    @strawberry.field(permission_classes=ADMIN, description="[admin] Every key, revoked ones included, oldest first.")
    async def api_keys(self) -> list[ApiKey]:
        return [ApiKey.of(row) for row in await keys.list_keys()]


@strawberry.type
class KeyMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] A new key. STOREFRONT keys may assert customer groups; ADMIN keys may do anything. "
        "`name`: 1 to 100 printable characters.",
    )
    async def create_api_key(
        self,
        name: Annotated[str, strawberry.argument(description="What the key is for, 1 to 100 printable characters.")],
        role: Annotated[ApiKeyRole, strawberry.argument(description="What the key may do.")],
    ) -> ApiKeyCreated:
        row, secret = await keys.create_key(name, role)
        return ApiKeyCreated(api_key=ApiKey.of(row), secret=secret)

    @strawberry.mutation(
        permission_classes=ADMIN, description="[admin] From now on the key authenticates nothing. It stays listed."
    )
    async def revoke_api_key(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The key's id (ApiKey.id).")]
    ) -> ApiKey:
        return ApiKey.of(await keys.revoke_key(id))
