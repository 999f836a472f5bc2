"""Multi-source types (DESIGN.md 7.6): sources, stocks, source items, and their inputs."""

from __future__ import annotations

import strawberry

from backstock import models, rules
from backstock.resolvers.sources import StockRecord
from backstock.rules.sourcing import is_source_low


@strawberry.type(description="[admin] A place that holds units: a warehouse, a shop, a dropshipper.")
class Source:
    code: str = strawberry.field(description="Unique code, [a-z0-9_-]{1,32}.")
    name: str = strawberry.field(description="What the merchant calls it.")
    enabled: bool = strawberry.field(description="A disabled source neither sells nor ships; `default` cannot be.")
    email: str | None = strawberry.field(description="Where this source's low-stock emails go; null: the merchant.")

    @classmethod
    def of(cls, source: models.Source) -> Source:
        return cls(code=source.code, name=source.name, enabled=source.enabled, email=source.email)


@strawberry.input(description="A source to create or update, by code.")
class SourceInput:
    code: str = strawberry.field(description="Creates the source, or updates the one with this code.")
    name: str = strawberry.field(description="What the merchant calls it (1 to 255 printable characters).")
    enabled: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="A new source is enabled unless this says false; on update, omitted keeps the value.",
    )
    email: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Where this source's low-stock emails go; omitted keeps it, null clears it (the merchant).",
    )


@strawberry.type(description="[admin] A pool of sources (highest priority first) sold through its channels.")
class Stock:
    code: str = strawberry.field(description="Unique code, [a-z0-9_-]{1,32}.")
    name: str = strawberry.field(description="What the merchant calls it.")
    sources: list[Source] = strawberry.field(description="Highest priority first: shipments take units in this order.")
    channels: list[str] = strawberry.field(description="Sales channel codes served by this stock.")

    @classmethod
    def of(cls, record: StockRecord) -> Stock:
        return cls(
            code=record.stock.code,
            name=record.stock.name,
            sources=[Source.of(s) for s in record.sources],
            channels=record.channels,
        )


@strawberry.input(description="A stock to create or update, by code, with its sources and channels.")
class StockInput:
    code: str = strawberry.field(description="Creates the stock, or updates the one with this code.")
    name: str = strawberry.field(description="What the merchant calls it (1 to 255 printable characters).")
    sources: list[str] = strawberry.field(
        description="Source codes, highest priority first. A source belongs to one stock at most."
    )
    channels: list[str] = strawberry.field(description="Sales channel codes served by this stock.")


@strawberry.type(description="[admin] One product's units at one source.")
class SourceItem:
    source: Source = strawberry.field(description="Where the units are.")
    quantity: int = strawberry.field(description="Units on hand at this source (never below 0).")
    in_stock: bool = strawberry.field(description="The source item's own stock status flag.")
    notify_for_quantity_below: int | None = strawberry.field(
        description="Source-level low-stock threshold; null: the product's or the store's."
    )
    is_low_stock: bool = strawberry.field(
        description="Its own units (reservations not deducted) are at or below its effective threshold."
    )

    @classmethod
    def of(cls, item: models.SourceItem, settings: rules.StockSettings) -> SourceItem:
        """Expects the source fetched; `settings` are the product's effective settings."""
        return cls(
            source=Source.of(item.source),
            quantity=item.quantity,
            in_stock=item.in_stock,
            notify_for_quantity_below=item.notify_for_quantity_below,
            is_low_stock=is_source_low(item.quantity, item.notify_for_quantity_below, settings),
        )
