"""What a query selects of a field's result, so a resolver can skip work nobody reads."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection


def selects(info: Info[Any, Any], name: str) -> bool:
    """Whether the current field's selection names the field `name` (by its GraphQL name), directly or in a
    fragment. Directives are not evaluated: a field under `@skip(if: true)` counts, which only costs work."""
    pending: list[Selection] = [child for field in info.selected_fields for child in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        else:
            pending.extend(selection.selections)
    return False
