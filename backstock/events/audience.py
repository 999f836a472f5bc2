"""Whom events reach: the sales channels of the stocks they concern and the active webhooks, in one statement.

Both tables are small and change through admin mutations in any worker, so they are read in the
transaction that records the events, never kept per process: a stock event names the channels of
that moment and reaches the webhooks of that moment. One UNION ALL reads both (a checkout's stock
event and ORDER_PLACED then cost one read where a read of each cost two).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.connection import connections

from backstock.models import Webhook
from backstock.models.rows import marks


@dataclass(frozen=True)
class Audience:
    channels: Mapping[int, Sequence[str]]
    """The channel codes of each stock asked for, in code order."""
    hooks: Sequence[tuple[int, frozenset[str]]]
    """The active webhooks: id and the event kinds each subscribes to."""

    def channels_of(self, stock_id: int) -> Sequence[str]:
        return self.channels.get(stock_id, ())


@functools.cache
def statement(stocks: int, postgres: bool) -> str:
    """The read for `stocks` stock ids (0: the webhooks alone). Hand-written and built once: tortoise's
    `QuerySet.union` would give the rows as models, but builds its query anew for every request, the
    cost the checkout's other hot statements shed too (docs/performance.md)."""
    stock_ids = ", ".join(marks(postgres, stocks))
    hooks = 'SELECT \'webhook\' AS "what", "id", NULL AS "code", "events" FROM "webhook" WHERE "active"'
    if not stocks:
        return hooks + ' ORDER BY "id"'
    channels = f'SELECT \'channel\', "stock_id", "code", NULL FROM "channel" WHERE "stock_id" IN ({stock_ids})'  # noqa: S608
    return f"{hooks} UNION ALL {channels} ORDER BY 1, 2, 3"


def audience_of(rows: Sequence[Mapping[str, Any]]) -> Audience:
    """From the rows of `statement` (a webhook's `events` comes as text from SQLite and asyncpg alike)."""
    events = Webhook._meta.fields_map["events"]
    channels: dict[int, list[str]] = {}
    hooks: list[tuple[int, frozenset[str]]] = []
    for row in rows:
        if row["what"] == "channel":
            channels.setdefault(int(row["id"]), []).append(str(row["code"]))
        else:
            hooks.append((int(row["id"]), frozenset(events.to_python_value(row["events"]))))
    return Audience(channels, hooks)


async def read(stock_ids: Collection[int]) -> Audience:
    """The channels of `stock_ids` and the active webhooks, in the caller's transaction."""
    connection = connections.get("default")
    sql = statement(len(stock_ids), connection.capabilities.dialect == "postgres")
    return audience_of(await connection.execute_query_dict(sql, sorted(stock_ids)))
