"""Webhook types, and the fields that manage webhooks and read their deliveries, mixed into Query and Mutation."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from backstock import models
from backstock.models import DeliveryStatus, EventKind
from backstock.resolvers import webhooks
from backstock.schema.context import Context
from backstock.schema.permissions import ADMIN

# Registered once with their contract names and descriptions; fields then use the enums themselves.
strawberry.enum(
    models.EventKind,
    name="WebhookEvent",
    description="What happened. Stock kinds are sent per product and channel, order kinds per order.",
)
strawberry.enum(
    models.DeliveryStatus,
    description="PENDING while attempts go on (with backoff), DELIVERED after a 2xx answer, "
    "FAILED after BACKSTOCK_WEBHOOK_MAX_ATTEMPTS failed attempts.",
)


@strawberry.type(description="[admin] A URL that receives the events it subscribed to, signed with its secret.")
class Webhook:
    id: strawberry.ID
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
    id: strawberry.ID
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
        self, webhook_id: strawberry.ID, status: DeliveryStatus | None = None, first: int = 50
    ) -> list[WebhookDelivery]:
        return [WebhookDelivery.of(row) for row in await webhooks.deliveries(webhook_id, status, first)]


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] `secret` signs every delivery. `url`: http(s), at most 2,048 characters, and "
        "(unless BACKSTOCK_WEBHOOKS_ALLOW_PRIVATE) a host resolving only to public addresses; "
        "`events`: at least one.",
    )
    async def create_webhook(self, info: Info[Context, None], url: str, events: list[EventKind]) -> WebhookCreated:
        row, secret = await webhooks.create_webhook(url, events, info.context.settings.webhooks_allow_private)
        return WebhookCreated(webhook=Webhook.of(row), secret=secret)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Stops deliveries and drops the pending ones; delivered and failed ones stay listed. "
        "False when no active webhook has this id.",
    )
    async def delete_webhook(self, id: strawberry.ID) -> bool:
        return await webhooks.delete_webhook(id)
