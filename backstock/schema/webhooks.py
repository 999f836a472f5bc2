"""Webhook types, and the fields that manage webhooks and read their deliveries, mixed into Query and Mutation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import models
from backstock.models import DeliveryStatus, EventKind
from backstock.resolvers import webhooks
from backstock.schema.context import Context
from backstock.schema.descriptions import describe_enum
from backstock.schema.permissions import ADMIN

# Registered once with their contract names and descriptions; fields then use the enums themselves.
strawberry.enum(models.EventKind, name="WebhookEvent")
describe_enum(
    models.EventKind,
    "What happened. Stock kinds are sent per product and channel, order kinds per order.",
    {
        "STOCK_CHANGED": "A product's status or salable quantity changed in a channel.",
        "OUT_OF_STOCK": "A product stopped being salable in a channel.",
        "BACK_IN_STOCK": "A product became salable again in a channel.",
        "LOW_STOCK": "A product crossed into low stock.",
        "ORDER_PLACED": "A checkout placed an order.",
        "BACKORDER_ALLOCATED": "Waiting units of an order got stock and are ready to ship.",
        "BACKORDER_DELAYED": "An order's expected ship date moved later.",
        "ORDER_SHIPPED": "A shipment left.",
        "ORDER_CANCELED": "Units of an order were cancelled (data.orderStatus says whether all were).",
    },
)
describe_enum(
    models.DeliveryStatus,
    "Where a webhook delivery stands.",
    {
        "PENDING": "Waiting for its first attempt, or retrying after a failure.",
        "DELIVERED": "The receiver answered 2xx.",
        "FAILED": "Every attempt failed (BACKSTOCK_WEBHOOK_MAX_ATTEMPTS), or the webhook's address was refused.",
    },
)


@strawberry.type(description="[admin] A URL that receives the events it subscribed to, signed with its secret.")
class Webhook:
    id: strawberry.ID = strawberry.field(description="The webhook's id, for webhookDeliveries and deleteWebhook.")
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    events: list[EventKind] = strawberry.field(description="The event kinds this webhook receives.")
    active: bool = strawberry.field(description="False once deleted: no new deliveries; its history stays readable.")
    created_at: datetime = strawberry.field(description="When it was registered.")

    @classmethod
    def of(cls, row: models.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(str(row.id)),
            url=row.url,
            events=[EventKind(kind) for kind in row.events],
            active=row.active,
            created_at=row.created_at,
        )


@strawberry.type(description="A new webhook with its signing secret.")
class WebhookCreated:
    webhook: Webhook = strawberry.field(description="The webhook registered.")
    secret: str = strawberry.field(
        description="The signing secret. Shown once. Each delivery carries "
        "`X-Backstock-Signature: sha256=<hex HMAC-SHA256(secret, X-Backstock-Timestamp + '.' + raw body)>`."
    )


@strawberry.type(description="[admin] One event sent (or being sent) to one webhook.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="The delivery's id.")
    event: EventKind = strawberry.field(description="The kind of event delivered.")
    event_id: str = strawberry.field(
        description="The event's id: the body's `id` and the X-Backstock-Event-Id header, the same on every attempt."
    )
    status: DeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    last_error: str | None = strawberry.field(
        description="The last failed attempt's reason (`HTTP <status> ...` when the receiver answered); null if none."
    )
    created_at: datetime = strawberry.field(description="When the event happened.")
    delivered_at: datetime | None = strawberry.field(description="When a 2xx answer came; null until then.")

    @classmethod
    def of(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(row.id)),
            event=row.event.kind,
            event_id=str(row.event.uid),
            status=row.status,
            attempts=row.attempts,
            last_error=row.last_error,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        permission_classes=ADMIN, description="[admin] Every webhook, deleted ones included, oldest first."
    )
    async def webhooks(self) -> list[Webhook]:
        return [Webhook.of(row) for row in await webhooks.list_webhooks()]

    @strawberry.field(
        permission_classes=ADMIN,
        description="[admin] A webhook's deliveries, newest first; `first` from 1 to 200. "
        "An unknown webhookId is NOT_FOUND.",
    )
    async def webhook_deliveries(
        self,
        webhook_id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's id (Webhook.id).")],
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only deliveries in this status.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="How many, newest first: 1 to 200; null means 50.")
        ] = 50,
    ) -> list[WebhookDelivery]:
        return [
            WebhookDelivery.of(row)
            for row in await webhooks.deliveries(webhook_id, status, 50 if first is None else first)
        ]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] `secret` signs every delivery. `url`: http(s), at most 2,048 characters, and "
        "(unless BACKSTOCK_WEBHOOKS_ALLOW_PRIVATE) a host resolving only to public addresses; "
        "`events`: at least one.",
    )
    async def create_webhook(
        self,
        info: Info[Context, None],
        url: Annotated[str, strawberry.argument(description="An http(s) URL on a public address.")],
        events: Annotated[list[EventKind], strawberry.argument(description="The event kinds to deliver.")],
    ) -> WebhookCreated:
        row, secret = await webhooks.create_webhook(url, events, info.context.settings.webhooks_allow_private)
        return WebhookCreated(webhook=Webhook.of(row), secret=secret)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Stops deliveries and drops the pending ones; delivered and failed ones stay listed. "
        "False when no active webhook has this id.",
    )
    async def delete_webhook(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The webhook's id (Webhook.id).")]
    ) -> bool:
        return await webhooks.delete_webhook(id)
