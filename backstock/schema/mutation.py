"""The Mutation root: thin calls into resolvers, wrapped into contract types."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backstock.resolvers import admin, catalog, checkout, config, fulfilment, orders, stock
from backstock.schema.admin import OutboxMessage
from backstock.schema.catalog import InventoryConfig, Product
from backstock.schema.descriptions import OrderNumber, Sku
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
from backstock.web import metrics


def _pairs(lines: list[LineInput] | None) -> list[tuple[str, int]] | None:
    return None if lines is None else [(line.sku, line.quantity) for line in lines]


@strawberry.type(description="Checkout for storefronts; everything else needs an ADMIN key.")
class Mutation(KeyMutation):
    @strawberry.mutation(
        description="Places an order: all lines or none. Backordered units are captured and paid now, shipped later."
    )
    async def checkout(
        self,
        info: AppInfo,
        input: Annotated[
            CheckoutInput, strawberry.argument(description="The lines, the customer and an optional idempotency key.")
        ],
    ) -> CheckoutResult:
        result = await checkout.checkout(
            _pairs(input.lines) or [],
            input.customer.email,
            input.customer.name,
            input.idempotency_key,
            await info.context.store_config(),
        )
        metrics.count_checkout(result if isinstance(result, list) else [])
        if isinstance(result, list):
            return CheckoutRejected(errors=[LineError.of(e) for e in result])
        return Order.of(result)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Sends an outbox email again, now.")
    async def retry_outbox_message(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The email's id (OutboxMessage.id).")]
    ) -> OutboxMessage:
        return OutboxMessage.of(await admin.retry_outbox(id))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Never sends an outbox email (status DISCARDED); one already sent is refused.",
    )
    async def discard_outbox_message(
        self, id: Annotated[strawberry.ID, strawberry.argument(description="The email's id (OutboxMessage.id).")]
    ) -> OutboxMessage:
        return OutboxMessage.of(await admin.discard_outbox(id))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Changes store-wide defaults; the whole result is validated before it is saved.",
    )
    async def update_inventory_config(
        self, input: Annotated[InventoryConfigInput, strawberry.argument(description="The defaults to change.")]
    ) -> InventoryConfig:
        return InventoryConfig.of(await config.update_store_config(changes(input)))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Adds a product with its stock on hand.")
    async def create_product(
        self, info: AppInfo, input: Annotated[ProductInput, strawberry.argument(description="The new product.")]
    ) -> Product:
        data = changes(input)
        if input.stock_settings is not None:
            data["stock_settings"] = changes(input.stock_settings)
        return Product.of(await catalog.create_product(data, await info.context.store()))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Renames or reprices a product.")
    async def update_product(
        self,
        info: AppInfo,
        sku: Sku,
        input: Annotated[ProductUpdateInput, strawberry.argument(description="What to change.")],
    ) -> Product:
        view = await catalog.update_product(sku, input.name, input.price, await info.context.store())
        return Product.of(view)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Sets or clears a product's own stock settings.")
    async def update_stock_settings(
        self,
        info: AppInfo,
        sku: Sku,
        input: Annotated[
            StockSettingsInput,
            strawberry.argument(description="The overrides to set (null: follow the store default)."),
        ],
    ) -> Product:
        view = await catalog.update_stock_settings(sku, changes(input), await info.context.store())
        return Product.of(view)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Sets units on hand (a stock count). "
        "Restocking allocates waiting backorders, oldest order first.",
    )
    async def set_stock_quantity(
        self,
        info: AppInfo,
        sku: Sku,
        quantity: Annotated[int, strawberry.argument(description="Units counted on hand (0 or more).")],
    ) -> Product:
        return Product.of(await stock.set_stock_quantity(sku, quantity, await info.context.store_config()))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Adds (restock) or removes (shrinkage) units on hand. Same allocation as setStockQuantity.",
    )
    async def adjust_stock(
        self,
        info: AppInfo,
        sku: Sku,
        delta: Annotated[
            int,
            strawberry.argument(
                description="Units to add (positive) or remove (negative); on hand never goes below 0."
            ),
        ],
        reason: Annotated[
            str | None, strawberry.argument(description="Why, kept in the stock ledger (up to 255 characters).")
        ] = None,
    ) -> Product:
        return Product.of(await stock.adjust_stock(sku, delta, reason, await info.context.store_config()))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] The manual stock status flag.")
    async def set_stock_status(
        self,
        info: AppInfo,
        sku: Sku,
        in_stock: Annotated[
            bool,
            strawberry.argument(description="false: OUT_OF_STOCK whatever the quantity; true: the stock rules decide."),
        ],
    ) -> Product:
        return Product.of(await stock.set_stock_status(sku, in_stock, await info.context.store_config()))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Ships units that are ready; without `lines`, everything ready on the order. "
        "Partial shipments are normal.",
    )
    async def ship_order(
        self,
        number: OrderNumber,
        lines: Annotated[
            list[LineInput] | None,
            strawberry.argument(
                description="SKUs and units to ship, each at most what is ready; null: everything ready."
            ),
        ] = None,
    ) -> Shipment:
        shipment = await fulfilment.ship_order(number, _pairs(lines))
        await shipment.fetch_related("lines")
        return Shipment.of(shipment)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Cancels unshipped units (all of them without `lines`), "
        "returns them to stock or drops their backorder, and refunds them.",
    )
    async def cancel_order(
        self,
        info: AppInfo,
        number: OrderNumber,
        lines: Annotated[
            list[LineInput] | None,
            strawberry.argument(
                description="SKUs and units to cancel, each at most what is unshipped; null: everything unshipped."
            ),
        ] = None,
    ) -> Order:
        order = await fulfilment.cancel_order(number, _pairs(lines), await info.context.store_config())
        return Order.of(await orders.load_order(order))
