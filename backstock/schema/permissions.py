"""Admin access: a strawberry permission class whose refusal carries code UNAUTHENTICATED."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from backstock.resolvers.errors import Unauthenticated


class IsAdmin(BasePermission):
    message = "Admin access needs the header 'Authorization: Bearer <admin token>' with a valid token"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(info.context.is_admin)

    def on_unauthorized(self) -> None:
        raise Unauthenticated(self.message or "")


ADMIN: list[type[BasePermission]] = [IsAdmin]
