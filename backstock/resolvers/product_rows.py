"""A product as its views read it: its columns and its counters in one stock, one statement, plain rows.

Every view read (a listing's page, a product, checkout's quote, alternatives, bulk results, report rows)
and the listing floor send `with_counts`' statement, the one definition of what a view reads. Its rows
are taken as tortoise's `values()` gives them (each column converted by its model field, for the
database in use) into a frozen `ProductRow`: tortoise built a `Product` model per row before, through
its partial-model path for `.only()` (two sets and a `__setattr__` per attribute): 18% of a loaded
server's event loop on a listing (docs/performance.md), and no view writes a product.

The unfiltered listing's page, the most asked read, skips tortoise's per-request work (`page_rows`): its
statement is `with_counts`' own SQL, built once per dialect, stock and cursor presence with the cursor
and page size as parameters, and its rows are converted by the converters tortoise's `values()` takes
for the dialect, looked up once.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol

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
    def overrides(self) -> dict[str, Any]: ...
    def cap_overrides(self) -> rules.CapSettings: ...


@dataclass(frozen=True, slots=True)
class ProductRow:
    """One row of `with_counts`: the product's columns, and its counters and pre-ordered units in the stock."""

    id: int
    sku: str
    name: str
    price: Decimal
    supplier_id: int | None
    preorder_release_date: date | None
    preorder_max_quantity: int | None
    preorder_message: str | None
    stock_overrides: dict[str, Any]
    caps: rules.CapSettings
    counts: Counts
    preordered: int  # units pre-ordered so far (all stocks) while the product holds a pre-order

    def overrides(self) -> dict[str, Any]:
        return self.stock_overrides

    def cap_overrides(self) -> rules.CapSettings:
        return self.caps

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> ProductRow:
        return cls(
            id=values["id"],
            sku=values["sku"],
            name=values["name"],
            price=values["price"],
            supplier_id=values["supplier_id"],
            **{name: values[name] for name in PREORDER_FIELDS},
            stock_overrides={name: values[name] for name in rules.SETTING_FIELDS},
            caps=cap_settings(values),
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
    converters = _converters(dialect)
    return [ProductRow.of(_converted(dict(zip(COLUMNS, row, strict=True)), converters)) for row in rows]


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


def _converted(values: dict[str, Any], converters: Converters) -> dict[str, Any]:
    """Every converter of tortoise's fields leaves NULL as None, so only values are converted."""
    for name, convert in converters:
        value = values[name]
        if value is not None:
            values[name] = convert(value)
    return values
