"""The Mutation root: thin calls into resolvers, wrapped into contract types."""

from __future__ import annotations

import strawberry

from backstock.resolvers import admin, catalog, checkout, config, fulfilment, orders, stock
from backstock.schema.admin import OutboxMessage
from backstock.schema.catalog import InventoryConfig, Product
from backstock.schema.inputs import (
    CheckoutInput,
    InventoryConfigInput,
    LineInput,
    ProductInput,
    ProductUpdateInput,
    StockSettingsInput,
    changes,
)
from backstock.schema.keys import KeyMutation
from backstock.schema.orders import CheckoutRejected, CheckoutResult, LineError, Order, Shipment
from backstock.schema.permissions import ADMIN
from backstock.schema.query import AppInfo
from backstock.schema.webhooks import WebhookMutation


def _pairs(lines: list[LineInput] | None) -> list[tuple[str, int]] | None:
    return None if lines is None else [(line.sku, line.quantity) for line in lines]


@strawberry.type
class Mutation(KeyMutation, WebhookMutation):
    @strawberry.mutation(
        description="Places an order: all lines or none. Backordered units are captured and paid now, shipped later."
    )
    async def checkout(self, info: AppInfo, input: CheckoutInput) -> CheckoutResult:
        result = await checkout.checkout(
            _pairs(input.lines) or [],
            input.customer.email,
            input.customer.name,
            input.idempotency_key,
            await info.context.store_config(),
        )
        if isinstance(result, list):
            return CheckoutRejected(errors=[LineError.of(e) for e in result])
        return Order.of(result)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Sends an outbox email again, now.")
    async def retry_outbox_message(self, id: strawberry.ID) -> OutboxMessage:
        return OutboxMessage.of(await admin.retry_outbox(id))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin]")
    async def update_inventory_config(self, input: InventoryConfigInput) -> InventoryConfig:
        return InventoryConfig.of(await config.update_store_config(changes(input)))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin]")
    async def create_product(self, info: AppInfo, input: ProductInput) -> Product:
        data = changes(input)
        if input.stock_settings is not None:
            data["stock_settings"] = changes(input.stock_settings)
        return Product.of(await catalog.create_product(data, await info.context.store()))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin]")
    async def update_product(self, info: AppInfo, sku: str, input: ProductUpdateInput) -> Product:
        view = await catalog.update_product(sku, input.name, input.price, await info.context.store())
        return Product.of(view)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin]")
    async def update_stock_settings(self, info: AppInfo, sku: str, input: StockSettingsInput) -> Product:
        view = await catalog.update_stock_settings(sku, changes(input), await info.context.store())
        return Product.of(view)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Sets units on hand (a stock count). "
        "Restocking allocates waiting backorders, oldest order first.",
    )
    async def set_stock_quantity(self, info: AppInfo, sku: str, quantity: int) -> Product:
        return Product.of(await stock.set_stock_quantity(sku, quantity, await info.context.store_config()))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Adds (restock) or removes (shrinkage) units on hand. Same allocation as setStockQuantity.",
    )
    async def adjust_stock(self, info: AppInfo, sku: str, delta: int, reason: str | None = None) -> Product:
        return Product.of(await stock.adjust_stock(sku, delta, reason, await info.context.store_config()))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] The manual stock status flag.")
    async def set_stock_status(self, info: AppInfo, sku: str, in_stock: bool) -> Product:
        return Product.of(await stock.set_stock_status(sku, in_stock, await info.context.store_config()))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Ships units that are ready; without `lines`, everything ready on the order. "
        "Partial shipments are normal.",
    )
    async def ship_order(self, number: str, lines: list[LineInput] | None = None) -> Shipment:
        shipment = await fulfilment.ship_order(number, _pairs(lines))
        await shipment.fetch_related("lines")
        return Shipment.of(shipment)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Cancels unshipped units (all of them without `lines`), "
        "returns them to stock or drops their backorder, and refunds them.",
    )
    async def cancel_order(self, info: AppInfo, number: str, lines: list[LineInput] | None = None) -> Order:
        order = await fulfilment.cancel_order(number, _pairs(lines), await info.context.store_config())
        return Order.of(await orders.load_order(order))
