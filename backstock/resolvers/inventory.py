"""A product's numbers in one stock, read in SQL, and the locks every change of them takes.

Locking: a change to a product's counters in a stock first locks its stock item rows with
`SELECT ... FOR UPDATE` (PostgreSQL), in product id order so two multi-product changes cannot
deadlock; source items change only under the lock of the stock their source belongs to. On
SQLite, tortoise runs each transaction alone on its single connection.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.connection import connections
from tortoise.expressions import RawSQL

from backstock import rules
from backstock.models import DEFAULT_CODE, Channel, Product, Source, StockItem, StockSource
from backstock.models.rows import marks
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput


def _over_items(aggregate: str, product: str, stock: str) -> RawSQL:
    """A correlated subquery over the product's items at enabled sources of the stock, not a JOIN
    with GROUP BY: the database then sums only for the rows it returns (a page, the locked rows)."""
    # Only code-made SQL is interpolated here: column references and the aggregate, never input.
    return RawSQL(
        f'(SELECT {aggregate} FROM "source_item" si '  # noqa: S608
        'JOIN "stock_source" ss ON ss."source_id" = si."source_id" '
        'JOIN "source" s ON s."id" = si."source_id" '
        f'WHERE si."product_id" = {product} AND ss."stock_id" = {stock} AND s."enabled")'
    )


def counters(product: str, stock: str) -> dict[str, RawSQL]:
    """Annotations for `Counts`: `held` is NULL when the stock has no item of the product."""
    return {
        "on_hand": _over_items(
            'COALESCE(SUM(CASE WHEN si."in_stock" THEN si."quantity" ELSE 0 END), 0)', product, stock
        ),
        "held": _over_items('SUM(si."quantity")', product, stock),
        "any_in_stock": _over_items('COALESCE(MAX(CASE WHEN si."in_stock" THEN 1 ELSE 0 END), 0)', product, stock),
    }


@dataclass(frozen=True)
class Counts:
    """A product's numbers in one stock (DESIGN.md 7.6)."""

    on_hand: int
    held: int | None
    reserved: int
    in_stock: bool

    @property
    def level(self) -> rules.StockLevel:
        return rules.StockLevel(self.on_hand, self.reserved, self.in_stock)

    @classmethod
    def of(cls, values: Mapping[str, Any], reserved: int) -> Counts:
        """From the values of a row annotated with `counters`."""
        return cls.read(values["on_hand"], values["held"], reserved, values["any_in_stock"])

    @classmethod
    def read(cls, on_hand: Any, held: Any, reserved: int, any_in_stock: Any) -> Counts:
        """From the stored values of `counters`' three columns, as the database returns them."""
        return cls(int(on_hand), None if held is None else int(held), reserved, bool(any_in_stock))


# The `default` channel never leaves the `default` stock, which is never removed (upsertStock
# refuses both), so its stock id can be remembered by each process: a one-source store's
# requests then cost no more queries than before channels existed.
_default_stock: list[int] = []


async def stock_of_channel(channel: str | None) -> int:
    code = DEFAULT_CODE if channel is None else channel
    if code == DEFAULT_CODE and _default_stock:
        return _default_stock[0]
    channel_row = await Channel.get_or_none(code=code)
    if channel_row is None:
        raise BadUserInput(f"channel: no sales channel {code!r}", field="channel")
    if code == DEFAULT_CODE:
        _default_stock.append(channel_row.stock_id)
    return channel_row.stock_id


async def find_source(code: str | None, field: str = "source") -> Source:
    code = DEFAULT_CODE if code is None else code
    source = await Source.get_or_none(code=validation.code(code, field))
    if source is None:
        raise BadUserInput(f"{field}: no source {code!r}", field=field)
    return source


async def stock_of_source(source_id: int) -> int | None:
    link = await StockSource.get_or_none(source_id=source_id)
    return None if link is None else link.stock_id


@dataclass
class Locked:
    """A product's stock item, locked, with its counts read under the lock."""

    item: StockItem
    counts: Counts


async def lock(stock_id: int, *, skus: Sequence[str] = (), ids: Sequence[int] = ()) -> dict[int, Locked]:
    """Locks and loads the stock items (by SKU or by product id) with their products, keyed by product id.

    The join is an inner one, which FOR UPDATE requires. The counts are read by a second statement,
    once the locks are held: on PostgreSQL a statement that waited for a lock re-reads the locked
    row but not its subqueries, which would still see the units on hand of before the wait.
    """
    wanted: Sequence[object] = validation.possible_skus(skus) if skus else ids
    if not wanted:
        return {}
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    listed = ", ".join(marks(postgres, len(wanted), first=2))
    sql = _locking_read(postgres, bool(skus)) + f"({listed}) " + 'ORDER BY i."product_id"'
    # SQLite has no row locks: its transactions run one at a time and read one snapshot, so the
    # counts come with the rows (one statement less per checkout).
    rows = await connection.execute_query_dict(sql + " FOR UPDATE" if postgres else sql, [stock_id, *wanted])
    items = [_item_of(row) for row in rows]
    if not postgres:
        pairs = zip(items, rows, strict=True)
        return {item.product_id: Locked(item, Counts.of(row, item.reserved)) for item, row in pairs}
    if not items:
        return {}
    counts = await counts_of(items)
    return {item.product_id: Locked(item, counts[item.id]) for item in items}


@functools.cache
def _locking_read(postgres: bool, by_sku: bool) -> str:
    """The stock items of a stock with their products (and on SQLite their counts), up to the list of
    SKUs or product ids. Hand-written and built once: tortoise rebuilt this join with its three
    subqueries for every checkout, a tenth of the request's CPU."""
    columns = [f'i."{c}" AS "i.{c}"' for c in StockItem._meta.fields_db_projection.values()]
    columns += [f'p."{c}" AS "p.{c}"' for c in Product._meta.fields_db_projection.values()]
    if not postgres:
        columns += [f"{sql.sql} AS {name}" for name, sql in counters('i."product_id"', 'i."stock_id"').items()]
    key = 'p."sku"' if by_sku else 'i."product_id"'
    [first] = marks(postgres, 1)
    return (
        f"SELECT {', '.join(columns)} "  # noqa: S608 (column names from the models, no input)
        f'FROM "stock_item" i JOIN "product" p ON p."id" = i."product_id" WHERE i."stock_id" = {first} AND {key} IN '
    )


def _item_of(row: Mapping[str, Any]) -> StockItem:
    """A stock item with its product from a row of `_locking_read`, as tortoise's own select builds them
    (`_init_from_db`: the values are the database's, already checked)."""
    item = StockItem._init_from_db(**{c: row[f"i.{c}"] for c in StockItem._meta.fields_db_projection.values()})
    item.product = Product._init_from_db(**{c: row[f"p.{c}"] for c in Product._meta.fields_db_projection.values()})
    return item


async def reserve(item_id: int, was: int, units: int) -> bool:
    """Adds `units` to the stock item's reserved count if it still is `was`, the count a checkout decided
    on (its conditional update); False when another transaction changed it. Hand-written like
    `_locking_read`: tortoise built the same UPDATE anew for every line."""
    connection = connections.get("default")
    sql = _reserving(connection.capabilities.dialect == "postgres")
    changed, _ = await connection.execute_query(sql, [units, item_id, was])
    return bool(changed)


@functools.cache
def _reserving(postgres: bool) -> str:
    units, item, was = marks(postgres, 3)
    return f'UPDATE "stock_item" SET "reserved" = "reserved" + {units} WHERE "id" = {item} AND "reserved" = {was}'  # noqa: S608


async def recount(locked: dict[int, Locked]) -> None:
    """Re-reads the counts after a change made under the lock (the rows stay locked)."""
    counts = await counts_of([entry.item for entry in locked.values()])
    for entry in locked.values():
        entry.counts = counts[entry.item.id]


@functools.cache
def _counting_read() -> str:
    """Stock items' counts, up to the list of their ids; built once like `_locking_read`."""
    columns = [f"{sql.sql} AS {name}" for name, sql in counters('i."product_id"', 'i."stock_id"').items()]
    return f'SELECT i."id", {", ".join(columns)} FROM "stock_item" i WHERE i."id" IN '  # noqa: S608 (no input)


async def counts_of(items: Sequence[StockItem]) -> dict[int, Counts]:
    """Counts of stock items by their id, with the reserved counts they hold (read under their lock,
    but where nothing changes, as in a pre-order's other stocks, a plain read)."""
    if not items:
        return {}
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    sql = _counting_read() + f"({', '.join(marks(postgres, len(items)))})"
    rows = await connection.execute_query_dict(sql, [item.id for item in items])
    reserved = {item.id: item.reserved for item in items}
    return {row["id"]: Counts.of(row, reserved[row["id"]]) for row in rows}
