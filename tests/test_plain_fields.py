"""Plain leaf fields skip graphql-core's per-field resolver machinery and answer exactly as before."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from backstock.schema.execution import PlainFieldExecutor
from harness.graphql import ADMIN_TOKEN, ORDER_FIELDS, PRODUCT_FIELDS
from tests.api import Api

LISTING = f"{{ products(first: 10) {{ totalCount edges {{ cursor node {{ {PRODUCT_FIELDS} }} }} }} }}"
SHAPED = """query($withStock: Boolean!, $plain: Boolean!, $units: Int) {
  __typename
  first: products(first: 2) {
    edges { node { __typename sku label: name ...Stock @include(if: $withStock) ... on Product { price @skip(if: $plain) } } }
    pageInfo { ...Page }
  }
  again: products(first: 1) { edges { node { sku ...Stock @skip(if: $withStock) } } }
}
fragment Stock on Product {
  stockStatus isSalable salableQuantity onlyXLeft quantity isLowStock inStock left: onlyXLeft
  backorderMessage one: backorderMessage(quantity: null) many: backorderMessage(quantity: $units)
}
fragment Page on PageInfo { hasNextPage endCursor }"""
ORDER = f'query($number: String!) {{ order(number: $number, email: "shopper@example.com") {{ {ORDER_FIELDS} }} }}'
CONFIG = "{ inventoryConfig { manageStock backorders outOfStockThreshold backorderCustomerGroups lowStockRecipients } }"


async def _documents(api: Api) -> list[tuple[str, dict[str, Any], bool]]:
    await api.create_product("PLAIN-1", quantity=3)
    await api.create_product("PLAIN-2", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO_AND_NOTIFY")
    await api.create_product("PLAIN-3", quantity=40, onlyXLeftThreshold=50)
    order = await api.checkout(("PLAIN-1", 1), ("PLAIN-2", 2))
    documents: list[tuple[str, dict[str, Any], bool]] = [
        (LISTING, {}, True),
        (LISTING, {}, False),  # the [admin] fields: null and an error each, at their path
        (ORDER, {"number": order["number"]}, False),
        (CONFIG, {}, True),
        (CONFIG, {}, False),
    ]
    for with_stock in (True, False):
        for plain in (True, False):
            for admin in (True, False):
                variables = {"withStock": with_stock, "plain": plain, "units": 3 if plain else None}
                documents.append((SHAPED, variables, admin))
    return documents


async def _answers(api: Api, documents: list[tuple[str, dict[str, Any], bool]]) -> list[Any]:
    return [
        await api.post(query, variables, token=ADMIN_TOKEN if admin else None) for query, variables, admin in documents
    ]


async def test_plain_fields_answer_as_graphql_core_does(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Aliases, fragments, @include/@skip, __typename, nulls and refused [admin] fields, enums and
    custom scalars: every document answers the same with graphql-core's own path for every field."""
    documents = await _documents(api)
    short = await _answers(api, documents)
    monkeypatch.setattr(PlainFieldExecutor, "execute_field", StrawberryGraphQLCoreExecutionContext.execute_field)
    full = await _answers(api, documents)
    assert short == full
    refused = short[1]
    assert {tuple(e["path"][-1:]) for e in refused["errors"]} == {
        ("quantity",),
        ("reservedQuantity",),
        ("backorderedQuantity",),
        ("inStock",),
        ("isLowStock",),
    }
    assert refused["data"]["products"]["edges"][0]["node"]["quantity"] is None
    assert short[0]["data"]["products"]["edges"][2]["node"]["onlyXLeft"] == 40


async def test_a_listing_builds_no_resolve_info_for_plain_fields(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """graphql-core builds a GraphQLResolveInfo (and strawberry calls its basic-field wrapper) for every
    field it resolves; the plain leaves of a listing (sku, name, price, the stock figures) take none."""
    for i in range(3):
        await api.create_product(f"S-{i}", quantity=i)
    built: list[str] = []
    build = StrawberryGraphQLCoreExecutionContext.build_resolve_info

    def counting(self: StrawberryGraphQLCoreExecutionContext, *args: Any) -> Any:
        info = build(self, *args)
        built.append(info.field_name)
        return info

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "build_resolve_info", counting)
    data = await api.data(LISTING)
    assert len(data["products"]["edges"]) == 3
    # the connection, its edges, and each product's node: not backorderMessage(quantity), a plain method
    assert sorted(built) == sorted(["products", "edges", "node", "node", "node"])


@strawberry.type
class Row:
    name: str
    note: str | None

    @strawberry.field
    def twice(self, times: int | None = 2) -> str:
        if times is not None and times < 0:
            raise ValueError("times must not be negative")
        return None if times == 0 else (self.note or "-") * (times or 1)  # type: ignore[return-value]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        return [Row(name="a", note=None), Row(name=None, note="b"), Row(name=ValueError("refused"), note="c")]  # type: ignore[arg-type]


async def test_a_null_or_an_error_at_a_non_null_plain_field_nulls_its_parent() -> None:
    """No backstock type holds a null or an error in a non-null plain field, so a small schema shows it:
    the parent becomes null and the error names the field, as graphql-core's own path says it."""
    document = "{ rows { name note } }"
    short = await strawberry.Schema(query=Query, execution_context_class=PlainFieldExecutor).execute(document)
    full = await strawberry.Schema(query=Query).execute(document)
    assert short.data == full.data == {"rows": [{"name": "a", "note": None}, None, None]}
    assert [(e.message, e.path) for e in short.errors or []] == [(e.message, e.path) for e in full.errors or []]
    assert [e.path for e in short.errors or []] == [["rows", 1, "name"], ["rows", 2, "name"]]


@pytest.mark.parametrize("variables", [{}, {"t": None}, {"t": 3}, {"t": 0}, {"t": -1}])
async def test_a_plain_method_answers_as_through_strawberry(variables: dict[str, Any]) -> None:
    """A method with a scalar argument: defaults, variables, null, an error raised and a null returned at a
    non-null field answer as strawberry's own resolver path does."""
    document = "query($t: Int) { rows { note twice a: twice(times: 1) b: twice(times: $t) } }"
    short = await strawberry.Schema(query=Query, execution_context_class=PlainFieldExecutor).execute(
        document, variable_values=variables
    )
    full = await strawberry.Schema(query=Query).execute(document, variable_values=variables)
    assert short.data == full.data
    assert [(e.message, e.path) for e in short.errors or []] == [(e.message, e.path) for e in full.errors or []]
