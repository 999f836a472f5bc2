"""A product as its views read it: its columns and its counters in one stock, one statement, plain rows.

Every view read (a listing's page, a product, checkout's quote, alternatives, bulk results, report rows)
and the listing floor send `with_counts`' statement, the one definition of what a view reads. Its rows
are taken as tortoise's `values()` gives them (each column converted by its model field, for the
database in use) into a frozen `ProductRow`: tortoise built a `Product` model per row before, through
its partial-model path for `.only()` (two sets and a `__setattr__` per attribute): 18% of a loaded
server's event loop on a listing (docs/performance.md), and no view writes a product.

The unfiltered listing's page, the most asked read, skips tortoise's per-request work (`page_rows`): its
statement is `with_counts`' own SQL, built once per dialect, stock and cursor presence with the cursor
and page size as parameters, and its rows are read by position (`_rows_of`), each stored value converted
once per page by the converter tortoise's `values()` takes for the dialect, looked up once.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol

from tortoise.connection import connections
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet, ValuesQuery

from backstock import rules
from backstock.models import Product
from backstock.models.catalog import cap_settings
from backstock.resolvers.inventory import Counts, counters

PREORDER_FIELDS = ("preorder_release_date", "preorder_max_quantity", "preorder_message")
READ_FIELDS = ("id", "sku", "name", "price", "supplier_id", *rules.SETTING_FIELDS, *rules.CAP_FIELDS, *PREORDER_FIELDS)
# Counted only for products holding a pre-order (the CASE skips the subquery for every other row).
PREORDERED = RawSQL(
    'CASE WHEN "product"."preorder_release_date" IS NULL THEN 0 ELSE (SELECT COALESCE(SUM(ol."ordered" - '
    'ol."cancelled"), 0) FROM "order_line" ol WHERE ol."product_id" = "product"."id" AND ol."preorder_held") END'
)


class StoredProduct(Protocol):
    """What a view reads of a product: a `ProductRow`, or the `Product` model a caller holds (checkout's
    locked one)."""

    @property
    def id(self) -> int: ...
    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def price(self) -> Decimal: ...
    @property
    def supplier_id(self) -> int | None: ...
    @property
    def preorder_release_date(self) -> date | None: ...
    @property
    def preorder_max_quantity(self) -> int | None: ...
    @property
    def preorder_message(self) -> str | None: ...
    def overrides(self) -> Mapping[str, Any]: ...
    def cap_overrides(self) -> rules.CapSettings: ...


@dataclass(frozen=True, eq=False, slots=True)
class OwnSettings:
    """A product's own settings and caps (None: the store's), read-only: the rows of a page that store the
    same ones share one (`page_rows`), so whatever is derived from them is derived once per page
    (`catalog.views_of`), keyed by this object's identity."""

    overrides: Mapping[str, Any]
    caps: rules.CapSettings

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> OwnSettings:
        return cls(types.MappingProxyType({name: values[name] for name in rules.SETTING_FIELDS}), cap_settings(values))


class ProductRow(NamedTuple):
    """One row of `with_counts`: the product's columns, and its counters and pre-ordered units in the stock.

    A named tuple, immutable like the frozen dataclass it was, built in one call: a frozen dataclass sets
    each of its eleven fields through `object.__setattr__` (1.9 against 0.6 µs per row)."""

    id: int
    sku: str
    name: str
    price: Decimal
    supplier_id: int | None
    preorder_release_date: date | None
    preorder_max_quantity: int | None
    preorder_message: str | None
    own: OwnSettings
    counts: Counts
    preordered: int  # units pre-ordered so far (all stocks) while the product holds a pre-order

    def overrides(self) -> Mapping[str, Any]:
        return self.own.overrides

    def cap_overrides(self) -> rules.CapSettings:
        return self.own.caps

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> ProductRow:
        return cls(
            id=values["id"],
            sku=values["sku"],
            name=values["name"],
            price=values["price"],
            supplier_id=values["supplier_id"],
            **{name: values[name] for name in PREORDER_FIELDS},
            own=OwnSettings.of(values),
            counts=Counts.of(values, int(values["reserved"] or 0)),
            preordered=int(values["preordered"]),
        )


def _counted(stock_id: int) -> dict[str, RawSQL]:
    """The product's counters, reserved units and pre-ordered units in the stock, as `with_counts` reads them."""
    stock = str(int(stock_id))
    reserved = RawSQL(
        f'(SELECT "reserved" FROM "stock_item" WHERE "product_id" = "product"."id" AND "stock_id" = {stock})'  # noqa: S608
    )
    return {**counters('"product"."id"', stock), "reserved": reserved, "preordered": PREORDERED}


COLUMNS = (*READ_FIELDS, *_counted(0))
"""`with_counts`' columns, in the order of its SELECT (tortoise selects `values()`' fields in their order)."""


def with_counts(query: QuerySet[Product], stock_id: int) -> ValuesQuery[Literal[False]]:
    """The products of `query` (filtered, ordered and limited already) with their counters in the stock:
    correlated subqueries, not JOINs with GROUP BY, so the database sums stock only for the rows it
    returns (2.6 ms against 99 ms for a page of a 100,000-product catalog on SQLite)."""
    annotations = _counted(stock_id)
    return query.annotate(**annotations).values(*READ_FIELDS, *annotations)


async def product_rows(query: QuerySet[Product], stock_id: int) -> list[ProductRow]:
    return [ProductRow.of(values) for values in await with_counts(query, stock_id)]


async def page_rows(stock_id: int, after: int | None, size: int) -> list[ProductRow]:
    """Up to `size` products in id order after the cursor's id (if any), none filtered out: `with_counts`'
    statement for that page sent as built once (`_page_read`), its rows read as the database returns them
    and converted as `values()` would, into the mapping `ProductRow.of` reads. Tortoise built the statement
    anew per request and converted each row in a loop of its own: 10% of a listing's calls, about 8% of its
    CPU (docs/performance.md)."""
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    parameters = [size] if after is None else [after, size]
    _, rows = await connection.execute_query(_page_read(dialect, stock_id, after is not None), parameters)
    return _rows_of(rows, dict(_converters(dialect)))


@functools.cache
def _page_read(dialect: str, stock_id: int, after: bool) -> str:
    """Tortoise's own SQL for a page of `with_counts`, cursor and limit as parameters (in that order): the
    column list is `with_counts`', defined once. Built for the database in use; the dialect keys the cache."""
    products = Product.filter(id__gt=0) if after else Product.all()
    return with_counts(products.order_by("id").limit(1), stock_id).sql()


Converters = tuple[tuple[str, Callable[[Any], Any]], ...]


@functools.cache
def _converters(dialect: str) -> Converters:
    """The columns `values()` converts in the dialect, with their converters (the model field's
    `to_python_value`), as tortoise's `ValuesQuery` picks them: it leaves alone what its resolver returns
    as a plain function (the columns the driver returns as they are, and the annotations). Which those are
    follows the database's native types, hence the dialect as the cache's key."""
    values = with_counts(Product.all(), 0)
    found = ((name, values.resolve_to_python_value(Product, name)) for name in COLUMNS)
    return tuple((name, convert) for name, convert in found if not isinstance(convert, types.LambdaType))


# Where `_rows_of` finds each column of `with_counts` in a row, and the product's own settings and caps,
# contiguous in `READ_FIELDS`.
_AT = {name: position for position, name in enumerate(COLUMNS)}
_OWN = (*rules.SETTING_FIELDS, *rules.CAP_FIELDS)
_OWN_SLICE = slice(_AT[_OWN[0]], _AT[_OWN[-1]] + 1)
assert COLUMNS[_OWN_SLICE] == _OWN


class _Once(dict[Any, Any]):
    """A column's converter run once per distinct stored value (every converter leaves NULL as None)."""

    def __init__(self, convert: Callable[[Any], Any] | None) -> None:
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, stored: Any) -> Any:
        value = self[stored] = stored if self.convert is None else self.convert(stored)
        return value


def _rows_of(rows: Sequence[Sequence[Any]], converters: dict[str, Callable[[Any], Any]]) -> list[ProductRow]:
    """The page's rows read by position, each stored value converted once per page as `values()` converts
    it, and the rows storing the same own settings sharing one `OwnSettings`: no dict per row, and a
    page's products share a handful of settings (the bench's: four backorder modes, a threshold on some)."""
    at, own_slice = _AT, _OWN_SLICE
    prices, releases = _Once(converters.get("price")), _Once(converters.get("preorder_release_date"))
    owns: dict[Any, OwnSettings] = {}
    found: list[ProductRow] = []
    for row in rows:
        stored = tuple(row[own_slice])
        own = owns.get(stored)
        if own is None:
            own = owns[stored] = _own_settings(stored, converters)
        reserved = int(row[at["reserved"]] or 0)
        counts = Counts.read(row[at["on_hand"]], row[at["held"]], reserved, row[at["any_in_stock"]])
        found.append(
            ProductRow(
                row[at["id"]],
                row[at["sku"]],
                row[at["name"]],
                prices[row[at["price"]]],
                row[at["supplier_id"]],
                releases[row[at["preorder_release_date"]]],
                row[at["preorder_max_quantity"]],
                row[at["preorder_message"]],
                own,
                counts,
                int(row[at["preordered"]]),
            )
        )
    return found


def _own_settings(stored: tuple[Any, ...], converters: dict[str, Callable[[Any], Any]]) -> OwnSettings:
    values = dict(zip(_OWN, stored, strict=True))
    for name, value in values.items():
        if value is not None and name in converters:
            values[name] = converters[name](value)
    return OwnSettings.of(values)
