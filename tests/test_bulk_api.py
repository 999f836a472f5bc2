"""bulkUpdateStock over HTTP: its two error policies, its limit, and the use cases it goes through."""

from __future__ import annotations

from typing import Any

from backstock.models import OutboxMessage, StockMovement
from tests.api import Api
from tests.ledger import assert_ledger_matches_counters
from tests.multisource import source, source_items

BULK = """mutation($rows: [StockRowInput!]!, $policy: BulkErrorPolicy) {
  bulkUpdateStock(rows: $rows, errorPolicy: $policy) {
    applied failed
    rows { sku applied error errorCode product { sku quantity reservedQuantity backorderedQuantity } }
  }
}"""
NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
# One row of each kind of invalid row, then what became of it.
INVALID: list[tuple[dict[str, Any], str, str]] = [
    ({"sku": "MUG", "quantity": 1, "delta": 1}, "BAD_USER_INPUT", "exactly one"),
    ({"sku": "MUG"}, "BAD_USER_INPUT", "exactly one"),
    ({"sku": "NOPE", "quantity": 1}, "UNKNOWN_SKU", "'NOPE'"),
    ({"sku": "MUG", "quantity": 1, "source": "mars"}, "BAD_USER_INPUT", "source: no source 'mars'"),
    ({"sku": "MUG", "quantity": -1}, "BAD_USER_INPUT", "quantity"),
    ({"sku": "TEE", "delta": -50}, "BAD_USER_INPUT", "below 0"),
]


async def bulk(api: Api, rows: list[dict[str, Any]], policy: str | None = None) -> Any:
    variables: dict[str, Any] = {"rows": rows} if policy is None else {"rows": rows, "policy": policy}
    return (await api.data(BULK, variables))["bulkUpdateStock"]


async def quantities(api: Api, *skus: str) -> list[int]:
    return [(await api.product(sku))["quantity"] for sku in skus]


async def test_reject_failed_rows_writes_the_valid_rows_and_reports_each_invalid_one(api: Api) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("TEE", quantity=4)
    await source(api, "shop")
    rows = [
        {"sku": "MUG", "quantity": 10},
        *(row for row, _, _ in INVALID),
        {"sku": "TEE", "delta": 2, "source": "shop"},
    ]
    result = await bulk(api, rows, "REJECT_FAILED_ROWS")
    assert (result["applied"], result["failed"]) == (2, len(INVALID))
    first, *invalid, last = result["rows"]
    assert first == {
        "sku": "MUG",
        "applied": True,
        "error": None,
        "errorCode": None,
        "product": {"sku": "MUG", "quantity": 10, "reservedQuantity": 0, "backorderedQuantity": 0},
    }
    for row, (given, code, words) in zip(invalid, INVALID, strict=True):
        assert (row["sku"], row["applied"], row["product"], row["errorCode"]) == (given["sku"], False, None, code)
        assert words in row["error"], row
    assert last["applied"] is True
    assert await quantities(api, "MUG", "TEE") == [10, 4]
    assert (await source_items(api, "TEE"))["shop"]["quantity"] == 2
    await assert_ledger_matches_counters()


async def test_reject_all_writes_nothing_when_a_row_is_invalid(api: Api) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("TEE", quantity=4)
    movements = await StockMovement.all().count()
    rows = [{"sku": "MUG", "quantity": 10}, {"sku": "NOPE", "delta": 1}, {"sku": "TEE", "delta": -50}]
    result = await bulk(api, rows, "REJECT_ALL")
    assert (result["applied"], result["failed"]) == (0, 2)
    assert result["rows"][0] == {"sku": "MUG", "applied": False, "error": None, "errorCode": None, "product": None}
    assert [row["errorCode"] for row in result["rows"][1:]] == ["UNKNOWN_SKU", "BAD_USER_INPUT"]
    assert await quantities(api, "MUG", "TEE") == [3, 4]
    assert await StockMovement.all().count() == movements


async def test_reject_all_is_the_default_and_writes_every_row_when_all_are_valid(api: Api) -> None:
    await api.create_product("MUG", quantity=3)
    await api.create_product("TEE", quantity=4)
    result = await bulk(api, [{"sku": "MUG", "delta": 5}, {"sku": "TEE", "quantity": 0}])
    assert (result["applied"], result["failed"]) == (2, 0)
    assert await quantities(api, "MUG", "TEE") == [8, 0]
    assert (await bulk(api, [{"sku": "MUG"}]))["applied"] == 0


async def test_the_same_sku_twice_applies_in_order(api: Api) -> None:
    """The second row is valid only after the first: each row is checked against the rows before it."""
    await api.create_product("MUG", quantity=3)
    rows = [{"sku": "MUG", "quantity": 10}, {"sku": "MUG", "delta": -8}, {"sku": "MUG", "delta": -8}]
    rejected = await bulk(api, rows, "REJECT_ALL")
    assert [(r["applied"], r["errorCode"]) for r in rejected["rows"]] == [
        (False, None),
        (False, None),
        (False, "BAD_USER_INPUT"),
    ]
    assert await quantities(api, "MUG") == [3]
    result = await bulk(api, rows[:2], "REJECT_ALL")
    assert [r["product"]["quantity"] for r in result["rows"]] == [10, 2]
    assert await quantities(api, "MUG") == [2]


async def test_more_than_1000_rows_is_refused_naming_the_limit_and_writes_nothing(api: Api) -> None:
    await api.create_product("MUG", quantity=3)
    for policy in ("REJECT_ALL", "REJECT_FAILED_ROWS"):
        error = await api.error(BULK, {"rows": [{"sku": "MUG", "delta": 1}] * 1001, "policy": policy})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "rows"}
        assert "1,000" in error["message"]
    assert await quantities(api, "MUG") == [3]
    result = await api.data(
        "mutation($rows: [StockRowInput!]!) { bulkUpdateStock(rows: $rows) { applied failed } }",
        {"rows": [{"sku": "MUG", "delta": 1}] * 1000},
    )
    assert result["bulkUpdateStock"] == {"applied": 1000, "failed": 0}
    assert await quantities(api, "MUG") == [1003]


async def test_a_bulk_restock_allocates_backorders_and_queues_their_emails_like_adjust_stock(api: Api) -> None:
    await api.create_product("BAG", quantity=0, backorders=NOTIFY)
    number = (await api.checkout(("BAG", 2)))["number"]
    emails = await OutboxMessage.all().count()
    rejected = await bulk(api, [{"sku": "BAG", "delta": 5}, {"sku": "NOPE", "delta": 1}])
    assert rejected["applied"] == 0
    assert (await api.order(number))["lines"][0]["quantityBackordered"] == 2
    assert await OutboxMessage.all().count() == emails
    result = await bulk(api, [{"sku": "BAG", "delta": 5}, {"sku": "NOPE", "delta": 1}], "REJECT_FAILED_ROWS")
    assert result["rows"][0]["product"] == {
        "sku": "BAG",
        "quantity": 5,
        "reservedQuantity": 2,
        "backorderedQuantity": 0,
    }
    line = (await api.order(number))["lines"][0]
    assert (line["quantityReadyToShip"], line["quantityBackordered"]) == (2, 0)
    assert await OutboxMessage.all().count() > emails
    await assert_ledger_matches_counters()
