"""Input types of the contract, and the one helper that turns them into use-case arguments."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import strawberry

from backstock import rules


def changes(data: object) -> dict[str, Any]:
    """Fields the client sent (UNSET = omitted), by snake_case name; an explicit null stays None."""
    return {
        f.name: value
        for f in dataclasses.fields(data)  # type: ignore[arg-type]
        if (value := getattr(data, f.name)) is not strawberry.UNSET
    }


@strawberry.input(description="Omit a field to leave it unchanged.")
class InventoryConfigInput:
    manage_stock: bool | None = strawberry.UNSET
    backorders: rules.BackorderMode | None = strawberry.UNSET
    out_of_stock_threshold: int | None = strawberry.UNSET
    only_x_left_threshold: int | None = strawberry.UNSET
    notify_for_quantity_below: int | None = strawberry.UNSET
    min_sale_quantity: int | None = strawberry.UNSET
    max_sale_quantity: int | None = strawberry.UNSET
    quantity_increments: int | None = strawberry.UNSET
    low_stock_recipients: list[str] | None = strawberry.UNSET


@strawberry.input(
    description="Per-product overrides. Omit a field to leave it unchanged; "
    "send null to follow the store default again."
)
class StockSettingsInput:
    manage_stock: bool | None = strawberry.UNSET
    backorders: rules.BackorderMode | None = strawberry.UNSET
    out_of_stock_threshold: int | None = strawberry.UNSET
    only_x_left_threshold: int | None = strawberry.UNSET
    notify_for_quantity_below: int | None = strawberry.UNSET
    min_sale_quantity: int | None = strawberry.UNSET
    max_sale_quantity: int | None = strawberry.UNSET
    quantity_increments: int | None = strawberry.UNSET


@strawberry.input
class ProductFilter:
    skus: list[str] | None = None
    stock_status: rules.StockStatus | None = None


@strawberry.input
class ProductInput:
    sku: str
    name: str
    price: Decimal
    quantity: int | None = strawberry.field(default=None, description="Units on hand; 0 if omitted.")
    in_stock: bool | None = None
    stock_settings: StockSettingsInput | None = None


@strawberry.input
class ProductUpdateInput:
    name: str | None = None
    price: Decimal | None = None


@strawberry.input
class LineInput:
    sku: str
    quantity: int


@strawberry.input
class CustomerInput:
    email: str
    name: str | None = None


@strawberry.input
class QuoteInput:
    lines: list[LineInput]
    channel: str | None = strawberry.field(default=None, description='Sales channel; default "default".')


@strawberry.input
class CheckoutInput:
    lines: list[LineInput]
    customer: CustomerInput
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Retrying with the same key and the same lines returns the first order and reserves nothing more; "
            "the same key with other lines is a CONFLICT error."
        ),
    )
    channel: str | None = strawberry.field(default=None, description='Sales channel; default "default".')


@strawberry.input(description="Units of one SKU a shipment takes from one source.")
class ShipmentSourceInput:
    source: str = strawberry.field(description="Code of an enabled, in-stock source of the order's stock.")
    sku: str
    quantity: int = strawberry.field(description="Units of this SKU taken from this source; 1 or more.")
