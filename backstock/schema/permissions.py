"""Admin access as a strawberry permission class, reading the caller decided once per request."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info


class IsAdmin(BasePermission):
    """An ADMIN key or the bootstrap token.

    The refusal's code depends on who asks (no or a refused key: UNAUTHENTICATED; a STOREFRONT key:
    FORBIDDEN), which `on_unauthorized` cannot see, so the check raises the refusal itself.
    """

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        info.context.access.require_admin()
        return True


ADMIN: list[type[BasePermission]] = [IsAdmin]
