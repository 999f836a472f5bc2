"""The README's access table as an integrator reads it: every root field and every [admin] product
field of the served schema is in it, so no new field leaves who may use it unsaid; and "[admin]" in
a description, which the table follows, always means the field is guarded by `IsAdmin` (or, for the
product's counters, decided from the request's access by `Product.of`)."""

from __future__ import annotations

from graphql import GraphQLObjectType
from strawberry.types.base import StrawberryObjectDefinition

from backstock.schema import build_schema
from backstock.schema.catalog import ADMIN_VALUES
from backstock.schema.permissions import IsAdmin
from backstock.settings import Settings
from tests.test_readme import README

ACCESS = README.split("\n## Access\n", 1)[1].split("\n### ", 1)[0]


def test_every_root_field_and_admin_product_field_is_in_the_access_table() -> None:
    served = build_schema(Settings())._schema
    roots = [served.query_type, served.mutation_type, served.subscription_type]
    names = [name for root in roots if root is not None for name in root.fields]
    product = served.type_map["Product"]
    assert isinstance(product, GraphQLObjectType)
    names += [name for name, field in product.fields.items() if (field.description or "").startswith("[admin]")]
    missing = [name for name in names if f"`{name}`" not in ACCESS and f"`{name}(" not in ACCESS]
    assert not missing, f"say in README.md's Access section who may use: {missing}"


def test_admin_in_a_description_means_the_admin_permission() -> None:
    schema = build_schema(Settings())
    mismatched = []
    for type_name in ("Query", "Mutation", "Subscription", "Product"):
        definition = schema.get_type_by_name(type_name)
        assert isinstance(definition, StrawberryObjectDefinition)
        for field in definition.fields:
            said = (field.description or "").startswith("[admin]")
            guarded = IsAdmin in field.permission_classes or (
                type_name == "Product" and field.python_name in ADMIN_VALUES
            )
            if said != guarded:
                mismatched.append(f"{type_name}.{field.python_name}")
    assert not mismatched
