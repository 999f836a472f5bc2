"""The Subscription root: stock events as they commit, over graphql-transport-ws on /graphql."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import rules
from backstock.events import broker
from backstock.models import Event
from backstock.resolvers.errors import Conflict
from backstock.resolvers.subscriptions import stock_interest
from backstock.schema.context import Context
from backstock.schema.descriptions import describe_enum

describe_enum(
    rules.StockEventKind,
    "What happened to a product's stock in a sales channel.",
    {
        "STOCK_CHANGED": "Its stock status or salable quantity changed.",
        "OUT_OF_STOCK": "It stopped being salable.",
        "BACK_IN_STOCK": "It became salable again.",
        "LOW_STOCK": "Its free units fell to its low-stock threshold (notifyForQuantityBelow) or below.",
    },
)


@strawberry.type(description="A change of what shoppers see of a product in one sales channel.")
class StockEvent:
    kind: rules.StockEventKind = strawberry.field(
        description="STOCK_CHANGED for every change of status or salable quantity; OUT_OF_STOCK, BACK_IN_STOCK "
        "and LOW_STOCK come beside it when the product crosses into or out of those states."
    )
    sku: str = strawberry.field(description="The product's SKU.")
    channel: str = strawberry.field(description="The sales channel whose stock changed (phase 2, 7.6).")
    stock_status: rules.StockStatus = strawberry.field(description="The product's status in the channel after it.")
    is_salable: bool = strawberry.field(description="Whether an order of at least one unit can be placed after it.")
    salable_quantity: int | None = strawberry.field(description="How many units can be sold after it; null: unlimited.")
    at: datetime = strawberry.field(description="When the change was made.")

    @classmethod
    def of(cls, event: Event) -> StockEvent:
        data = event.data
        return cls(
            kind=rules.StockEventKind(event.kind.value),
            sku=str(data["sku"]),
            channel=str(data["channel"]),
            stock_status=rules.StockStatus(str(data["stockStatus"])),
            is_salable=bool(data["isSalable"]),
            salable_quantity=None if data["salableQuantity"] is None else int(str(data["salableQuantity"])),
            at=datetime.fromisoformat(str(data["at"])),
        )


@strawberry.type(description="Stock events as their changes commit, over graphql-transport-ws on /graphql.")
class Subscription:
    @strawberry.subscription(
        description="Every change of the listed products (all products without `skus`), in one channel or "
        "(without `channel`) all. Public: it tells nothing a product query does not. Events come as their "
        "change commits, from any worker or the CLI; a subscriber that falls far behind gets a CONFLICT "
        "and must subscribe again."
    )
    async def stock_changed(
        self,
        info: Info[Context, None],
        skus: Annotated[
            list[str] | None, strawberry.argument(description="Only these SKUs (at most 500); all without it.")
        ] = None,
        channel: Annotated[
            str | None, strawberry.argument(description="Only this sales channel; every channel without it.")
        ] = None,
    ) -> AsyncGenerator[StockEvent, None]:
        interest = await stock_interest(skus, channel)
        hub: broker.Hub = info.context.request.app.state.hub
        try:
            async for event in broker.events(hub, interest):
                yield StockEvent.of(event)
        except broker.TooSlow:
            raise Conflict(
                f"stockChanged: this subscriber fell {broker.QUEUE_SIZE} events behind and missed some; "
                "subscribe again (and re-read the products)"
            ) from None
