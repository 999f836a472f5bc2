"""What a query selects of a field's result, so a resolver can skip work nobody reads."""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionNode
from strawberry.types import Info


def selects(info: Info[Any, Any], name: str) -> bool:
    """Whether the current field's selection names the field `name` (by its GraphQL name), directly or in a
    fragment. Directives are not evaluated: a field under `@skip(if: true)` counts, which only costs work.

    Read from graphql-core's nodes for the field (strawberry's `Info` keeps its GraphQLResolveInfo), not
    `info.selected_fields`: that converts the whole selection, every product field and argument of a
    listing, into strawberry's own types first, for one name looked up at the top."""
    raw = info._raw_info
    pending: list[SelectionNode] = [
        child for node in raw.field_nodes if node.selection_set for child in node.selection_set.selections
    ]
    while pending:
        selection = pending.pop()
        if isinstance(selection, FieldNode):
            if selection.name.value == name:
                return True
        elif isinstance(selection, InlineFragmentNode):
            pending.extend(selection.selection_set.selections)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in raw.fragments:
            pending.extend(raw.fragments[selection.name.value].selection_set.selections)
    return False
