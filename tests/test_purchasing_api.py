"""Suppliers and purchase orders over HTTP (DESIGN.md 7.1 precise points, 7.4 "Suppliers")."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from harness.graphql import ADMIN_TOKEN
from harness.mailserver import MailServer
from tests.api import Api
from tests.test_rules_reports import SUPPLIER_CASES

NOTIFY = "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY"
PO_FIELDS = "number status expectedDate source supplier { code } lines { sku quantityOrdered quantityReceived }"
CREATE = f"mutation($input: PurchaseOrderInput!) {{ createPurchaseOrder(input: $input) {{ {PO_FIELDS} }} }}"
RECEIVE = f"""mutation($n: String!, $lines: [LineInput!]) {{
  receivePurchaseOrder(number: $n, lines: $lines) {{ {PO_FIELDS} }} }}"""
SUPPLIER = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { code name email leadTimeDays } }"


def po_input(number: str = "PO-1", lines: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "number": number,
            "expectedDate": "2030-01-10",
            "lines": lines if lines is not None else [{"sku": "MUG", "quantity": 5}],
            **extra,
        }
    }


async def create(api: Api, number: str = "PO-1", **extra: Any) -> Any:
    return (await api.data(CREATE, po_input(number, **extra)))["createPurchaseOrder"]


async def act(api: Api, mutation: str, number: str = "PO-1", extra: str = "") -> Any:
    return (await api.data(f'mutation {{ {mutation}(number: "{number}"{extra}) {{ {PO_FIELDS} }} }}'))[mutation]


async def act_error(api: Api, mutation: str, number: str = "PO-1", extra: str = "") -> Any:
    return await api.error(f'mutation {{ {mutation}(number: "{number}"{extra}) {{ number }} }}')


async def incoming(api: Api, sku: str = "MUG") -> Any:
    query = "query($s: String!) { product(sku: $s) { incomingQuantity nextRestockDate } }"
    return (await api.data(query, {"s": sku}))["product"]


async def test_a_new_purchase_order_is_a_draft_receiving_at_the_default_source(api: Api) -> None:
    await api.create_product("MUG")
    await api.create_product("CUP")
    lines = [{"sku": "MUG", "quantity": 2}, {"sku": "CUP", "quantity": 1}, {"sku": "MUG", "quantity": 3}]
    po = await create(api, lines=lines)
    assert po == {
        "number": "PO-1",
        "status": "DRAFT",
        "expectedDate": "2030-01-10",
        "source": "default",
        "supplier": None,
        "lines": [
            {"sku": "MUG", "quantityOrdered": 5, "quantityReceived": 0},
            {"sku": "CUP", "quantityOrdered": 1, "quantityReceived": 0},
        ],
    }
    found = await api.data(
        f'{{ purchaseOrder(number: "PO-1") {{ {PO_FIELDS} }} nope: purchaseOrder(number: "X") {{ number }} }}'
    )
    assert (found["purchaseOrder"], found["nope"]) == (po, None)


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        (po_input(lines=[{"sku": "NOPE", "quantity": 1}]), "lines"),
        (po_input(lines=[{"sku": "MUG", "quantity": 0}]), "lines"),
        (po_input(lines=[]), "lines"),
        (po_input(supplier="ACME"), "supplier"),
        (po_input(source="nowhere"), "source"),
        (po_input(number=" "), "number"),
    ],
)
async def test_bad_purchase_orders_are_refused_naming_the_field(api: Api, variables: Any, field: str) -> None:
    await api.create_product("MUG")
    error = await api.error(CREATE, variables)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert (await api.data("{ purchaseOrders { totalCount } }"))["purchaseOrders"]["totalCount"] == 0


async def test_a_used_number_is_a_conflict_and_an_unknown_one_not_found(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    assert (await api.error(CREATE, po_input()))["extensions"]["code"] == "CONFLICT"
    for mutation, extra in [
        ("submitPurchaseOrder", ""),
        ("receivePurchaseOrder", ""),
        ("cancelPurchaseOrder", ""),
        ("reschedulePurchaseOrder", ', expectedDate: "2030-03-01"'),
    ]:
        error = await act_error(api, mutation, "PO-9", extra)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "number")


async def test_lifecycle_conflicts(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    assert (await act_error(api, "receivePurchaseOrder"))["extensions"]["code"] == "CONFLICT"  # a DRAFT
    assert (await act(api, "submitPurchaseOrder"))["status"] == "OPEN"
    assert (await act_error(api, "submitPurchaseOrder"))["extensions"]["code"] == "CONFLICT"
    moved = await act(api, "reschedulePurchaseOrder", extra=', expectedDate: "2030-02-01"')
    assert moved["expectedDate"] == "2030-02-01"
    assert (await act(api, "receivePurchaseOrder"))["status"] == "RECEIVED"
    for mutation, extra in [
        ("submitPurchaseOrder", ""),
        ("receivePurchaseOrder", ""),
        ("cancelPurchaseOrder", ""),
        ("reschedulePurchaseOrder", ', expectedDate: "2030-03-01"'),
    ]:
        assert (await act_error(api, mutation, extra=extra))["extensions"]["code"] == "CONFLICT"
    await create(api, "PO-2")
    assert (await act(api, "cancelPurchaseOrder", "PO-2"))["status"] == "CANCELED"
    for mutation, extra in [
        ("submitPurchaseOrder", ""),
        ("receivePurchaseOrder", ""),
        ("cancelPurchaseOrder", ""),
        ("reschedulePurchaseOrder", ', expectedDate: "2030-03-01"'),
    ]:
        assert (await act_error(api, mutation, "PO-2", extra))["extensions"]["code"] == "CONFLICT"


async def test_partial_receipts_add_units_and_refuse_more_than_is_due(api: Api) -> None:
    await api.create_product("MUG")
    await api.create_product("CUP")
    await create(api)
    await act(api, "submitPurchaseOrder")
    first = (await api.data(RECEIVE, {"n": "PO-1", "lines": [{"sku": "MUG", "quantity": 2}]}))["receivePurchaseOrder"]
    assert (first["status"], first["lines"][0]["quantityReceived"]) == ("OPEN", 2)
    assert (await api.product("MUG"))["quantity"] == 2
    for lines in (
        [{"sku": "MUG", "quantity": 4}],
        [{"sku": "CUP", "quantity": 1}],
        [{"sku": "NOPE", "quantity": 1}],
        [{"sku": "MUG", "quantity": 0}],
    ):
        error = await api.error(RECEIVE, {"n": "PO-1", "lines": lines})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "lines")
    assert (
        "only 3 units of SKU 'MUG' are still due"
        in (await api.error(RECEIVE, {"n": "PO-1", "lines": [{"sku": "MUG", "quantity": 4}]}))["message"]
    )
    assert (await api.product("MUG"))["quantity"] == 2
    rest = await act(api, "receivePurchaseOrder")
    assert (rest["status"], rest["lines"][0]["quantityReceived"]) == ("RECEIVED", 5)
    assert (await api.product("MUG"))["quantity"] == 5


async def test_a_receipt_allocates_waiting_lines_oldest_first_and_sends_ready_emails(
    api: Api, mail_server: MailServer
) -> None:
    await api.create_product("MUG", backorders=NOTIFY)
    older = (await api.checkout(("MUG", 2), email="old@example.com"))["number"]
    newer = (await api.checkout(("MUG", 2), email="new@example.com"))["number"]
    await create(api, lines=[{"sku": "MUG", "quantity": 3}])
    await act(api, "submitPurchaseOrder")
    await api.send_mail()
    mail_server.clear()
    await act(api, "receivePurchaseOrder")
    assert [line["quantityReadyToShip"] for line in (await api.order(older))["lines"]] == [2]
    assert [line["quantityReadyToShip"] for line in (await api.order(newer))["lines"]] == [1]
    assert await api.send_mail() == 1
    assert mail_server.messages[0]["Subject"] == f"Your backorder for order {older} is ready to ship"


async def test_twenty_concurrent_receipts_add_the_units_once(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    await act(api, "submitPurchaseOrder")
    answers = await asyncio.gather(
        *(
            api.post('mutation { receivePurchaseOrder(number: "PO-1") { status } }', token=ADMIN_TOKEN)
            for _ in range(20)
        )
    )
    assert sum(1 for a in answers if "errors" not in a) == 1
    assert {a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a} == {"CONFLICT"}
    assert (await api.product("MUG"))["quantity"] == 5


async def test_twenty_concurrent_partial_receipts_never_pass_what_is_due(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    await act(api, "submitPurchaseOrder")
    variables = {"n": "PO-1", "lines": [{"sku": "MUG", "quantity": 1}]}
    answers = await asyncio.gather(*(api.post(RECEIVE, variables, token=ADMIN_TOKEN) for _ in range(20)))
    assert sum(1 for a in answers if "errors" not in a) == 5
    assert (await api.product("MUG"))["quantity"] == 5


async def test_cancelling_a_partly_received_purchase_order_keeps_received_units(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    await act(api, "submitPurchaseOrder")
    await api.data(RECEIVE, {"n": "PO-1", "lines": [{"sku": "MUG", "quantity": 2}]})
    assert await incoming(api) == {"incomingQuantity": 3, "nextRestockDate": "2030-01-10"}
    assert (await act(api, "cancelPurchaseOrder"))["status"] == "CANCELED"
    assert (await api.product("MUG"))["quantity"] == 2
    assert await incoming(api) == {"incomingQuantity": 0, "nextRestockDate": None}, "the rest left the projection"


async def test_a_line_received_in_full_leaves_the_projection(api: Api) -> None:
    await api.create_product("MUG")
    await api.create_product("CUP")
    await create(api, lines=[{"sku": "MUG", "quantity": 5}, {"sku": "CUP", "quantity": 1}])
    await act(api, "submitPurchaseOrder")
    await api.data(RECEIVE, {"n": "PO-1", "lines": [{"sku": "MUG", "quantity": 5}]})
    assert await incoming(api) == {"incomingQuantity": 0, "nextRestockDate": None}
    assert await incoming(api, "CUP") == {"incomingQuantity": 1, "nextRestockDate": "2030-01-10"}


async def test_a_draft_may_be_rescheduled_and_still_counts_for_nothing(api: Api) -> None:
    await api.create_product("MUG")
    await create(api)
    assert (await act(api, "reschedulePurchaseOrder", extra=', expectedDate: "2030-02-01"'))["status"] == "DRAFT"
    assert await incoming(api) == {"incomingQuantity": 0, "nextRestockDate": None}


async def test_listing_filters_by_status_and_sku_in_pages(api: Api) -> None:
    await api.create_product("MUG")
    await api.create_product("CUP")
    await create(api, "PO-1")
    await create(api, "PO-2", lines=[{"sku": "CUP", "quantity": 1}])
    await create(api, "PO-3")
    await act(api, "submitPurchaseOrder", "PO-3")
    query = (
        "query($s: PurchaseOrderStatus, $sku: String, $after: String) { purchaseOrders(status: $s, sku: $sku, "
        "first: 1, after: $after) { totalCount edges { node { number } } pageInfo { hasNextPage endCursor } } }"
    )
    page = (await api.data(query, {"sku": "MUG"}))["purchaseOrders"]
    assert (page["totalCount"], [e["node"]["number"] for e in page["edges"]]) == (2, ["PO-1"])
    after = page["pageInfo"]["endCursor"]
    page = (await api.data(query, {"sku": "MUG", "after": after}))["purchaseOrders"]
    assert ([e["node"]["number"] for e in page["edges"]], page["pageInfo"]["hasNextPage"]) == (["PO-3"], False)
    drafts = (await api.data(query.replace("first: 1", "first: 10"), {"s": "DRAFT"}))["purchaseOrders"]
    assert [e["node"]["number"] for e in drafts["edges"]] == ["PO-1", "PO-2"]


async def test_purchase_orders_are_admin_only(api: Api) -> None:
    error = await api.error("{ purchaseOrders { totalCount } }", admin=False)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_suppliers_are_upserted_by_code_and_named_by_purchase_orders(api: Api) -> None:
    await api.create_product("MUG")
    acme = {"code": "ACME", "name": "Acme", "email": "po@acme.example", "leadTimeDays": 7}
    assert (await api.data(SUPPLIER, {"input": acme}))["upsertSupplier"] == acme
    changed = acme | {"name": "Acme Corp", "email": None}
    assert (await api.data(SUPPLIER, {"input": changed}))["upsertSupplier"] == changed
    assert (await api.data("{ suppliers { code name } }"))["suppliers"] == [{"code": "ACME", "name": "Acme Corp"}]
    assert (await create(api, supplier="ACME"))["supplier"] == {"code": "ACME"}


@pytest.mark.parametrize(
    ("code", "email", "lead_time_days", "fields"), list(SUPPLIER_CASES.values()), ids=list(SUPPLIER_CASES)
)
async def test_suppliers_are_checked_over_http_as_the_rule_says(
    api: Api, code: str, email: str | None, lead_time_days: int | None, fields: list[str]
) -> None:
    """The rule's table, through `upsertSupplier`: a valid supplier is stored as given, an invalid
    one refused naming its first wrong field, and nothing is stored."""
    given = {"code": code, "name": "Acme", "email": email, "leadTimeDays": lead_time_days}
    body = await api.post(SUPPLIER, {"input": given}, token=ADMIN_TOKEN)
    stored = (await api.data("{ suppliers { code name email leadTimeDays } }"))["suppliers"]
    if not fields:
        assert "errors" not in body, body
        assert body["data"]["upsertSupplier"] == given
        assert stored == [given]
        return
    error = body["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", fields[0])
    assert stored == []


async def test_a_supplier_without_a_name_is_refused(api: Api) -> None:
    error = await api.error(SUPPLIER, {"input": {"code": "ACME", "name": ""}})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "name")


NAMING_A_SUPPLIER = {
    "createProduct": 'createProduct(input: {sku: "CUP", name: "Cup", price: "1.00", supplier: $c}) { sku }',
    "updateProduct": 'updateProduct(sku: "MUG", input: {name: "Lost", supplier: $c}) { sku }',
    "createPurchaseOrder": (
        'createPurchaseOrder(input: {number: "PO-1", supplier: $c, expectedDate: "2030-01-10", '
        'lines: [{sku: "MUG", quantity: 1}]}) { number }'
    ),
    "draftSupplierBatches": "draftSupplierBatches(supplier: $c) { number }",
}


@pytest.mark.parametrize("code", ["NOPE", "acme", "ACME ", ""])
@pytest.mark.parametrize("mutation", list(NAMING_A_SUPPLIER))
async def test_an_unknown_supplier_code_anywhere_is_refused_naming_supplier(api: Api, mutation: str, code: str) -> None:
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acme", "leadTimeDays": 1}})
    await api.create_product("MUG", backorders=NOTIFY)
    await api.checkout(("MUG", 2))  # something a batch would order
    error = await api.error(f"mutation($c: String) {{ {NAMING_A_SUPPLIER[mutation]} }}", {"c": code})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "supplier")
    listed = await api.data(
        "{ products { edges { node { sku name supplier { code } } } } purchaseOrders { totalCount } }"
    )
    assert [edge["node"] for edge in listed["products"]["edges"]] == [
        {"sku": "MUG", "name": "Product MUG", "supplier": None}
    ]
    assert listed["purchaseOrders"]["totalCount"] == 0


async def test_a_product_names_its_supplier_and_an_update_clears_or_keeps_it(api: Api) -> None:
    await api.data(SUPPLIER, {"input": {"code": "ACME", "name": "Acme"}})
    create_product = "mutation($i: ProductInput!) { createProduct(input: $i) { supplier { code } } }"
    product = {"sku": "MUG", "name": "Mug", "price": "1.00", "supplier": "ACME"}
    assert (await api.data(create_product, {"i": product}))["createProduct"]["supplier"] == {"code": "ACME"}
    error = await api.error(create_product, {"i": product | {"sku": "CUP", "supplier": "NOPE"}})
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "supplier")
    update = 'mutation($i: ProductUpdateInput!) { updateProduct(sku: "MUG", input: $i) { name supplier { code } } }'
    kept = (await api.data(update, {"i": {"name": "Big mug"}}))["updateProduct"]
    assert kept == {"name": "Big mug", "supplier": {"code": "ACME"}}
    assert (await api.data(update, {"i": {"supplier": None}}))["updateProduct"]["supplier"] is None
    error = await api.error(update, {"i": {"name": "Lost", "supplier": "NOPE"}})
    assert error["extensions"]["field"] == "supplier"
    assert (await api.product("MUG"))["name"] == "Big mug"
    shopper = await api.post('{ product(sku: "MUG") { supplier { code } } }')
    assert shopper["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
