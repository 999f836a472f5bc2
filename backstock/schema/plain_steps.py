"""The plain-list completion's steps: one Python call per field of a plain object, where most values need none.

A listing's 100 products carry some 1,300 leaf values; each went through three or four Python calls: the
completion function, graphql-core's serializer (`serialize_int`, `serialize_string`, ...) and the number
coercion under it, or strawberry's enum serializer and its loop over the enum's values. For the values
those serializers return unchanged, a str for String, a bool for Boolean, an int in the 32-bit range for
Int, and for an enum the name its serializer gave each member when the step was built, a step reads the
field and answers it in one call; any other value (None, an exception, a float, a custom scalar's value,
an int out of range) goes to `leaf`, the serializer graphql-core calls, with its errors. An object's
fields are filled by a loop in its own completion function: no comprehension frame per object.

Every step only reads; `GiveUp` or an exception from a step makes the plain-list completion hand the
whole list to graphql-core (`execution.PlainFieldExecutor.complete_list_value`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from graphql import GraphQLBoolean, GraphQLEnumType, GraphQLInt, GraphQLLeafType, GraphQLString
from graphql.pyutils import Undefined
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT

Complete = Callable[[Any], Any]
Read = Callable[[Any], Any]


class GiveUp(Exception):
    """A value the short path does not complete itself (a null at a non-null field, a list that is not one)."""


def leaf(kind: GraphQLLeafType, non_null: bool) -> Complete:
    """A leaf value as graphql-core completes it: its serializer, the null and exception checks before it."""
    coerce = kind.coerce_output_value

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise GiveUp
            return None
        if isinstance(value, Exception):
            raise value
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise GiveUp
        return coerced

    return complete


def leaf_step(read: Read, kind: GraphQLLeafType, non_null: bool) -> Read:
    """Reads a leaf field of its parent and completes it: in one call where the serializer is the identity
    (or, for an enum, a name known in advance), else through `leaf`."""
    complete = leaf(kind, non_null)
    if kind is GraphQLInt:
        return _int_step(read, complete, non_null)
    if kind is GraphQLString or kind is GraphQLBoolean:
        return _same_step(read, complete, str if kind is GraphQLString else bool, non_null)
    members = getattr(kind, "wrapped_cls", None)  # strawberry's enum types keep their Python enum
    if isinstance(kind, GraphQLEnumType) and members is not None:
        return _enum_step(read, complete, members, _names(kind, members), non_null)
    return lambda source: complete(read(source))


def _names(kind: GraphQLEnumType, members: Any) -> dict[Any, Any]:
    """Each member's serialized name, by the member's value, as the enum type's own serializer gives it; a
    member it refuses is left out, and a step meeting it raises KeyError (graphql-core then answers)."""
    names = {}
    for member in members:
        try:
            names[member._value_] = kind.coerce_output_value(member)
        except Exception:  # noqa: S112 - refused by the serializer: graphql-core's path reports it
            continue
    return names


def _int_step(read: Read, complete: Complete, non_null: bool) -> Read:
    def step(source: Any) -> Any:
        value = read(source)
        if type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
            return value
        if value is None and not non_null:
            return None
        return complete(value)

    return step


def _same_step(read: Read, complete: Complete, kind: type, non_null: bool) -> Read:
    def step(source: Any) -> Any:
        value = read(source)
        if type(value) is kind:
            return value
        if value is None and not non_null:
            return None
        return complete(value)

    return step


def _enum_step(read: Read, complete: Complete, members: type[Enum], names: dict[Any, Any], non_null: bool) -> Read:
    def step(source: Any) -> Any:
        value = read(source)
        if type(value) is members:
            return names[value._value_]
        return complete(value)

    return step


def nested_step(read: Read, complete: Complete) -> Read:
    """Reads an object or list field of its parent and completes it."""
    return lambda source: complete(read(source))


def typename_step(name: str) -> Read:
    return lambda _: name


def plain_object(steps: Sequence[tuple[str, Read]], non_null: bool) -> Complete:
    """An object's fields filled by its steps; the null and exception checks are `leaf`'s, written out
    again rather than called: one call per object is what this module exists to save."""

    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise GiveUp
            return None
        if isinstance(value, Exception):
            raise value
        answer = {}
        for key, step in steps:
            answer[key] = step(value)
        return answer

    return complete


def plain_list(item: Complete, non_null: bool) -> Complete:
    def complete(value: Any) -> Any:
        if value is None:
            if non_null:
                raise GiveUp
            return None
        if type(value) is not list and type(value) is not tuple:
            raise GiveUp
        return [item(each) for each in value]

    return complete
