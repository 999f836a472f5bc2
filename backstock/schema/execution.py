"""graphql-core's executor with a short path for plain leaf fields: most of a listing's ~1,500 fields.

A field whose type is a scalar or an enum and whose value is an attribute of its parent (strawberry's
"basic field": no resolver, no permission, no field extension), or a plain method of its parent taking
only scalar arguments (Product.backorderMessage(quantity)), only reads a value and serializes it.
graphql-core runs every field through the same steps anyway: strawberry's wrapper around the read
(for a method, with its Info object and argument conversion), a GraphQLResolveInfo built per field,
two `is_awaitable` checks, `complete_value` once per type wrapper; some fifty Python calls for one
attribute read (docs/performance.md). Here such a field is read and serialized in `execute_field`
itself, with the same outcome: arguments coerced by graphql-core (`get_argument_values`: variables,
defaults), the serializer graphql-core would call (`complete_leaf_value`), an exception raised or
found as the value located at the field (`handle_field_error`: null, or null propagated from a
non-null field, and the error with its path; a null at a non-null field is graphql-core's TypeError,
in its words). Aliases, fragments, `__typename` and @include/@skip are decided before
`execute_field` (field collection) or by fields not planned here, so they are untouched. An extension
with a `resolve` hook (a middleware) must see every field, and an exception handler may turn a
method's error into a value: with either installed, every field takes the full path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLSchema,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

# strawberry converts arguments of these types (or None) to themselves (`convert_argument`).
SCALAR_ARGUMENTS = (int, str, bool, float)


class PlainLeaf(NamedTuple):
    """How to read and serialize one plain leaf field.

    `method`: None for an attribute, read as strawberry's basic-field resolver reads it (the default
    resolver); else the resolver's function, called with the parent and `arguments` (GraphQL name,
    Python name) as strawberry calls a resolver that asks for `self` and nothing else it provides.
    """

    read: Callable[[Any, str], Any]
    attribute: str
    type: GraphQLLeafType
    field: GraphQLField
    non_null: bool
    method: Callable[..., Any] | None = None
    arguments: tuple[tuple[str, str], ...] = ()


# Per schema, per (object type, field): decided once, on the field's first execution.
_plans: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], PlainLeaf | None]] = WeakKeyDictionary()


def _scalar(argument: StrawberryArgument) -> bool:
    kind = argument.type.of_type if type(argument.type) is StrawberryOptional else argument.type
    return kind in SCALAR_ARGUMENTS


def _method(definition: StrawberryField, field: GraphQLField) -> tuple[Callable[..., Any], tuple[tuple[str, str], ...]]:
    """The resolver's function and its arguments, or ValueError when strawberry's wrapper does more than
    convert scalar arguments (async, a permission or field extension, Info/root/parent, input types)."""
    resolver = definition.base_resolver
    if resolver is None or definition.is_async or definition.extensions or resolver.self_parameter is None:
        raise ValueError
    if resolver.info_parameter or resolver.root_parameter or resolver.parent_parameter:
        raise ValueError
    function = resolver.wrapped_func
    if isinstance(function, staticmethod | classmethod):
        raise ValueError
    arguments: list[tuple[str, str]] = []
    for name, graphql_argument in field.args.items():
        argument = graphql_argument.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(argument, StrawberryArgument) or not _scalar(argument):
            raise ValueError
        arguments.append((name, argument.python_name))
    return function, tuple(arguments)


def _plan(field: GraphQLField, methods: bool) -> PlainLeaf | None:
    """strawberry marks the resolver it gives a basic field `_is_default` (schema_converter.from_resolver):
    that resolver only calls `field.get_result`, which reads the attribute with the default resolver."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    leaf = get_nullable_type(field.type)
    if not isinstance(definition, StrawberryField) or not is_leaf_type(leaf):
        return None
    plan = PlainLeaf(definition.default_resolver, definition.python_name, leaf, field, is_non_null_type(field.type))
    if getattr(field.resolve, "_is_default", False) and definition.base_resolver is None:
        return plan
    if not methods:
        return None
    try:
        method, arguments = _method(definition, field)
    except ValueError:
        return None
    return plan._replace(method=method, arguments=arguments)


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor (`Schema(execution_context_class=...)`), plain leaf fields read directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self.plans = None if middleware is not None and middleware.middlewares else _plans.setdefault(self.schema, {})
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)  # set by strawberry.Schema
        self.methods = strawberry_schema is not None and not strawberry_schema.exception_handlers

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plans = self.plans
        if plans is None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        details = field_details_list[0]
        key = (parent_type.name, details.node.name.value)
        if key not in plans:
            field = self.schema.get_field(parent_type, key[1])
            plans[key] = None if field is None else _plan(field, self.methods)
        plan = plans[key]
        if plan is None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        # graphql-core's steps for this field, in its order, less the calls they do not need.
        try:
            if plan.method is None:
                value = plan.read(source, plan.attribute)
            else:
                given = get_argument_values(
                    plan.field,
                    details.node,
                    self.variable_values,
                    details.fragment_variable_values,
                    self.hide_suggestions,
                )
                value = plan.method(source, **{python: given[name] for name, python in plan.arguments if name in given})
            if isinstance(value, Exception):
                raise value
            if value is not None:
                return self.complete_leaf_value(plan.type, value)
            if plan.non_null:
                raise TypeError(
                    f"Cannot return null for non-nullable field {parent_type.name}.{key[1]}."
                )  # as graphql-core
            return None
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field.type, field_details_list, path)
            return None
