"""Back-in-stock alerts and alternatives (DESIGN.md 7.2): the types and mutations, mixed into Mutation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import models
from backstock.models import StockAlertStatus
from backstock.resolvers import alerts
from backstock.resolvers.alternatives import MAX_ALTERNATIVES, replace_alternatives
from backstock.schema.catalog import Product
from backstock.schema.context import Context
from backstock.schema.descriptions import Sku, describe_enum
from backstock.schema.permissions import ADMIN

describe_enum(
    StockAlertStatus,
    "Where a back-in-stock alert stands.",
    {
        "ACTIVE": "Waiting: an email goes out when the product can be ordered again.",
        "NOTIFIED": "The back-in-stock email was queued; the alert is done.",
        "UNSUBSCRIBED": "Ended with its token before or after the email.",
    },
)


@strawberry.type(description="An email waiting to hear that a product can be ordered again.")
class StockAlert:
    sku: str = strawberry.field(description="The product's SKU.")
    email: str = strawberry.field(description="Where the email goes, as it was given (compared in any case).")
    status: StockAlertStatus = strawberry.field(description="ACTIVE until the email is queued or it is ended.")
    created_at: datetime = strawberry.field(description="When the alert was created.")

    @classmethod
    def of(cls, row: models.StockAlert, sku: str) -> StockAlert:
        return cls(sku=sku, email=row.email, status=row.status, created_at=row.created_at)


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description="Anyone: one email when the product can be ordered again, and a confirmation now, both with "
        "an unsubscribe link. Only for a product that is not salable (else BAD_USER_INPUT naming `sku`); "
        f"an unknown SKU is NOT_FOUND; at most {alerts.MAX_ACTIVE} active alerts per email (BAD_USER_INPUT "
        "naming `email`). Subscribing again returns the active alert and sends nothing."
    )
    async def subscribe_to_stock_alert(
        self,
        sku: Sku,
        email: Annotated[str, strawberry.argument(description="Where the alert goes; compared in any case.")],
    ) -> StockAlert:
        return StockAlert.of(await alerts.subscribe(sku, email), sku)

    @strawberry.mutation(
        description="Ends the alert whose emails carried this token: true (again true when repeated); "
        "false for an unknown token."
    )
    async def unsubscribe_from_stock_alert(
        self, token: Annotated[str, strawberry.argument(description="The token from the alert's email link.")]
    ) -> bool:
        return await alerts.unsubscribe(token)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Replaces the product's alternatives, in order. An unknown SKU, the product itself "
        f"or a duplicate is BAD_USER_INPUT naming `alternatives`; at most {MAX_ALTERNATIVES}.",
    )
    async def set_alternatives(
        self,
        info: Info[Context, None],
        sku: Sku,
        alternatives: Annotated[
            list[str], strawberry.argument(description="SKUs of the substitutes, best first; [] clears the list.")
        ],
    ) -> Product:
        store = await info.context.store()
        return Product.of(await replace_alternatives(sku, alternatives, store), info.context.access)
