"""Plain fields skip graphql-core's per-field resolver machinery and answer exactly as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from backstock.resolvers import clock
from backstock.schema.execution import PlainFieldExecutor
from harness.graphql import ADMIN_TOKEN, ORDER_FIELDS, PRODUCT_FIELDS
from tests.api import Api
from tests.test_preorders_api import set_preorder

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
# Plain objects under plain objects: the pre-order (a plain method's object, one [admin] field guarded by a
# permission class), the page info, and __typename at every level.
NESTED = """query($units: Int) { products(first: 4) { __typename totalCount
  edges { __typename cursor node { sku backorderMessage(quantity: $units)
    preorder { __typename releaseDate maxQuantity message ...Held } } }
  pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor } } }
fragment Held on Preorder { preorderedQuantity }"""


async def _documents(api: Api) -> list[tuple[str, dict[str, Any], bool]]:
    await api.create_product("PLAIN-1", quantity=3)
    await api.create_product("PLAIN-2", quantity=0, backorders="ALLOW_QTY_BELOW_ZERO_AND_NOTIFY")
    await api.create_product("PLAIN-3", quantity=40, onlyXLeftThreshold=50)
    await api.create_product("PLAIN-4", quantity=1)
    await set_preorder(api, "PLAIN-4", clock.today() + timedelta(days=30), maxQuantity=5, message="Soon")
    order = await api.checkout(("PLAIN-1", 1), ("PLAIN-2", 2))
    documents: list[tuple[str, dict[str, Any], bool]] = [
        (LISTING, {}, True),
        (LISTING, {}, False),  # the [admin] fields: null and an error each, at their path
        (ORDER, {"number": order["number"]}, False),
        (CONFIG, {}, True),
        (CONFIG, {}, False),
        (NESTED, {}, True),
        (NESTED, {"units": 4}, False),  # preorderedQuantity: [admin], refused at its path
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


def _full_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for method in ("execute_field", "complete_list_value"):
        monkeypatch.setattr(PlainFieldExecutor, method, getattr(StrawberryGraphQLCoreExecutionContext, method))


async def test_plain_fields_answer_as_graphql_core_does(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Aliases, fragments, @include/@skip, __typename, nulls and refused [admin] fields, enums and
    custom scalars, nested plain objects: every document answers the same with graphql-core's own path
    for every field."""
    documents = await _documents(api)
    short = await _answers(api, documents)
    _full_path_only(monkeypatch)
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
    nested = short[5]["data"]["products"]
    assert nested["edges"][3]["node"]["preorder"] == {
        "__typename": "Preorder",
        "releaseDate": (clock.today() + timedelta(days=30)).isoformat(),
        "maxQuantity": 5,
        "message": "Soon",
        "preorderedQuantity": 0,
    }
    assert (nested["__typename"], nested["pageInfo"]["__typename"]) == ("ProductConnection", "PageInfo")


async def test_a_field_guarded_by_a_permission_is_never_read_as_plain(api: Api) -> None:
    """strawberry marks a resolver-less field with a permission class as a default resolver too: it must
    still run its permission (a shopper is refused the pre-order's [admin] count, nulled at its path)."""
    await api.create_product("HELD", quantity=1)
    await set_preorder(api, "HELD", clock.today() + timedelta(days=30))
    query = '{ product(sku: "HELD") { preorder { preorderedQuantity } } }'
    refused = await api.post(query)
    assert refused["data"] == {"product": {"preorder": {"preorderedQuantity": None}}}
    assert [e["path"] for e in refused["errors"]] == [["product", "preorder", "preorderedQuantity"]]
    assert (await api.data(query))["product"]["preorder"]["preorderedQuantity"] == 0


async def test_a_listing_builds_no_resolve_info_for_plain_fields(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """graphql-core builds a GraphQLResolveInfo (and strawberry calls its basic-field wrapper) for every
    field it resolves; of a listing, only the `products` resolver and its `edges` take one: the edges and
    their products are completed as a list of plain objects of plain fields."""
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
    assert built == ["products", "edges"]


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
class Shelf:
    label: str
    row: Row
    rows: list[Row]
    maybe: Row | None
    tags: list[str] | None


def _shelves() -> list[Shelf | None]:
    """Nulls and errors deep in plain objects: each must null the nearest nullable parent, and a shelf whose
    lists are iterators (graphql-core takes any iterable; the short path must not consume them) answers as graphql-core answers it."""
    fine, nameless, refused = Row(name="a", note=None), Row(name=None, note="b"), Row(name=ValueError("no"), note="c")  # type: ignore[arg-type]
    return [
        Shelf(label="fine", row=fine, rows=[fine, fine], maybe=None, tags=["x"]),
        Shelf(label="row nulled", row=nameless, rows=[], maybe=fine, tags=None),
        Shelf(label="item refused", row=fine, rows=(fine, refused), maybe=fine, tags=[]),  # type: ignore[arg-type]
        Shelf(label="maybe nulled", row=fine, rows=[], maybe=nameless, tags=("y",)),  # type: ignore[arg-type]
        Shelf(label="iterators", row=fine, rows=iter([fine]), maybe=fine, tags=iter("z")),  # type: ignore[arg-type]
        Shelf(label="tag refused", row=fine, rows=[], maybe=None, tags=[ValueError("no tag")]),  # type: ignore[list-item]
        Shelf(label=None, row=fine, rows=[], maybe=None, tags=None),  # type: ignore[arg-type]
        None,
    ]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        return [Row(name="a", note=None), Row(name=None, note="b"), Row(name=ValueError("refused"), note="c")]  # type: ignore[arg-type]

    @strawberry.field
    def shelves(self) -> list[Shelf | None]:
        return _shelves()


async def test_a_null_or_an_error_at_a_non_null_plain_field_nulls_its_parent() -> None:
    """No backstock type holds a null or an error in a non-null plain field, so a small schema shows it:
    the parent becomes null and the error names the field, as graphql-core's own path says it."""
    document = "{ rows { name note } }"
    short = await strawberry.Schema(query=Query, execution_context_class=PlainFieldExecutor).execute(document)
    full = await strawberry.Schema(query=Query).execute(document)
    assert short.data == full.data == {"rows": [{"name": "a", "note": None}, None, None]}
    assert [(e.message, e.path) for e in short.errors or []] == [(e.message, e.path) for e in full.errors or []]
    assert [e.path for e in short.errors or []] == [["rows", 1, "name"], ["rows", 2, "name"]]


async def test_nulls_and_errors_in_nested_plain_objects_answer_as_graphql_core_does() -> None:
    """A plain object's short path gives up at the first null or error and graphql-core completes that
    object: the same data, the same errors at the same paths, nulls propagated to the same parents."""
    document = """query($t: Int) { shelves { __typename label tags row { name } rows { name twice(times: $t) }
      maybe { note ... on Row { name } } } }"""
    for variables in ({"t": -1}, {}):  # -1: every `twice` raises, and nulls its row
        short = await strawberry.Schema(query=Query, execution_context_class=PlainFieldExecutor).execute(
            document, variable_values=variables
        )
        full = await strawberry.Schema(query=Query).execute(document, variable_values=variables)
        assert short.data == full.data
        assert [(e.message, e.path) for e in short.errors or []] == [(e.message, e.path) for e in full.errors or []]
    assert short.data is not None and [s and s["label"] for s in short.data["shelves"]] == [
        "fine", None, None, "maybe nulled", "iterators", "tag refused", None, None
    ]  # fmt: skip
    assert [e.path for e in short.errors or []] == [
        ["shelves", 1, "row", "name"],
        ["shelves", 2, "rows", 1, "name"],
        ["shelves", 3, "maybe", "name"],
        ["shelves", 5, "tags", 0],
        ["shelves", 6, "label"],
    ]


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
