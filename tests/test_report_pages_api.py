"""The reports' order and pages over HTTP (DESIGN.md 7.4 precise points): each report's key, then SKUs
in code points whatever the database's collation, read page by page through cursors to past the end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from tortoise.connection import connections

from tests.api import Api
from tests.conftest import on_postgres
from tests.test_reports_api import BACKORDERS, DEMAND, LOW_STOCK, NOTIFY, report


@pytest.fixture
async def skus_in_an_english_collation(api: Api) -> AsyncIterator[None]:
    """On PostgreSQL, every SKU column collates in English ("en-x-icu": a < A < a-b < b < B) for one test,
    as in a database created with an English locale: the reports must still sort SKUs in code points,
    which only `COLLATE "C"` gives. (The test database's own C.UTF-8 would hide a missing one; SQLite's
    BINARY collation is code-point order.)"""
    if not on_postgres():
        yield
        return
    conn = connections.get("default")
    columns = await conn.execute_query_dict(
        "SELECT table_name, character_maximum_length AS length FROM information_schema.columns "
        "WHERE column_name = 'sku' AND table_schema = current_schema()"
    )

    async def collate(collation: str) -> None:
        for column in columns:
            await conn.execute_script(
                f'ALTER TABLE "{column["table_name"]}" ALTER COLUMN "sku" TYPE VARCHAR({column["length"]}) '
                f'COLLATE "{collation}"'
            )

    await collate("en-x-icu")
    try:
        yield
    finally:
        await collate("default")


async def every_page(api: Api, query: str, name: str, first: int, **variables: Any) -> list[str]:
    """The SKUs of a report read page by page, `first` rows at a time, each page's total checked."""
    seen: list[str] = []
    after = None
    while True:
        page = await report(api, query, name, first=first, after=after, **variables)
        seen += [row["product"]["sku"] for row in page["rows"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(seen)
            return seen
        after = page["pageInfo"]["endCursor"]


@pytest.mark.usefixtures("skus_in_an_english_collation")
async def test_reports_sort_by_their_key_then_sku_in_code_points_and_page_with_cursors(api: Api) -> None:
    # SKUs take letters of both cases, digits and . _ / - (DESIGN.md 3); non-ASCII ones are refused.
    waits = {"b": 1, "B": 1, "a": 2, "A": 1, "a-b": 1, "a_b": 1, "a.b": 1, "a/b": 1, "Z": 1, "z": 2, "9": 1, "Ab": 2}
    for sku, units in waits.items():
        await api.create_product(sku, quantity=0, backorders=NOTIFY)
        await api.checkout((sku, units))
    code_points = ["9", "A", "B", "Z", "a-b", "a.b", "a/b", "a_b", "b"]  # '-' < '.' < '/' < digits < A-Z < '_' < a-z
    most_waiting_first = ["Ab", "a", "z", *code_points]
    assert most_waiting_first == sorted(waits, key=lambda sku: (-waits[sku], sku))

    for first in (1, 2, 50):
        assert await every_page(api, BACKORDERS, "backorderReport", first) == most_waiting_first
        # Free units are minus the waiting ones: the most waiting are the lowest free.
        assert await every_page(api, LOW_STOCK, "lowStockReport", first) == most_waiting_first
        # No supplier, so each suggestion is the product's waiting units.
        assert await every_page(api, DEMAND, "demandReport", first, days=1) == most_waiting_first


@pytest.mark.parametrize(
    ("query", "name", "variables"),
    [
        (BACKORDERS, "backorderReport", {}),
        (LOW_STOCK, "lowStockReport", {}),
        (DEMAND, "demandReport", {"days": 30}),  # its sums kept
        (DEMAND, "demandReport", {"days": 1}),  # its days summed
    ],
)
async def test_a_page_after_the_last_row_is_empty_and_still_counts_every_row(
    api: Api, query: str, name: str, variables: dict[str, Any]
) -> None:
    for sku in ("A", "B"):
        await api.create_product(sku, quantity=0, backorders=NOTIFY)
        await api.checkout((sku, 1))
    whole = await report(api, query, name, first=2, **variables)
    assert (whole["totalCount"], whole["pageInfo"]["hasNextPage"]) == (2, False)

    past = await report(api, query, name, first=2, after=whole["pageInfo"]["endCursor"], **variables)

    assert (past["rows"], past["totalCount"], past["pageInfo"]["hasNextPage"]) == ([], 2, False)
