"""The demand report's inputs per stock item (migrations 0018 and 0020), kept by the database's triggers:
after every kind of write that moves one (a stock item, on hand, reserved, waiting, incoming, the supplier,
the active alerts, the units sold in the kept window) the kept rows must equal the same inputs computed
from scratch from the base tables."""

from __future__ import annotations

from datetime import UTC, datetime

from backstock.models import Order, Product, StockAlert, StockAlertStatus, Supplier
from tests.api import Api
from tests.multisource import SHIP, source, stock
from tests.test_report_counters_api import ADJUST, CANCEL, PO, RECEIVE, SUBMIT, rows

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
SUPPLIER = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { code } }"
SET_SUPPLIER = "mutation($s: String!, $c: String) { updateProduct(sku: $s, input: {supplier: $c}) { sku } }"
SUBSCRIBE = "mutation($sku: String!, $email: String!) { subscribeToStockAlert(sku: $sku, email: $email) { status } }"
TODAY = datetime.now(UTC).date().isoformat()
DEMAND = "{ demandReport(days: 30) { rows { product { sku } backorderedQuantity stockAlertSubscribers } totalCount } }"

SCRATCH = (
    "SELECT st.stock_id, st.product_id, p.sku, "
    "COALESCE((SELECT SUM(CASE WHEN si.in_stock THEN si.quantity ELSE 0 END) FROM source_item si "
    "JOIN stock_source ss ON ss.source_id = si.source_id JOIN source s ON s.id = si.source_id "
    "WHERE s.enabled AND ss.stock_id = st.stock_id AND si.product_id = st.product_id), 0) AS on_hand, st.reserved, "
    "COALESCE((SELECT SUM(ol.backordered) FROM order_line ol WHERE ol.stock_id = st.stock_id "
    "AND ol.product_id = st.product_id AND ol.stock_tracked), 0) AS waiting, "
    "COALESCE((SELECT SUM(pol.quantity_ordered - pol.quantity_received) FROM purchase_order_line pol "
    "JOIN purchase_order po ON po.id = pol.purchase_order_id JOIN stock_source ss ON ss.source_id = po.source_id "
    "WHERE ss.stock_id = st.stock_id AND pol.product_id = st.product_id AND po.status = 'OPEN' "
    "AND pol.quantity_received < pol.quantity_ordered), 0) AS incoming, p.supplier_id, "
    "(SELECT COUNT(*) FROM stock_alert a WHERE a.product_id = st.product_id AND a.status = 'ACTIVE') AS subscribers, "
    + ", ".join(
        f"COALESCE((SELECT SUM(rs.{units}) FROM report_sales rs WHERE rs.stock_id = st.stock_id "
        f"AND rs.product_id = st.product_id AND rs.day >= (SELECT first_day FROM demand_window)), 0) AS window_{units}"
        for units in ("ordered", "cancelled")
    )
    + " FROM stock_item st JOIN product p ON p.id = st.product_id"
)
KEPT = (
    "SELECT stock_id, product_id, sku, on_hand, reserved, waiting, incoming, supplier_id, subscribers, "
    "window_ordered, window_cancelled FROM demand_inputs"
)


async def assert_inputs_exact() -> None:
    assert await rows(KEPT) == await rows(SCRATCH)


async def test_inputs_follow_every_write_that_moves_them(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    await api.create_product("TEE", quantity=0, backorders=NOTIFY)
    await assert_inputs_exact()  # a stock item: a row

    await api.data(ADJUST, {"s": "MUG", "d": 3})  # on hand
    number = (await api.checkout(("MUG", 2), ("TEE", 3)))["number"]  # reserved and waiting
    await assert_inputs_exact()
    await api.data(CANCEL, {"n": number, "l": [{"sku": "TEE", "quantity": 1}]})
    await api.data(SHIP, {"n": number})
    await assert_inputs_exact()

    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acme", "leadTimeDays": 7}})
    await api.data(SET_SUPPLIER, {"s": "TEE", "c": "ACME"})
    await assert_inputs_exact()
    await api.data(
        PO, {"input": {"number": "PO-1", "expectedDate": TODAY, "lines": [{"sku": "TEE", "quantity": 5}]}}
    )  # DRAFT
    await assert_inputs_exact()
    await api.data(SUBMIT, {"n": "PO-1"})  # OPEN: incoming
    await assert_inputs_exact()
    await api.data(RECEIVE, {"n": "PO-1", "l": [{"sku": "TEE", "quantity": 2}]})  # received, on hand, allocated
    await assert_inputs_exact()

    await source(api, "shop")
    po = {"number": "PO-2", "expectedDate": TODAY, "source": "shop", "lines": [{"sku": "MUG", "quantity": 4}]}
    await api.data(PO, {"input": po})
    await api.data(SUBMIT, {"n": "PO-2"})  # incoming at a source outside the stock: not counted
    await assert_inputs_exact()
    await stock(api, "default", ["default", "shop"], ["default"])  # the source joins the stock
    await assert_inputs_exact()
    await stock(api, "default", ["default"], ["default"])  # and leaves it
    await assert_inputs_exact()
    await stock(api, "eu", ["shop"], ["eu"])  # a new stock, with rows for every product
    await assert_inputs_exact()

    await api.create_product("CAP", quantity=0)  # a row in both stocks
    await api.data(SUBSCRIBE, {"sku": "CAP", "email": "a@example.com"}, admin=False)
    await api.data(SUBSCRIBE, {"sku": "CAP", "email": "b@example.com"}, admin=False)
    await assert_inputs_exact()
    await StockAlert.filter(email="b@example.com").update(status=StockAlertStatus.UNSUBSCRIBED)
    await assert_inputs_exact()
    await api.data(ADJUST, {"s": "CAP", "d": 10})  # back in stock: the alert sent
    await assert_inputs_exact()

    await api.data(SET_SUPPLIER, {"s": "TEE", "c": None})
    await api.data(SET_SUPPLIER, {"s": "MUG", "c": "ACME"})
    await assert_inputs_exact()
    found = (await api.data(DEMAND))["demandReport"]
    assert found["totalCount"] == len(found["rows"])


async def test_inputs_survive_rows_deleted_around_the_api(api: Api) -> None:
    await api.create_product("MUG", quantity=5)
    await api.create_product("TEE", quantity=0, backorders=NOTIFY)
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acme", "leadTimeDays": 7}})
    await api.data(SET_SUPPLIER, {"s": "MUG", "c": "ACME"})
    await api.create_product("CAP", quantity=0)
    await api.data(SUBSCRIBE, {"sku": "CAP", "email": "a@example.com"}, admin=False)
    await api.data(PO, {"input": {"number": "PO-1", "expectedDate": TODAY, "lines": [{"sku": "MUG", "quantity": 5}]}})
    await api.data(SUBMIT, {"n": "PO-1"})
    await assert_inputs_exact()
    await Supplier.filter(code="ACME").delete()  # the product's supplier set null
    await StockAlert.all().delete()
    await assert_inputs_exact()
    await Product.filter(sku="CAP").delete()  # its stock item goes, and its row
    await assert_inputs_exact()
    number = (await api.checkout(("MUG", 2), ("TEE", 1)))["number"]
    await assert_inputs_exact()
    await Order.filter(number=number).delete()  # its units sold go from the window
    await assert_inputs_exact()
