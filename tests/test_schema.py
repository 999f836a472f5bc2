"""The served schema as a storefront developer reads it: documented, paginated both ways, specified scalars."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema

from backstock.schema import build_schema
from backstock.settings import Settings
from tests.api import Api

BUILT_IN = {"String", "Int", "Boolean", "ID", "Float"}


def undocumented(schema: GraphQLSchema) -> list[str]:
    missing = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not type_.description:
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(type_, GraphQLEnumType):
            missing += [f"{name}.{value}" for value, v in type_.values.items() if not v.description]
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert undocumented(build_schema(Settings())._schema) == []


def test_the_limits_of_first_are_in_its_description() -> None:
    products = build_schema(Settings())._schema.query_type.fields["products"]  # type: ignore[union-attr]
    assert "0 to 100" in (products.args["first"].description or "")


async def test_scalars_name_their_specification(api: Api) -> None:
    query = "{ __schema { types { name specifiedByURL } } }"
    types = {t["name"]: t["specifiedByURL"] for t in (await api.data(query, admin=False))["__schema"]["types"]}
    assert types["Date"] == types["DateTime"] == "https://datatracker.ietf.org/doc/html/rfc3339"
    assert types["Decimal"] is not None and types["Decimal"].startswith("https://")


async def test_page_info_says_where_a_page_stands(api: Api) -> None:
    for sku in ("A", "B", "C"):
        await api.create_product(sku, quantity=1)
    query = """query($after: String) { products(first: 2, after: $after) {
      edges { cursor node { sku } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    first = (await api.data(query, admin=False))["products"]
    edges = first["edges"]
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": edges[0]["cursor"],
        "endCursor": edges[1]["cursor"],
    }
    rest = (await api.data(query, {"after": edges[1]["cursor"]}, admin=False))["products"]
    assert [edge["node"]["sku"] for edge in rest["edges"]] == ["C"]
    assert (rest["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasPreviousPage"]) == (False, True)
    assert rest["pageInfo"]["startCursor"] == rest["pageInfo"]["endCursor"] == rest["edges"][0]["cursor"]
