"""Suppliers and purchase orders (DESIGN.md 7.1, 7.4), mixed into Query and Mutation. All [admin]."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import models
from backstock.resolvers import batches, cursors, purchasing, suppliers
from backstock.rules import PurchaseOrderStatus
from backstock.schema.catalog import PageInfo
from backstock.schema.context import Context
from backstock.schema.descriptions import describe_enum
from backstock.schema.inputs import LineInput
from backstock.schema.permissions import ADMIN
from backstock.schema.suppliers import Supplier, SupplierInput

describe_enum(
    PurchaseOrderStatus,
    "Where a purchase order stands: DRAFT → OPEN → RECEIVED, or CANCELED.",
    {
        "DRAFT": "Being prepared: its units count for nothing yet.",
        "OPEN": "Submitted: its units still due count for expected dates.",
        "RECEIVED": "Every unit received and put on hand.",
        "CANCELED": "Cancelled: units already received stay on hand, the rest count for nothing.",
    },
)
NUMBER = strawberry.argument(description="The purchase order's number; an unknown one is NOT_FOUND.")


@strawberry.type(description="One SKU of a purchase order.")
class PurchaseOrderLine:
    sku: str = strawberry.field(description="The product's SKU.")
    quantity_ordered: int = strawberry.field(description="Units ordered from the supplier.")
    quantity_received: int = strawberry.field(description="Units received so far (put on hand).")


@strawberry.type(description="[admin] Stock the merchant expects from a supplier.")
class PurchaseOrder:
    number: str = strawberry.field(description="The merchant's reference, unique.")
    supplier: Supplier | None = strawberry.field(description="Who delivers; null: not named.")
    expected_date: date = strawberry.field(description="When the units are expected; a past date counts as today.")
    status: PurchaseOrderStatus = strawberry.field(description="DRAFT → OPEN → RECEIVED, or CANCELED.")
    created_at: datetime = strawberry.field(description="When it was created.")
    lines: list[PurchaseOrderLine] = strawberry.field(description="Its SKUs, in the order they were given.")
    source: str = strawberry.field(description="The code of the source that receives the units.")

    @classmethod
    def of(cls, row: models.PurchaseOrder) -> PurchaseOrder:
        lines = sorted(row.lines, key=lambda line: line.id)
        return cls(
            number=row.number,
            supplier=Supplier.of(row.supplier) if row.supplier else None,
            expected_date=row.expected_date,
            status=row.status,
            created_at=row.created_at,
            lines=[
                PurchaseOrderLine(
                    sku=ln.product.sku, quantity_ordered=ln.quantity_ordered, quantity_received=ln.quantity_received
                )
                for ln in lines
            ],
            source=row.source.code,
        )


@strawberry.type(description="A purchase order and its cursor.")
class PurchaseOrderEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read the purchase orders after this one.")
    node: PurchaseOrder = strawberry.field(description="The purchase order.")


@strawberry.type(description="A page of purchase orders, oldest first.")
class PurchaseOrderConnection:
    edges: list[PurchaseOrderEdge] = strawberry.field(description="The purchase orders of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and the cursor to get them.")
    total_count: int = strawberry.field(description="Purchase orders matching the arguments, on all pages.")


@strawberry.input(description="A new purchase order; it starts as a DRAFT.")
class PurchaseOrderInput:
    number: str = strawberry.field(description="The merchant's reference, unique: a used one is a CONFLICT.")
    expected_date: date = strawberry.field(description="When the units are expected; it may lie in the past.")
    lines: list[LineInput] = strawberry.field(description="1 to 100 lines of existing SKUs, each 1 unit or more.")
    supplier: str | None = strawberry.field(default=None, description="A supplier's code.")
    source: str | None = strawberry.field(
        default=None, description='The source that receives the units; default "default".'
    )


def _lines(lines: list[LineInput] | None) -> list[purchasing.Line] | None:
    return None if lines is None else [purchasing.Line(line.sku, line.quantity) for line in lines]


async def _now(info: Info[Context, None]) -> tuple[models.StoreConfig, date]:
    """The store config and the store's calendar date, which the delay notices are decided on."""
    return await info.context.store_config(), info.context.today()


@strawberry.type
class PurchasingQuery:
    @strawberry.field(permission_classes=ADMIN, description="[admin] A purchase order by number, or null.")
    async def purchase_order(self, number: Annotated[str, NUMBER]) -> PurchaseOrder | None:
        row = await purchasing.find_purchase_order(number)
        return PurchaseOrder.of(row) if row else None

    @strawberry.field(
        permission_classes=ADMIN, description="[admin] Purchase orders, oldest first; `first` from 0 to 100."
    )
    async def purchase_orders(
        self,
        status: Annotated[
            PurchaseOrderStatus | None, strawberry.argument(description="Only purchase orders in this status.")
        ] = None,
        sku: Annotated[str | None, strawberry.argument(description="Only purchase orders with this SKU.")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 0 to 100; null: 20.")] = 20,
        after: Annotated[str | None, strawberry.argument(description="A cursor: list what follows it.")] = None,
    ) -> PurchaseOrderConnection:
        page = await purchasing.list_purchase_orders(status, sku, 20 if first is None else first, after)
        edges = [
            PurchaseOrderEdge(cursor=cursors.encode("purchaseOrder", r.id), node=PurchaseOrder.of(r)) for r in page.rows
        ]
        return PurchaseOrderConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
            total_count=page.total_count,
        )

    @strawberry.field(permission_classes=ADMIN, description="[admin] Every supplier, by code.")
    async def suppliers(self) -> list[Supplier]:
        return [Supplier.of(row) for row in await suppliers.list_suppliers()]


@strawberry.type
class PurchasingMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] One DRAFT purchase order per supplier with uncovered backorders or a reorder suggestion "
        "(only `supplier` when given), over the last 30 days of the default stock; a supplier's existing DRAFT is "
        "updated, never duplicated; products without a supplier are skipped.",
    )
    async def draft_supplier_batches(
        self,
        info: Info[Context, None],
        supplier: Annotated[
            str | None, strawberry.argument(description="Only this supplier's batch (its code); null: every supplier.")
        ] = None,
    ) -> list[PurchaseOrder]:
        _, today = await _now(info)
        return [PurchaseOrder.of(row) for row in await batches.draft_supplier_batches(supplier, today)]

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] A new DRAFT purchase order.")
    async def create_purchase_order(
        self, input: Annotated[PurchaseOrderInput, strawberry.argument(description="The new purchase order.")]
    ) -> PurchaseOrder:
        row = await purchasing.create_purchase_order(
            input.number, input.supplier, input.expected_date, _lines(input.lines) or [], input.source
        )
        return PurchaseOrder.of(row)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Opens a DRAFT and emails the supplier its lines (text, HTML and `<number>.csv`): "
        "its units count for expected dates from now on. Not a DRAFT: CONFLICT; a supplier without an email: "
        "BAD_USER_INPUT; no supplier: opens with no email.",
    )
    async def submit_purchase_order(self, info: Info[Context, None], number: Annotated[str, NUMBER]) -> PurchaseOrder:
        store, today = await _now(info)
        return PurchaseOrder.of(await purchasing.submit_purchase_order(number, store, today))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Moves the expected date; customers whose date moves later are told.",
    )
    async def reschedule_purchase_order(
        self,
        info: Info[Context, None],
        number: Annotated[str, NUMBER],
        expected_date: Annotated[date, strawberry.argument(description="The new expected date.")],
    ) -> PurchaseOrder:
        store, today = await _now(info)
        return PurchaseOrder.of(await purchasing.reschedule_purchase_order(number, expected_date, store, today))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Adds received units on hand (all lines without `lines`); waiting orders are "
        "allocated oldest first.",
    )
    async def receive_purchase_order(
        self,
        info: Info[Context, None],
        number: Annotated[str, NUMBER],
        lines: Annotated[
            list[LineInput] | None, strawberry.argument(description="SKUs and units received; at most what is due.")
        ] = None,
    ) -> PurchaseOrder:
        store, today = await _now(info)
        return PurchaseOrder.of(await purchasing.receive_purchase_order(number, _lines(lines), store, today))

    @strawberry.mutation(
        permission_classes=ADMIN, description="[admin] Received units stay on hand; the rest leave the projection."
    )
    async def cancel_purchase_order(self, info: Info[Context, None], number: Annotated[str, NUMBER]) -> PurchaseOrder:
        store, today = await _now(info)
        return PurchaseOrder.of(await purchasing.cancel_purchase_order(number, store, today))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Creates or updates by code.")
    async def upsert_supplier(
        self, input: Annotated[SupplierInput, strawberry.argument(description="The supplier, by code.")]
    ) -> Supplier:
        data = {"code": input.code, "name": input.name, "email": input.email, "lead_time_days": input.lead_time_days}
        return Supplier.of(await suppliers.upsert_supplier(data))
