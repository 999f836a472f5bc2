"""What the three reports share: checked arguments, keyset cursors, and one statement per page.

Each report is one SQL statement whatever the catalog size: its rows (from the counts the
database keeps per product, migrations 0016 to 0020, or grouped aggregates over the stock), their count
and the page of rows after the cursor. A report sorted by a kept count reads its page through an
index in its order; one sorted by a computed value computes every candidate once: low stock
MATERIALIZED, then counted and paged; demand, whose suggestion depends on the window asked for,
paged by a top-k sort and counted apart (`page`'s `count`). The page is sorted again in Python by the
report's key from `rules.reports`, which is also the cursor, since a join may reorder rows.
Only code-made SQL and `Sql` placeholders are interpolated into the statements, never input.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from tortoise.connection import connections

from backstock import rules
from backstock.models import Product
from backstock.resolvers.catalog import ProductView, views_in
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.groups import Terms

R = TypeVar("R")
Key = tuple[int, str]


@dataclass(frozen=True)
class ReportPage(Generic[R]):
    """One page of a report: its rows, each row's cursor, and the rows of every page together."""

    rows: list[R]
    cursors: list[str]
    has_next_page: bool
    total_count: int
    stock_id: int


def check_first(first: int) -> None:
    for violation in rules.report_first_violations(first):
        raise BadUserInput(violation.message, field=violation.field)


def check_days(days: int) -> None:
    for violation in rules.report_days_violations(days):
        raise BadUserInput(violation.message, field=violation.field)


def encode_cursor(kind: str, key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, *key]).encode()).decode()


def decode_cursor(kind: str, cursor: str) -> Key:
    """The key of the row a page starts after; a cursor of another report is refused."""
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if (
            isinstance(found, list)
            and len(found) == 3
            and found[0] == kind
            and type(found[1]) is int
            and abs(found[1]) <= rules.MAX_INT
            and isinstance(found[2], str)
        ):
            return found[1], found[2]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadUserInput(f"after: {cursor!r} is not a cursor this report returned", field="after")


class Sql:
    """Collects parameters in the client's placeholder style (asyncpg `$n`, sqlite `?`)."""

    def __init__(self) -> None:
        self.postgres = connections.get("default").capabilities.dialect == "postgres"
        self.params: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else "?"

    def day(self, value: date) -> str:
        """A UTC day as the kept tables hold it (`report_sales.day`): a date on PostgreSQL, ISO text on SQLite."""
        return self(value if self.postgres else value.isoformat())

    @property
    def sku(self) -> str:
        """SKUs compare in code points: PostgreSQL's "C" collation, SQLite's default BINARY one."""
        return 'r."sku" COLLATE "C"' if self.postgres else 'r."sku"'


def held_cte(sql: Sql, stock_id: int) -> str:
    """Units on hand per product in the stock (items flagged in stock at enabled sources), like
    `inventory.counters`, as the database keeps them (`stock_on_hand`, migration 0017): a product
    appears when the stock has an item of it at an enabled source."""
    return (
        'held AS (SELECT "product_id", "on_hand" FROM "stock_on_hand" '  # noqa: S608
        f'WHERE "stock_id" = {sql(stock_id)} AND "items" > 0)'
    )


def incoming_cte(sql: Sql, stock_id: int) -> str:
    """Units due on OPEN purchase orders at the stock's sources (a DRAFT counts for nothing), and the earliest date."""
    return (
        'incoming AS MATERIALIZED (SELECT pol."product_id", '  # noqa: S608
        'SUM(pol."quantity_ordered" - pol."quantity_received") AS incoming, '
        'MIN(po."expected_date") AS next_date '
        'FROM "purchase_order_line" pol JOIN "purchase_order" po ON po."id" = pol."purchase_order_id" '
        'JOIN "stock_source" ss ON ss."source_id" = po."source_id" '
        f'WHERE ss."stock_id" = {sql(stock_id)} AND po."status" = {sql(rules.PurchaseOrderStatus.OPEN.value)} '
        'AND pol."quantity_received" < pol."quantity_ordered" GROUP BY pol."product_id")'
    )


async def page(
    sql: Sql,
    stock_id: int,
    ctes: Sequence[str],
    report: str,
    sort: tuple[str, bool],
    kind: str,
    first: int,
    after: str | None,
    build: Callable[[dict[str, Any]], R],
    key: Callable[[R], Key],
    *,
    materialized: bool = True,
    details: Callable[[], str] = lambda: "",
    count: Callable[[], str] | None = None,
) -> ReportPage[R]:
    """Runs the report's one statement (and, for a page after the last row, its count alone: the count
    rides on the page's rows, a scalar subquery over a page the database sorts at the top of the
    statement; joined to it instead, SQLite sorted every row for the page, 2x slower). `report` selects
    its rows with `id` and `sku`; `sort` names the number column it sorts by and whether descending
    (then SKU ascending), as `key` does in Python.

    `materialized` False lets the database fold `report` into both the count and the page, so an index
    in the page's order reads only the page; `details` then adds columns (`, expr AS name` over the
    page's row `r`) computed for the page's rows only. It is called where its placeholders go.
    `count`, called there too, is a SELECT of `total` that counts `report`'s rows without computing
    them, for a report whose rows are too costly to compute twice or to keep (then not materialized)."""
    column, descending = sort
    body = f"report AS {'' if materialized else 'NOT '}MATERIALIZED ({report})"
    head = f"WITH {', '.join([*ctes, body])}"
    counted = "SELECT COUNT(*) AS total FROM report" if count is None else count()
    counted_params = list(sql.params)
    added = details()
    where = ""
    if after is not None:
        number, sku = decode_cursor(kind, after)
        number = -number if descending else number  # a descending key holds the negated column
        beyond = "<" if descending else ">"
        where = (
            f'WHERE r."{column}" {beyond} {sql(number)} OR (r."{column}" = {sql(number)} AND {sql.sku} > {sql(sku)})'
        )
    order = f'r."{column}" {"DESC" if descending else "ASC"}, {sql.sku}'
    statement = (
        f"{head} SELECT ({counted}) AS total, r.*{added} "  # noqa: S608
        f"FROM (SELECT * FROM report r {where} ORDER BY {order} LIMIT {sql(first + 1)}) r"
    )
    conn = connections.get("default")
    found = await conn.execute_query_dict(statement, sql.params)
    built = sorted((build(row) for row in found), key=key)
    shown = built[:first]
    if found or after is None:
        total = int(found[0]["total"]) if found else 0
    else:  # a page past the last row: the count alone
        total = int((await conn.execute_query_dict(f"{head} {counted}", counted_params))[0]["total"])
    cursors = [encode_cursor(kind, key(row)) for row in shown]
    return ReportPage(shown, cursors, len(built) > first, total, stock_id)


async def product_views(page: ReportPage[Any], store: Terms) -> dict[int, ProductView]:
    """The page's products with their counters in the report's stock, for `Row.product`: one query."""
    ids = [row.product_id for row in page.rows]
    if not ids:
        return {}
    return {view.product.id: view for view in await views_in(Product.filter(id__in=ids), store, page.stock_id)}


def instant(value: Any) -> datetime | None:
    """A timestamp as the driver returns it: asyncpg a datetime, sqlite the text tortoise stored (UTC)."""
    if value is None:
        return None
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)
