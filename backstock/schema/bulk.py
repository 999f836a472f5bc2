"""Bulk stock types and bulkUpdateStock, mixed into Mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backstock.resolvers import bulk
from backstock.resolvers.keys import Access
from backstock.schema.catalog import Product
from backstock.schema.descriptions import describe_enum
from backstock.schema.permissions import ADMIN
from backstock.schema.query import AppInfo

describe_enum(
    bulk.BulkErrorPolicy,
    "What bulkUpdateStock does when some rows are invalid.",
    {
        "REJECT_ALL": "Nothing is written when any row is invalid.",
        "REJECT_FAILED_ROWS": "Valid rows are written; invalid rows are reported.",
    },
)


@strawberry.input(description="One stock change: a stock count (quantity) or an adjustment (delta) at one source.")
class StockRowInput:
    sku: str = strawberry.field(description="The product's SKU.")
    quantity: int | None = strawberry.field(default=None, description="Units on hand to set (a stock count)...")
    delta: int | None = strawberry.field(
        default=None,
        description="...or units to add (negative: remove). Exactly one of quantity and delta.",
    )
    source: str | None = strawberry.field(default=None, description='The source whose units change; default "default".')

    def row(self) -> bulk.StockRow:
        return bulk.StockRow(self.sku, self.quantity, self.delta, self.source)


@strawberry.type(description="What became of one row, in the order given.")
class StockRowResult:
    sku: str = strawberry.field(description="The row's SKU, as given.")
    applied: bool = strawberry.field(description="Whether the row was written.")
    product: Product | None = strawberry.field(description="The product after the change, when applied.")
    error: str | None = strawberry.field(description="Why the row is invalid, naming the field; null if it is valid.")
    error_code: str | None = strawberry.field(
        description="BAD_USER_INPUT (a rule or the input) or UNKNOWN_SKU; null if the row is valid."
    )

    @classmethod
    def of(cls, result: bulk.RowResult, access: Access) -> StockRowResult:
        product = None if result.product is None else Product.of(result.product, access)
        return cls(
            sku=result.sku, applied=result.applied, product=product, error=result.error, error_code=result.error_code
        )


@strawberry.type(description="The outcome of bulkUpdateStock.")
class BulkStockResult:
    applied: int = strawberry.field(description="Rows written.")
    failed: int = strawberry.field(description="Invalid rows (under REJECT_ALL, valid rows are then not written).")
    rows: list[StockRowResult] = strawberry.field(description="One result per row, in the order given.")


@strawberry.type
class BulkMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Up to 1,000 stock counts and adjustments, each as setStockQuantity or adjustStock "
        "would make it (allocation, emails and events follow); the same SKU twice applies in order.",
    )
    async def bulk_update_stock(
        self,
        info: AppInfo,
        rows: Annotated[list[StockRowInput], strawberry.argument(description="The changes, at most 1,000.")],
        error_policy: Annotated[
            bulk.BulkErrorPolicy | None,
            strawberry.argument(description="What to do when some rows are invalid; null: REJECT_ALL."),
        ] = bulk.BulkErrorPolicy.REJECT_ALL,
    ) -> BulkStockResult:
        result = await bulk.bulk_update_stock(
            [row.row() for row in rows],
            error_policy or bulk.BulkErrorPolicy.REJECT_ALL,
            await info.context.store_config(),
            info.context.today(),
        )
        return BulkStockResult(
            applied=result.applied,
            failed=result.failed,
            rows=[StockRowResult.of(row, info.context.access) for row in result.rows],
        )
