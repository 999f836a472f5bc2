"""graphql-core's executor with a short path for plain leaf fields: most of a listing's ~1,500 fields.

A field with no resolver (strawberry's "basic field": no arguments, no permission, no field extension)
whose type is a scalar or an enum only reads an attribute and serializes it. graphql-core runs every
field through the same steps anyway: strawberry's Info-less wrapper around `getattr`, a
GraphQLResolveInfo built per field, two `is_awaitable` checks, `complete_value` once per type
wrapper; some fifty Python calls for one attribute read (docs/performance.md). Here such a field is
read and serialized in `execute_field` itself, with the same outcome: the serializer graphql-core
would call (`complete_leaf_value`), an exception found as the value raised and located at the field
(`handle_field_error`: null, or null propagated from a non-null field, and the error with its path).
A null value takes graphql-core's own path, which words the non-null error. Aliases, fragments,
`__typename` and @include/@skip are decided before `execute_field` (field collection) or by
fields that are not basic, so they are untouched; an extension with a `resolve` hook (a
middleware) must see every field, so with one installed every field takes the full path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


class PlainLeaf(NamedTuple):
    """How to read and serialize one plain leaf field: what strawberry's basic-field resolver calls."""

    read: Callable[[Any, str], Any]
    attribute: str
    type: GraphQLLeafType
    field_type: GraphQLOutputType
    non_null: bool


# Per schema, per (object type, field): decided once, on the field's first execution.
_plans: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], PlainLeaf | None]] = WeakKeyDictionary()


def _plan(field: GraphQLField) -> PlainLeaf | None:
    """strawberry marks the resolver it gives a basic field `_is_default` (schema_converter.from_resolver):
    that resolver only calls `field.get_result`, which reads the attribute with the default resolver."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not getattr(field.resolve, "_is_default", False) or not isinstance(definition, StrawberryField):
        return None
    leaf = get_nullable_type(field.type)
    if not is_leaf_type(leaf) or definition.base_resolver is not None:
        return None
    read, attribute = definition.default_resolver, definition.python_name
    return PlainLeaf(read, attribute, leaf, field.type, is_non_null_type(field.type))


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor (`Schema(execution_context_class=...)`), plain leaf fields read directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self.plans = None if middleware is not None and middleware.middlewares else _plans.setdefault(self.schema, {})

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plans = self.plans
        if plans is not None:
            key = (parent_type.name, field_details_list[0].node.name.value)
            if key not in plans:
                field = self.schema.get_field(parent_type, key[1])
                plans[key] = None if field is None else _plan(field)
            plan = plans[key]
            if plan is not None:
                # graphql-core's steps for this field, in its order, less the calls they do not need.
                try:
                    value = plan.read(source, plan.attribute)
                    if isinstance(value, Exception):
                        raise value
                    if value is not None:
                        return self.complete_leaf_value(plan.type, value)
                    if not plan.non_null:
                        return None
                except Exception as raw_error:
                    self.handle_field_error(raw_error, plan.field_type, field_details_list, path)
                    return None
                # A null of a non-null field: graphql-core's own path words the error.
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
