"""Counts the database keeps itself, so a page does not count a whole table to answer `totalCount`."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

CATALOG_SIZE_ID = 1


class CatalogSize(Model):
    """The one row (id 1) holding how many products exist.

    Kept by triggers on `product` (migration 0015_perf), not by the code that creates products: every
    insert, delete and truncate moves it in its own transaction, whoever writes (createProduct, the
    bench's bulk loaders, a test's TRUNCATE), so it stays exact where a count kept by one code path
    would drift. Concurrent product creations queue on the row on PostgreSQL; they are admin writes.
    """

    id = fields.IntField(primary_key=True)
    products = fields.IntField()

    class Meta:
        table = "catalog_size"
