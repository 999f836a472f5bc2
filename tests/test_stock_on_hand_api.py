"""Units on hand per (stock, product) the low-stock and demand reports read (migration 0017), kept by
the database's triggers: after every kind of write to source items, to a stock's sources and to a
source's `enabled` flag they must equal the sum over the items, computed from scratch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from backstock.models import Product, Source, SourceItem
from tests.api import Api
from tests.multisource import SHIP, set_quantity, source, stock
from tests.test_csv_cli import cli
from tests.test_report_counters_api import ADJUST, BULK, PO, RECEIVE, SUBMIT, rows

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
STATUS = (
    "mutation($s: String!, $i: Boolean!, $src: String) { setStockStatus(sku: $s, inStock: $i, source: $src) { sku } }"
)
TRANSFER = (
    "mutation($s: String!, $f: String!, $t: String!, $q: Int!) "
    "{ transferStock(sku: $s, fromSource: $f, toSource: $t, quantity: $q) { sku } }"
)
LOW_STOCK = "{ lowStockReport(first: 100) { rows { product { sku } freeQuantity } totalCount } }"


async def assert_on_hand_exact() -> None:
    """The kept rows equal the sums over items flagged in stock at the stock's enabled sources."""
    assert await rows(
        "SELECT stock_id, product_id, items, on_hand FROM stock_on_hand WHERE items <> 0 OR on_hand <> 0"
    ) == await rows(
        "SELECT ss.stock_id, si.product_id, COUNT(*), SUM(CASE WHEN si.in_stock THEN si.quantity ELSE 0 END) "
        "FROM source_item si JOIN stock_source ss ON ss.source_id = si.source_id "
        "JOIN source s ON s.id = si.source_id WHERE s.enabled GROUP BY ss.stock_id, si.product_id"
    )


async def low_stock(api: Api) -> dict[str, int]:
    found = (await api.data(LOW_STOCK))["lowStockReport"]
    assert found["totalCount"] == len(found["rows"])
    return {r["product"]["sku"]: r["freeQuantity"] for r in found["rows"]}


async def test_on_hand_follows_every_write_to_items_sources_and_stocks(api: Api, tmp_path: Path) -> None:
    await api.create_product("MUG", quantity=5)
    await api.create_product("TEE", quantity=0, backorders=NOTIFY)
    await assert_on_hand_exact()
    assert await low_stock(api) == {"TEE": 0}

    await api.data(ADJUST, {"s": "MUG", "d": 3})  # restock
    await api.data(ADJUST, {"s": "MUG", "d": -1})  # shrinkage
    await set_quantity(api, "TEE", 4, "default")  # stock count
    await assert_on_hand_exact()

    number = (await api.checkout(("MUG", 2)))["number"]
    await api.data(SHIP, {"n": number})
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 5

    await source(api, "shop")
    await set_quantity(api, "MUG", 6, "shop")  # not yet in the stock: not counted
    await assert_on_hand_exact()
    await stock(api, "default", ["default", "shop"], ["default"])  # a source added to the stock
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 11
    await api.data(TRANSFER, {"s": "MUG", "f": "default", "t": "shop", "q": 2})
    await assert_on_hand_exact()

    await api.data(STATUS, {"s": "MUG", "i": False, "src": "shop"})  # the source's item out of stock
    await assert_on_hand_exact()
    await api.data(STATUS, {"s": "MUG", "i": True, "src": "shop"})
    await source(api, "shop", enabled=False)
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 3
    await source(api, "shop", enabled=True)
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 11

    today = datetime.now(UTC).date().isoformat()
    po = {"number": "PO-1", "expectedDate": today, "source": "shop", "lines": [{"sku": "TEE", "quantity": 5}]}
    await api.data(PO, {"input": po})
    await api.data(SUBMIT, {"n": "PO-1"})
    await api.data(RECEIVE, {"n": "PO-1", "l": [{"sku": "TEE", "quantity": 2}]})
    await assert_on_hand_exact()
    await api.data(BULK, {"rows": [{"sku": "MUG", "delta": 3}, {"sku": "TEE", "quantity": 1, "source": "shop"}]})
    await assert_on_hand_exact()
    file = tmp_path / "stock.csv"
    file.write_text("sku,delta,source\nMUG,-4,shop\nTEE,7,\n")
    assert (await cli("import-stock", str(file), database_url=api.settings.database_url))[0] == 0
    await assert_on_hand_exact()
    assert await low_stock(api) == {}

    await stock(api, "default", ["default"], ["default"])  # the source removed from the stock
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 6
    await stock(api, "eu", ["shop"], ["eu"])  # a new stock, with the source's items
    await api.create_product("CAP", quantity=0)  # an item in every stock
    await assert_on_hand_exact()
    assert await low_stock(api) == {"CAP": 0}


async def test_on_hand_survives_items_and_sources_deleted_around_the_api(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    await source(api, "shop")
    await stock(api, "default", ["default", "shop"], ["default"])
    shop = await Source.get(code="shop")  # written around the API: no ledger rows hold the source
    await SourceItem.create(product=await Product.get(sku="MUG"), source=shop, quantity=4)
    await assert_on_hand_exact()
    await SourceItem.filter(source__code="default").delete()
    await assert_on_hand_exact()
    await Source.filter(code="shop").delete()
    await assert_on_hand_exact()
    assert (await api.product("MUG"))["quantity"] == 0
