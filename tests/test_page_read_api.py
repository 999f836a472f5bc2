"""The unfiltered listing's page, read by a statement built once and converted by position
(`product_rows.page_rows`), shows every product as `product(sku)`, read through tortoise's `values()`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backstock.models import Product
from backstock.resolvers import clock
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.product_rows import page_rows, product_rows
from tests.api import Api

FIELDS = """sku name price stockStatus isSalable salableQuantity onlyXLeft backorderMessage(quantity: 3)
  quantity reservedQuantity backorderedQuantity inStock isLowStock
  availability(quantity: 2) { inStockQuantity backorderedQuantity expectedShipDate message }
  stockSettings { manageStock backorders outOfStockThreshold onlyXLeftThreshold notifyForQuantityBelow
    minSaleQuantity maxSaleQuantity quantityIncrements backorderLeadTimeDays backorderCustomerGroups
    maxBackorderQuantityPerOrder maxBackorderQuantityPerCustomer overridden }
  supplier { code name }
  preorder { releaseDate maxQuantity preorderedQuantity message }"""
LISTING = (
    f"query($after: String) {{ products(first: 100, after: $after) {{ edges {{ cursor node {{ {FIELDS} }} }} }} }}"
)
PRODUCT = f"query($sku: String!) {{ product(sku: $sku) {{ {FIELDS} }} }}"
CREATE = "mutation($input: ProductInput!) { createProduct(input: $input) { sku } }"
SUPPLIER = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { code } }"
PREORDER = "mutation($sku: String!, $input: PreorderInput) { setPreorder(sku: $sku, input: $input) { sku } }"
EVERY_OVERRIDE = {
    "manageStock": True,
    "backorders": "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY",
    "outOfStockThreshold": -5,
    "onlyXLeftThreshold": 3,
    "notifyForQuantityBelow": 4,
    "minSaleQuantity": 2,
    "maxSaleQuantity": 50,
    "quantityIncrements": 2,
    "backorderLeadTimeDays": 6,
    "backorderCustomerGroups": ["WHOLESALE", "VIP"],
    "maxBackorderQuantityPerOrder": 7,
    "maxBackorderQuantityPerCustomer": 9,
}
# sku: (name, price, quantity, in stock, stock settings, supplier)
PRODUCTS: dict[str, tuple[str, str, int, bool, dict[str, Any], str | None]] = {
    "PLAIN": ("Plain mug", "10.00", 5, True, {}, None),
    "TEA": ("Thé vert — 緑茶 ☕", "1234567890.99", 2, True, {}, "ACME"),
    "EVERY": ("Every override", "0.10", 1, True, EVERY_OVERRIDE, "ACME"),
    "UNMANAGED": ("Not counted", "3.5", 0, False, {"manageStock": False, "backorders": "NO_BACKORDERS"}, None),
    "NOBODY": (
        "No group backorders",
        "7.05",
        0,
        True,
        {"backorderCustomerGroups": [], "backorders": "ALLOW_QTY_BELOW_ZERO"},
        None,
    ),
    "PRE": ("Pré-commande", "99.99", 0, True, {}, None),
    # Stores what PLAIN stores but for its last setting and a cap: rows share their settings only when equal.
    "FEW": ("Few left", "10.00", 3, True, {"onlyXLeftThreshold": 5, "maxBackorderQuantityPerCustomer": 4}, None),
}


async def test_the_listing_page_shows_every_product_as_product_does(api: Api) -> None:
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acmé Ltd", "leadTimeDays": 3}})
    for sku, (name, price, quantity, in_stock, settings, supplier) in PRODUCTS.items():
        product = {"sku": sku, "name": name, "price": price, "quantity": quantity, "inStock": in_stock}
        await api.data(CREATE, {"input": {**product, "stockSettings": settings, "supplier": supplier}})
    release = (clock.today() + timedelta(days=30)).isoformat()
    preorder = {"releaseDate": release, "maxQuantity": 20, "message": "Livrée en août ✓"}
    await api.data(PREORDER, {"sku": "PRE", "input": preorder})
    await api.checkout(("PLAIN", 2), ("PRE", 3))

    edges = (await api.data(LISTING))["products"]["edges"]
    listed = {edge["node"]["sku"]: edge["node"] for edge in edges}
    for sku in PRODUCTS:
        assert listed[sku] == (await api.data(PRODUCT, {"sku": sku}))["product"], sku
    # What the converters must have made of the stored values, whatever both paths agree on.
    assert (listed["TEA"]["name"], listed["TEA"]["price"]) == ("Thé vert — 緑茶 ☕", "1234567890.99")
    assert listed["UNMANAGED"]["stockSettings"]["manageStock"] is False
    assert listed["NOBODY"]["stockSettings"]["backorderCustomerGroups"] == []
    assert listed["EVERY"]["stockSettings"] == {**EVERY_OVERRIDE, "overridden": list(EVERY_OVERRIDE)}
    assert listed["UNMANAGED"]["stockSettings"]["overridden"] == ["manageStock", "backorders"]
    assert listed["PRE"]["preorder"] == {**preorder, "preorderedQuantity": 3}
    assert listed["PLAIN"]["reservedQuantity"] == 2
    assert (listed["FEW"]["onlyXLeft"], listed["PLAIN"]["onlyXLeft"]) == (3, None)

    after = (await api.data(LISTING, {"after": edges[0]["cursor"]}))["products"]["edges"]
    assert [edge["node"] for edge in after] == [edge["node"] for edge in edges[1:]]

    # Over HTTP a string prints as the Decimal, enum or date it should have become: the rows themselves
    # must be alike, types included (their repr shows them).
    stock_id = await stock_of_channel(None)
    by_values = await product_rows(Product.all().order_by("id"), stock_id)
    page = await page_rows(stock_id, None, 100)
    assert [repr(row) for row in page] == [repr(row) for row in by_values]
    # Rows storing the same settings share them, so the views derive them once per page.
    own = {row.sku: row.own for row in page}
    assert own["PLAIN"] is own["TEA"] is own["PRE"]
    assert len({id(settings) for settings in own.values()}) == 5
