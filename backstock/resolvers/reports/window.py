"""The demand window: the last `days` x 24 h, and whether the database keeps its sales summed per product.

Migration 0020 keeps `report_sales`' units from `demand_window.first_day` on in each kept row
(`demand_inputs.window_ordered`, `window_cancelled`), moved by every write to `report_sales` in its
transaction. A window of `DEMAND_WINDOW_DAYS` (the report's default, the exports', the dashboard's and
the supplier batches') reads those sums when their first day is its first whole day; whichever request
first finds the day behind moves it (`_move`): the days that left are taken from the sums, one aggregate
over those days' rows (or days added back, should a clock step back). Other windows sum their days.

On PostgreSQL the move first locks `demand_inputs` against writes (SHARE ROW EXCLUSIVE): every write to
`report_sales` moves the sums through a trigger that reads the first day, so none may be under way, or
read the old day, while it moves (a statement takes its snapshot once its locks are granted, so a write
that waited reads the new day). Writes wait for the move, once a day; a move that cannot lock within
`LOCK_TIMEOUT` (a long bulk write or a vacuum holding the table) is left to a later request, and this
one sums its days, rather than queueing every checkout behind it. SQLite runs one write transaction at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from asyncpg.exceptions import LockNotAvailableError
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import connections
from tortoise.transactions import in_transaction

from backstock.resolvers.reports.base import Sql
from backstock.rules import reports as rule

LOCK_TIMEOUT = "200ms"
LOCK = 'LOCK TABLE "demand_inputs" IN SHARE ROW EXCLUSIVE MODE'


@dataclass(frozen=True)
class Window:
    since: datetime
    midnight: datetime
    """The end of the window's partial first day [since, midnight), the start of its first whole UTC day."""
    kept: bool
    """The database keeps the window's whole days summed per product (`demand_inputs.window_*`)."""


async def window_of(days: int) -> Window:
    since = datetime.now(UTC) - timedelta(days=days)
    midnight = datetime.combine(since.date() + timedelta(days=1), time(), UTC)
    return Window(since, midnight, days == rule.DEMAND_WINDOW_DAYS and await _keep(midnight.date()))


async def _first_day(conn: BaseDBAsyncClient) -> date:
    found = await conn.execute_query_dict('SELECT "first_day" FROM "demand_window"')
    return date.fromisoformat(str(found[0]["first_day"]))


async def _keep(first_day: date) -> bool:
    """Whether the kept sums now count from `first_day`, moving them there when they do not."""
    if await _first_day(connections.get("default")) == first_day:
        return True
    try:
        async with in_transaction() as conn:
            if conn.capabilities.dialect == "postgres":
                await conn.execute_script(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'; {LOCK}")
            kept = await _first_day(conn)
            if kept != first_day:
                await _move(conn, kept, first_day)
    except LockNotAvailableError:
        return False
    return True


async def _move(conn: BaseDBAsyncClient, kept: date, first_day: date) -> None:
    sql = Sql()
    low, high = sorted((kept, first_day))
    sign = -1 if kept < first_day else 1
    days = f'"day" >= {sql.day(low)} AND "day" < {sql.day(high)}'
    await conn.execute_query(
        'UPDATE "demand_inputs" AS k SET "window_ordered" = k."window_ordered" + m."ordered", '  # noqa: S608
        '"window_cancelled" = k."window_cancelled" + m."cancelled" '
        f'FROM (SELECT "stock_id", "product_id", {sign} * SUM("ordered") AS "ordered", '
        f'{sign} * SUM("cancelled") AS "cancelled" FROM "report_sales" WHERE {days} '
        'GROUP BY "stock_id", "product_id") m WHERE k."stock_id" = m."stock_id" AND k."product_id" = m."product_id"',
        sql.params,
    )
    moved = Sql()
    await conn.execute_query(f'UPDATE "demand_window" SET "first_day" = {moved.day(first_day)}', moved.params)  # noqa: S608
