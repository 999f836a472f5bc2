"""Input types of the contract, and the one helper that turns them into use-case arguments."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import strawberry

from backstock import rules
from backstock.resolvers.product_filter import MAX_SEARCH, ProductCriteria
from backstock.schema.descriptions import SETTINGS, described


def changes(data: object) -> dict[str, Any]:
    """Fields the client sent (UNSET = omitted), by snake_case name; an explicit null stays None."""
    return {
        f.name: value
        for f in dataclasses.fields(data)  # type: ignore[arg-type]
        if (value := getattr(data, f.name)) is not strawberry.UNSET
    }


@described(SETTINGS)
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
    backorder_lead_time_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="0 or more; null clears it (unknown), omit to keep it."
    )
    customers_may_cancel_backorders: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether customers may cancel units that still wait; may not be null."
    )
    low_stock_recipients: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Addresses the low-stock email goes to: at most 20 valid emails; may be empty, not null.",
    )
    backorder_customer_groups: list[str] | None = strawberry.UNSET
    max_backorder_quantity_per_order: int | None = strawberry.UNSET
    max_backorder_quantity_per_customer: int | None = strawberry.UNSET


@described(SETTINGS)
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
    backorder_lead_time_days: int | None = strawberry.UNSET
    backorder_customer_groups: list[str] | None = strawberry.UNSET
    max_backorder_quantity_per_order: int | None = strawberry.UNSET
    max_backorder_quantity_per_customer: int | None = strawberry.UNSET


@strawberry.input(description="Narrows a product listing; every given condition must hold.")
class ProductFilter:
    skus: list[str] | None = strawberry.field(
        default=None, description="Only these SKUs (at most 500); unknown ones simply match nothing."
    )
    stock_status: rules.StockStatus | None = strawberry.field(
        default=None, description="Only products with this stock status now."
    )
    search: str | None = strawberry.field(
        default=None,
        description=f"Case-insensitive substring of the name or SKU (at most {MAX_SEARCH} characters).",
    )
    is_low_stock: bool | None = strawberry.field(
        default=None,
        description="[admin] Only products whose isLowStock is this value; without an ADMIN key: "
        "UNAUTHENTICATED (no or a refused key) or FORBIDDEN (a STOREFRONT key).",
    )

    def criteria(self) -> ProductCriteria:
        return ProductCriteria(self.skus, self.stock_status, self.search, self.is_low_stock)


@strawberry.input(description="A new product.")
class ProductInput:
    sku: str = strawberry.field(
        description="Unique; 1 to 64 letters, digits or . _ / - starting with a letter or digit."
    )
    name: str = strawberry.field(description="1 to 255 printable characters.")
    price: Decimal = strawberry.field(
        description='Unit price: 0 to 9999999999.99 with at most 2 decimals, e.g. "19.90".'
    )
    quantity: int | None = strawberry.field(default=None, description="Units on hand; 0 if omitted.")
    in_stock: bool | None = strawberry.field(default=None, description="The manual stock status flag; true if omitted.")
    stock_settings: StockSettingsInput | None = strawberry.field(
        default=None, description="Settings this product overrides; the rest follow the store defaults."
    )
    supplier: str | None = strawberry.field(default=None, description="A supplier's code; an unknown one is refused.")


@strawberry.input(description="Changes to a product; omitted fields stay as they are.")
class ProductUpdateInput:
    name: str | None = strawberry.field(
        default=None, description="The new name (1 to 255 printable characters); omit to keep it."
    )
    price: Decimal | None = strawberry.field(
        default=None, description="The new unit price (0 to 9999999999.99, at most 2 decimals); omit to keep it."
    )
    supplier: str | None = strawberry.field(
        default=strawberry.UNSET, description="A supplier's code; null clears it, omit to keep it."
    )


@strawberry.input(description="A SKU and how many units of it.")
class LineInput:
    sku: str = strawberry.field(description="The product's SKU.")
    quantity: int = strawberry.field(description="Units asked for (1 or more). Lines with the same SKU are added up.")


@strawberry.input(description="Who places the order.")
class CustomerInput:
    email: str = strawberry.field(
        description="Where the order confirmation goes; with the order number, it lets the customer read the order."
    )
    name: str | None = strawberry.field(default=None, description="Shown in emails (1 to 255 printable characters).")
    group: str | None = strawberry.field(
        default=None,
        description="The customer's group (A-Z, 0-9, _; 1 to 32). Needs a STOREFRONT or ADMIN key; GUEST when omitted.",
    )


@strawberry.input(description="The lines of a cart to price and check.")
class QuoteInput:
    lines: list[LineInput] = strawberry.field(description="1 to 100 lines.")
    channel: str | None = strawberry.field(default=None, description='Sales channel; default "default".')
    customer_group: str | None = strawberry.field(
        default=None,
        description="The shopper's group, as on `product`: needs a STOREFRONT or ADMIN key; GUEST when omitted.",
    )
    customer_email: str | None = strawberry.field(
        default=None,
        description="With it, the per-customer backorder cap applies to the quote too. "
        "Needs a STOREFRONT or ADMIN key (it tells how many units the customer has waiting).",
    )


@strawberry.input(
    description="An order to place: its lines, the customer, and an optional key that makes retries safe."
)
class CheckoutInput:
    lines: list[LineInput] = strawberry.field(description="1 to 100 lines; all are placed or none.")
    customer: CustomerInput = strawberry.field(description="Who orders.")
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
    sku: str = strawberry.field(description="A SKU of the order.")
    quantity: int = strawberry.field(description="Units of this SKU taken from this source; 1 or more.")
