"""graphql-core's executor with short paths for plain fields: most of a listing's ~1,500 fields.

A plain field is read, not resolved: an attribute of its parent (strawberry's "basic field": no
resolver, no permission, no field extension), or a plain method of its parent taking only scalar
arguments (Product.backorderMessage(quantity), Product.preorder). graphql-core runs every field
through the same steps anyway: strawberry's wrapper around the read (for a method, with its Info
object and argument conversion), a GraphQLResolveInfo built per field, two `is_awaitable` checks,
`complete_value` once per type wrapper, a Path per field and the sub-selection's loop per object;
some fifty Python calls for one attribute read (docs/performance.md). Two short paths skip them:

- a list of two or more items of plain objects (a listing's edges and their products) or plain leaves
  is completed by one function per item type and selection, built once per request from one step per
  field (`plain_steps`: read and serialized in one call where graphql-core's serializer would return the
  value as it is, else by that serializer), nested objects and lists the same way. It only
  reads, and gives up (raises) at anything unusual: an error or an exception as a value, a null at a
  non-null field, a value that is not a `list` or `tuple` where a list is due, a serializer's refusal.
  graphql-core then completes that same list its own way and answers with the errors at their paths,
  the nulls and their propagation, exactly as without the short path; the reads made before giving up
  are made again (plain methods are pure computations over their parent). An object met once (an
  order, a connection) is not worth building a function for: graphql-core completes it, its plain
  leaves by the next short path.
- any other plain leaf (scalar or enum) field is read and serialized in `execute_field` itself, with
  the same outcome as graphql-core's path: arguments coerced by graphql-core (`get_argument_values`:
  variables, defaults), the serializer graphql-core would call (`complete_leaf_value`), an exception
  raised or found as the value located at the field (`handle_field_error`: null, or null propagated
  from a non-null field, and the error with its path).

Aliases, fragments, `__typename` and @include/@skip are decided by graphql-core's field collection
(`collect_subfields`), before either path; a selection with @defer takes graphql-core's path (the
schema declares neither @defer nor @stream today). An extension with a `resolve` hook (a middleware) must
see every field, and an exception handler may turn a method's error into a value: with a middleware
installed every field takes the full path; with an exception handler, methods do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from backstock.schema.plain_steps import (
    Complete,
    Read,
    leaf_step,
    nested_step,
    plain_list,
    plain_object,
    typename_step,
)

# strawberry converts arguments of these types (or None) to themselves (`convert_argument`).
SCALAR_ARGUMENTS = (int, str, bool, float)


class PlainField(NamedTuple):
    """How to read one plain field.

    `method`: None for an attribute, read as strawberry's basic-field resolver reads it (the default
    resolver); else the resolver's function, called with the parent and `arguments` (GraphQL name,
    Python name) as strawberry calls a resolver that asks for `self` and nothing else it provides.
    `leaf`: the field's scalar or enum type when it is one (non-null or not), for `execute_field`.
    """

    read: Callable[[Any, str], Any]
    attribute: str
    field: GraphQLField
    leaf: GraphQLLeafType | None
    non_null: bool
    method: Callable[..., Any] | None = None
    arguments: tuple[tuple[str, str], ...] = ()


# Per schema, per (object type, field): decided once, on the field's first execution.
_plans: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], PlainField | None]] = WeakKeyDictionary()


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


def _plan(field: GraphQLField, methods: bool) -> PlainField | None:
    """strawberry marks the resolver it gives a basic field `_is_default` (schema_converter.from_resolver):
    that resolver only calls `field.get_result`, which reads the attribute with the default resolver.
    It marks a resolver-less field guarded by a permission class `_is_default` too (its wrapper runs the
    permission extension first), so a field with extensions is never plain."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    nullable = get_nullable_type(field.type)
    leaf = nullable if is_leaf_type(nullable) else None
    plan = PlainField(definition.default_resolver, definition.python_name, field, leaf, is_non_null_type(field.type))
    if getattr(field.resolve, "_is_default", False) and definition.base_resolver is None:
        return plan
    if not methods:
        return None
    try:
        method, arguments = _method(definition, field)
    except ValueError:
        return None
    return plan._replace(method=method, arguments=arguments)


Steps = tuple[tuple[str, Read], ...]


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor (`Schema(execution_context_class=...)`), plain fields read directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self.plans = None if middleware is not None and middleware.middlewares else _plans.setdefault(self.schema, {})
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)  # set by strawberry.Schema
        self.methods = strawberry_schema is not None and not strawberry_schema.exception_handlers
        # Per (object type, identity of the field list), as graphql-core memoizes `collect_subfields`:
        # the list is kept beside its steps so that its id is not reused during the request.
        self.bodies: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Steps | None]] = {}

    def plan_of(self, parent_type: GraphQLObjectType, name: str) -> PlainField | None:
        plans = self.plans
        assert plans is not None  # only asked while the short paths are on
        key = (parent_type.name, name)
        if key not in plans:
            field = self.schema.get_field(parent_type, name)
            plans[key] = None if field is None else _plan(field, self.methods)
        return plans[key]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        if self.plans is None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        details = field_details_list[0]
        name = details.node.name.value
        plan = self.plan_of(parent_type, name)
        if plan is None or plan.leaf is None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        # graphql-core's steps for this field, in its order, less the calls they do not need.
        try:
            if plan.method is None:
                value = plan.read(source, plan.attribute)
            else:
                value = plan.method(source, **self.arguments(plan, details))
            if isinstance(value, Exception):
                raise value
            if value is not None:
                return self.complete_leaf_value(plan.leaf, value)
            if plan.non_null:  # in graphql-core's words
                raise TypeError(f"Cannot return null for non-nullable field {parent_type.name}.{name}.")
            return None
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.field.type, field_details_list, path)
            return None

    def arguments(self, plan: PlainField, details: FieldDetails) -> dict[str, Any]:
        """A plain method's keyword arguments, coerced by graphql-core (variables, defaults)."""
        given = get_argument_values(
            plan.field, details.node, self.variable_values, details.fragment_variable_values, self.hide_suggestions
        )
        return {python: given[name] for name, python in plan.arguments if name in given}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        if self.plans is not None and type(result) in (list, tuple) and len(result) > 1:
            complete = self.completer(return_type.of_type, field_details_list)
            if complete is not None:
                try:
                    return [complete(item) for item in result]
                except Exception:  # noqa: S110 - graphql-core's path below answers it, errors and all
                    pass
        return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)

    def body(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Steps | None:
        """The steps completing an object of `object_type` for this selection (key and step per field), or
        None where a field of it (or of an object under it) is not plain."""
        key = (object_type, id(field_details_list))
        if key not in self.bodies:
            self.bodies[key] = (field_details_list, self.build_body(object_type, field_details_list))
        return self.bodies[key][1]

    def build_body(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Steps | None:
        if object_type.is_type_of is not None:
            return None
        collected = self.collect_subfields(object_type, field_details_list)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            return None
        steps: list[tuple[str, Read]] = []
        for key, fields in collected.grouped_field_set.items():
            name = fields[0].node.name.value
            if name == "__typename":
                steps.append((key, typename_step(object_type.name)))
                continue
            plan = self.plan_of(object_type, name)
            step = None if plan is None else self.step(plan, fields)
            if step is None:
                return None
            steps.append((key, step))
        return tuple(steps)

    def step(self, plan: PlainField, fields: FieldDetailsList) -> Read | None:
        """Reads and completes the field from its parent, or None where it is not plain all the way down."""
        read = self.reader(plan, fields[0])
        if read is None:
            return None
        if plan.leaf is not None:
            return leaf_step(read, plan.leaf, plan.non_null)
        complete = self.completer(plan.field.type, fields)
        return None if complete is None else nested_step(read, complete)

    def reader(self, plan: PlainField, details: FieldDetails) -> Read | None:
        """Reads the field's value from its parent; a method's arguments are coerced once, here (None
        when they do not coerce: graphql-core's path reports that)."""
        method = plan.method
        if method is None:
            if plan.read is getattr:
                return attrgetter(plan.attribute)
            read, attribute = plan.read, plan.attribute
            return lambda source: read(source, attribute)
        try:
            arguments = self.arguments(plan, details)
        except Exception:  # reported by graphql-core's path
            return None
        return functools.partial(method, **arguments)

    def completer(self, kind: GraphQLOutputType, fields: FieldDetailsList) -> Complete | None:
        """Completes a value of `kind` (a list's items, a nested object); leaves of objects are `step`s."""
        non_null = is_non_null_type(kind)
        nullable = get_nullable_type(kind)
        if is_leaf_type(nullable):
            return leaf_step(_identity, nullable, non_null)
        if is_list_type(nullable):
            item = self.completer(nullable.of_type, fields)
            return None if item is None else plain_list(item, non_null)
        if is_object_type(nullable):
            steps = self.body(nullable, fields)
            return None if steps is None else plain_object(steps, non_null)
        return None  # an interface or a union: graphql-core resolves the runtime type


def _identity(value: Any) -> Any:
    return value
