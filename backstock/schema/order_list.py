"""The admin's list of orders: filter, cursor pages, mixed into Query."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backstock import rules
from backstock.resolvers import cursors, orders
from backstock.schema.catalog import PageInfo
from backstock.schema.orders import Order
from backstock.schema.permissions import ADMIN


@strawberry.input(description="Every given condition must hold.")
class OrderFilter:
    status: rules.OrderStatus | None = strawberry.field(default=None, description="Orders in this status.")
    has_backorders: bool | None = strawberry.field(
        default=None, description="true: orders with units waiting for stock; false: orders without."
    )
    sku: str | None = strawberry.field(default=None, description="Orders with a line of this SKU.")
    customer_email: str | None = strawberry.field(
        default=None, description="Orders of this customer email, compared case-insensitively."
    )


@strawberry.type(description="An order and its cursor.")
class OrderEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read the orders after this one.")
    node: Order = strawberry.field(description="The order.")


@strawberry.type(description="A page of orders, newest first.")
class OrderConnection:
    edges: list[OrderEdge] = strawberry.field(description="The orders of this page.")
    page_info: PageInfo = strawberry.field(description="Whether more orders follow, and the cursor to get them.")
    total_count: int = strawberry.field(description="Orders matching the filter, on all pages.")

    @classmethod
    def of(cls, page: orders.OrderPage, after: str | None) -> OrderConnection:
        edges = [OrderEdge(cursor=cursors.encode("order", r.order.id), node=Order.of(r)) for r in page.records]
        return cls(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], page.has_next_page, after),
            total_count=page.total_count,
        )


@strawberry.type
class OrderListQuery:
    @strawberry.field(
        permission_classes=ADMIN,
        description="[admin] Orders, newest first; `first` from 0 to 100. Lines, shipments and payments are "
        "loaded for the whole page at once.",
    )
    async def orders(
        self,
        filter: Annotated[OrderFilter | None, strawberry.argument(description="Only the orders that match it.")] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size, 0 to 100; null means 20.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="A cursor (pageInfo.endCursor): list what follows it.")
        ] = None,
    ) -> OrderConnection:
        f = filter or OrderFilter()
        criteria = orders.OrderFilter(f.status, f.has_backorders, f.sku, f.customer_email)
        return OrderConnection.of(await orders.list_orders(criteria, 20 if first is None else first, after), after)
