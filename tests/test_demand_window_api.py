"""The demand report's default window read from the sums the database keeps (migration 0020): exactly
the last 30 x 24 h like any other window, moved as days pass by the first report that finds its first
day behind (or ahead, after a clock stepped back), without waiting for, or miscounting, a write under way."""

from __future__ import annotations

import asyncio
import importlib
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from tortoise.connection import connections

from backstock.models.rows import marks
from tests.api import Api
from tests.conftest import POSTGRES_URL, on_postgres
from tests.test_demand_inputs_api import assert_inputs_exact
from tests.test_report_counters_api import NOTIFY, set_created_at, sold

DAYS = 30
TODAY = datetime.now(UTC).date()
FIRST_WHOLE_DAY = TODAY - timedelta(days=DAYS - 1)


async def kept_since(day: date) -> None:
    """The database as a window last moved on `day` leaves it: the sums count from that day."""
    conn = connections.get("default")
    value = day if on_postgres() else day.isoformat()
    [day_mark] = marks(on_postgres(), 1)
    await conn.execute_query(f"UPDATE demand_window SET first_day = {day_mark}", [value])
    sums = ", ".join(
        f"window_{units} = COALESCE((SELECT SUM(s.{units}) FROM report_sales s WHERE s.stock_id = demand_inputs.stock_id "
        "AND s.product_id = demand_inputs.product_id AND s.day >= (SELECT first_day FROM demand_window)), 0)"
        for units in ("ordered", "cancelled")
    )
    await conn.execute_query(f"UPDATE demand_inputs SET {sums}")


async def kept_first_day() -> date:
    found = await connections.get("default").execute_query_dict("SELECT first_day FROM demand_window")
    return date.fromisoformat(str(found[0]["first_day"]))


async def sold_from_the_kept_sums(api: Api) -> dict[str, int]:
    """The 30-day report from a request that found or moved the window to its first whole day. A move that
    cannot lock within its timeout (autovacuum or a long write holding `demand_inputs` on PostgreSQL) is
    left to a later report, whose answer is the same summed: so ask again, for up to 5 s."""
    for _ in range(20):
        found = await sold(api, DAYS)
        if await kept_first_day() == FIRST_WHOLE_DAY:
            return found
        await asyncio.sleep(0.25)
    raise AssertionError("no report moved the window in 5 s")


async def orders_on(api: Api, days_ago: dict[str, int]) -> dict[str, str]:
    """Per SKU a product and an order of 2 units waiting (so each has a row), created that many days ago."""
    numbers = {}
    for sku, ago in days_ago.items():
        await api.create_product(sku, quantity=0, backorders=NOTIFY)
        numbers[sku] = (await api.checkout((sku, 2)))["number"]
        await set_created_at(numbers[sku], datetime.now(UTC) - timedelta(days=ago))
    return numbers


async def test_the_default_window_is_exactly_30_days_back_from_the_kept_sums(api: Api) -> None:
    numbers = await orders_on(api, {"IN": 0, "OUT": 0, "MIDNIGHT": 0})
    now = datetime.now(UTC)
    await set_created_at(numbers["IN"], now - timedelta(days=DAYS) + timedelta(minutes=2))
    await set_created_at(numbers["OUT"], now - timedelta(days=DAYS) - timedelta(minutes=2))
    first_whole_day = datetime.combine(FIRST_WHOLE_DAY, datetime.min.time(), UTC)
    await set_created_at(numbers["MIDNIGHT"], first_whole_day)

    assert await sold_from_the_kept_sums(api) == {"IN": 2, "OUT": 0, "MIDNIGHT": 2}
    await assert_inputs_exact()
    assert await sold(api, DAYS + 1) == {"IN": 2, "OUT": 2, "MIDNIGHT": 2}  # another window sums its days


async def test_days_that_pass_leave_the_window(api: Api) -> None:
    await orders_on(api, {"OLD": 40, "RECENT": 20, "TODAY": 0})
    await kept_since(TODAY - timedelta(days=45))  # the window last moved 16 days ago
    await assert_inputs_exact()

    assert await sold_from_the_kept_sums(api) == {"OLD": 0, "RECENT": 2, "TODAY": 2}
    await assert_inputs_exact()
    number = (await api.checkout(("OLD", 1)))["number"]  # sales after the move count once
    assert await sold(api, DAYS) == {"OLD": 1, "RECENT": 2, "TODAY": 2}
    assert number


async def test_days_come_back_after_a_clock_stepped_back(api: Api) -> None:
    await orders_on(api, {"EARLIER": 20, "TODAY": 0})
    await kept_since(TODAY - timedelta(days=10))  # moved by a clock 19 days ahead

    assert await sold_from_the_kept_sums(api) == {"EARLIER": 2, "TODAY": 2}
    await assert_inputs_exact()


async def test_checkouts_while_the_window_moves_are_each_counted_once(api: Api) -> None:
    await orders_on(api, {"OLD": 40, "MUG": 0})
    await kept_since(TODAY - timedelta(days=45))

    checkouts = [api.checkout(("MUG", 1), ("OLD", 1), email=f"s{i}@example.com") for i in range(20)]
    reports = [sold(api, DAYS) for _ in range(5)]
    await asyncio.gather(*checkouts, *reports)

    await assert_inputs_exact()
    assert await sold_from_the_kept_sums(api) == {"OLD": 20, "MUG": 22}
    await assert_inputs_exact()


async def test_the_migration_sums_the_sales_already_made(api: Api) -> None:
    await orders_on(api, {"RECENT": 3, "OLD": 40})
    await api.checkout(("RECENT", 1))
    conn = connections.get("default")
    await conn.execute_query("UPDATE demand_inputs SET window_ordered = 0, window_cancelled = 0")  # as before 0020

    await conn.execute_query(importlib.import_module("backstock.migrations.0020_demand_window").BACKFILL)

    await assert_inputs_exact()
    assert await sold(api, DAYS) == {"RECENT": 3, "OLD": 0}


@pytest.mark.postgres_only
async def test_a_write_under_way_to_a_day_leaving_the_window_neither_blocks_nor_skews_it(api: Api) -> None:
    numbers = await orders_on(api, {"OLD": 40, "RECENT": 20})
    stale = TODAY - timedelta(days=45)
    await kept_since(stale)
    writer = await asyncpg.connect(POSTGRES_URL)
    try:
        transaction = writer.transaction()
        await transaction.start()
        await writer.execute(  # another process cancels a unit of the old order, not yet committed
            "UPDATE order_line SET cancelled = cancelled + 1, backordered = backordered - 1 "
            "WHERE order_id = (SELECT id FROM sales_order WHERE number = $1)",
            numbers["OLD"],
        )
        report = asyncio.create_task(sold(api, DAYS))
        answered, _ = await asyncio.wait({report}, timeout=5)
        await transaction.commit()
        assert answered  # within the lock timeout, summing its days
        assert await report == {"OLD": 0, "RECENT": 2}
        assert await kept_first_day() == stale  # the move left for a later report
    finally:
        await writer.close()

    assert await sold_from_the_kept_sums(api) == {"OLD": 0, "RECENT": 2}
    await assert_inputs_exact()
