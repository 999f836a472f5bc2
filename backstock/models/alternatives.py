"""Alternatives a merchant lists for a product, in order (DESIGN.md 7.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from backstock.models.catalog import Product


class ProductAlternative(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="alternative_links", on_delete=fields.CASCADE
    )
    product_id: int
    alternative: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="alternative_of", on_delete=fields.CASCADE
    )
    alternative_id: int
    position = fields.IntField()

    class Meta:
        table = "product_alternative"
        unique_together = (("product", "position"), ("product", "alternative"))
