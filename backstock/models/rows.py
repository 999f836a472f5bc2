"""Rows written by one hand-built INSERT, and the models of rows just written, without tortoise's model writes.

`Model.create` and `bulk_create` build each row as a model (`__init__`: a converted value, a
`__setattr__` and for every unset field an `inspect.iscoroutinefunction` look at its default), then
`save` converts every value back for the INSERT, builds an executor and waits on the save signals;
on PostgreSQL `bulk_create` sends one INSERT per row. A checkout writes seven rows that way (its
order, line, payment, ledger row, email and two events): a tenth of its CPU went there. Here the
statement is built once per model, row count and dialect, and every value goes through its field's
own `to_db_value` once, the conversion and validators tortoise's writes apply. Missing fields take
their defaults as a model's `__init__` gives them (a callable's result, `auto_now_add`'s now, else
NULL), a constant `db_default` as the database would (where `__init__` leaves it to the database), so
every insert of a model lists the same columns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from tortoise import timezone
from tortoise.connection import connections
from tortoise.fields import DatetimeField, Field
from tortoise.models import Model

M = TypeVar("M", bound=Model)
Values = dict[str, Any]
"""A row by model field name (`order_id`, not `order`), in Python values."""

CHUNK_PARAMETERS = 30_000  # under both databases' limits of parameters a statement (32,766 and 32,767)
Default = Callable[[datetime], Any]


def marks(postgres: bool, count: int, first: int = 1) -> list[str]:
    """`count` placeholders of a hand-written statement in the client's style: asyncpg's `$n` from `first`,
    sqlite's `?`."""
    return [f"${n}" if postgres else "?" for n in range(first, first + count)]


@functools.cache
def _columns(model: type[Model]) -> tuple[tuple[str, str, Field[Any], Default], ...]:
    """(field name, column, field, its default given the insert's now) of every column but a generated key."""
    meta = model._meta
    found = []
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        if field.pk and field.generated:
            continue
        found.append((name, column, field, _default(field)))
    return tuple(found)


def _default(field: Field[Any]) -> Default:
    """What `Model.__init__` puts in a field it is not given."""
    default = field.default
    if callable(default):
        return lambda _: default()
    if default is not None:
        return _constant(field, default)
    if isinstance(field, DatetimeField) and (field.auto_now_add or field.auto_now):
        return lambda now: now
    if field.has_db_default():
        return _constant(field, field.db_default)
    return lambda _: None


def _constant(field: Field[Any], value: Any) -> Default:
    """A constant default: one value shared by every row, so never a mutable one (`__init__` would copy it)."""
    if not isinstance(value, int | float | str | bool | bytes):
        raise TypeError(f"{field.model_field_name}: rows fills in constant defaults only, give the value")
    return lambda _: value


@functools.cache
def _statement(model: type[Model], rows: int, postgres: bool, returning: tuple[str, ...]) -> str:
    columns = _columns(model)
    values = iter(marks(postgres, rows * len(columns)))
    tuples = ", ".join("(" + ", ".join(next(values) for _ in columns) + ")" for _ in range(rows))
    names = ", ".join(f'"{column}"' for _, column, _, _ in columns)
    back = " RETURNING " + ", ".join(f'"{name}"' for name in returning) if returning else ""
    return f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES {tuples}{back}'  # noqa: S608 (names from the model)


async def insert(model: type[Model], rows: Sequence[Values], returning: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Writes `rows` in one INSERT (a chunk of them per statement past the parameter limit) and gives
    back the `returning` columns of each, in no promised order (SQLite's RETURNING promises none).

    Each row is completed in place with the defaults of the fields it lacks, so that `made` can
    then give the model of the row as it was written.
    """
    if not rows:
        return []
    columns = _columns(model)
    now = timezone.localtime()
    for row in rows:
        completed(model, row, now)
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    per_statement = max(1, CHUNK_PARAMETERS // len(columns))
    written: list[dict[str, Any]] = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = [field.to_db_value(row[name], model) for row in chunk for name, _, field, _ in columns]
        sql = _statement(model, len(chunk), postgres, returning)
        if returning:
            written += await connection.execute_query_dict(sql, values)
        else:
            await connection.execute_query(sql, values)
    return written


def completed(model: type[Model], row: Values, now: datetime | None = None) -> Values:
    """`row` with the defaults of the fields it lacks, as `Model.__init__` gives them (in place)."""
    now = now or timezone.localtime()
    for name, _, _, default in _columns(model):
        if name not in row:
            row[name] = default(now)
    return row


def made(model: type[M], row: Values) -> M:
    """The model of a row just written from `row` (completed by `insert`, with its `id` when it was read
    back), as tortoise's own select makes one (`Model._init_from_db`), from Python values."""
    instance = model.__new__(model)
    meta = model._meta
    instance._partial = False
    instance._saved_in_db = row.get(meta.pk_attr) is not None
    instance._custom_generated_pk = False
    instance._await_when_save = {}
    for name in meta.fields_db_projection:
        value = row.get(name)
        object.__setattr__(instance, name, None if value is None else meta.fields_map[name].to_python_value(value))
    return instance
