"""The Mutation root: thin calls into resolvers, wrapped into contract types."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backstock.resolvers import (
    admin,
    backorders,
    catalog,
    checkout,
    config,
    fulfilment,
    orders,
    sources,
    stock,
    suppliers,
    transfer,
)
from backstock.resolvers.groups import asserted_group, terms
from backstock.schema.admin import OutboxMessage
from backstock.schema.alerts import AlertMutation
from backstock.schema.bulk import BulkMutation
from backstock.schema.catalog import InventoryConfig, Product
from backstock.schema.descriptions import OrderNumber, Sku
from backstock.schema.inputs import (
    CheckoutInput,
    InventoryConfigInput,
    LineInput,
    ProductInput,
    ProductUpdateInput,
    ShipmentSourceInput,
    StockSettingsInput,
    changes,
)
from backstock.schema.inventory import Source, SourceInput, Stock, StockInput
from backstock.schema.keys import KeyMutation
from backstock.schema.orders import Asked, CheckoutRejected, CheckoutResult, LineError, Order, Shipment
from backstock.schema.permissions import ADMIN
from backstock.schema.preorders import PreorderMutation
from backstock.schema.purchasing import PurchasingMutation
from backstock.schema.query import AppInfo
from backstock.schema.webhooks import WebhookMutation
from backstock.web import metrics

# Named `source` in GraphQL only: strawberry's PermissionExtension takes `source` itself, so a
# resolver argument of that name collides with it ("got multiple values for argument 'source'").
SOURCE = strawberry.argument(name="source", description='The source whose units change; default "default".')


def _pairs(lines: list[LineInput] | None) -> list[tuple[str, int]] | None:
    return None if lines is None else [(line.sku, line.quantity) for line in lines]


OutboxId = Annotated[strawberry.ID, strawberry.argument(description="The email's id (OutboxMessage.id).")]


@strawberry.type(description="Checkout for storefronts; everything else needs an ADMIN key.")
class Mutation(KeyMutation, WebhookMutation, BulkMutation, PurchasingMutation, AlertMutation, PreorderMutation):
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
        config = await info.context.store_config()
        group = asserted_group(info.context.access, input.customer.group, "customer.group")
        result = await checkout.checkout(
            _pairs(input.lines) or [],
            input.customer.email,
            input.customer.name,
            input.idempotency_key,
            config,
            input.channel,
            info.context.today(),
            group,
        )
        metrics.count_checkout(result if isinstance(result, list) else [])
        if isinstance(result, list):
            asked = Asked(input.channel, terms(config, group))
            return CheckoutRejected(errors=[LineError.of(e, asked) for e in result])
        return Order.of(result)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Sends an outbox email again, now.")
    async def retry_outbox_message(self, id: OutboxId) -> OutboxMessage:
        return OutboxMessage.of(await admin.retry_outbox(id))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Never sends an outbox email (status DISCARDED); one already sent is refused.",
    )
    async def discard_outbox_message(self, id: OutboxId) -> OutboxMessage:
        return OutboxMessage.of(await admin.discard_outbox(id))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Changes store-wide defaults; the whole result is validated before it is saved.",
    )
    async def update_inventory_config(
        self,
        info: AppInfo,
        input: Annotated[InventoryConfigInput, strawberry.argument(description="The defaults to change.")],
    ) -> InventoryConfig:
        return InventoryConfig.of(await config.update_store_config(changes(input), info.context.today()))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Adds a product with its stock on hand.")
    async def create_product(
        self, info: AppInfo, input: Annotated[ProductInput, strawberry.argument(description="The new product.")]
    ) -> Product:
        data = changes(input)
        if input.stock_settings is not None:
            data["stock_settings"] = changes(input.stock_settings)
        return Product.of(await catalog.create_product(data, await info.context.store()), info.context.access)

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Renames or reprices a product.")
    async def update_product(
        self,
        info: AppInfo,
        sku: Sku,
        input: Annotated[ProductUpdateInput, strawberry.argument(description="What to change.")],
    ) -> Product:
        supplier = suppliers.KEEP if input.supplier is strawberry.UNSET else input.supplier
        view = await catalog.update_product(sku, input.name, input.price, await info.context.store(), supplier)
        return Product.of(view, info.context.access)

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
        store, today = await info.context.store(), info.context.today()
        view = await catalog.update_stock_settings(sku, changes(input), store, today)
        return Product.of(view, info.context.access)

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
        source_code: Annotated[str | None, SOURCE] = None,
    ) -> Product:
        view = await stock.set_stock_quantity(
            sku, quantity, source_code, await info.context.store_config(), info.context.today()
        )
        return Product.of(view, info.context.access)

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
        source_code: Annotated[str | None, SOURCE] = None,
    ) -> Product:
        view = await stock.adjust_stock(
            sku, delta, reason, source_code, await info.context.store_config(), info.context.today()
        )
        return Product.of(view, info.context.access)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] The manual stock status flag (phase 2: with `source`, that source item's flag).",
    )
    async def set_stock_status(
        self,
        info: AppInfo,
        sku: Sku,
        in_stock: Annotated[
            bool,
            strawberry.argument(description="false: OUT_OF_STOCK whatever the quantity; true: the stock rules decide."),
        ],
        source_code: Annotated[str | None, SOURCE] = None,
    ) -> Product:
        view = await stock.set_stock_status(
            sku, in_stock, source_code, await info.context.store_config(), info.context.today()
        )
        return Product.of(view, info.context.access)

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Ships units that are ready; without `lines`, everything ready on the order. "
        "Partial shipments are normal.",
    )
    async def ship_order(
        self,
        info: AppInfo,
        number: OrderNumber,
        lines: Annotated[
            list[LineInput] | None,
            strawberry.argument(
                description="SKUs and units to ship, each at most what is ready; null: everything ready."
            ),
        ] = None,
        sources: Annotated[
            list[ShipmentSourceInput] | None,
            strawberry.argument(
                description="Where the units leave from, per source and SKU; without it, the stock's sources "
                "by priority."
            ),
        ] = None,
    ) -> Shipment:
        named = None if sources is None else [(s.source, s.sku, s.quantity) for s in sources]
        shipment = await fulfilment.ship_order(number, _pairs(lines), named, await info.context.store_config())
        await shipment.fetch_related("lines", "sources__source")
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

    @strawberry.mutation(
        description="Cancels and refunds units that still wait for stock (all of them without `lines`). "
        "Needs the order's email; FORBIDDEN when the store does not allow it."
    )
    async def cancel_backordered_units(
        self,
        info: AppInfo,
        number: OrderNumber,
        email: Annotated[str, strawberry.argument(description="The order's email, compared case-insensitively.")],
        lines: Annotated[
            list[LineInput] | None,
            strawberry.argument(description="SKUs and units to cancel, each at most what still waits; null: all."),
        ] = None,
    ) -> Order:
        config = await info.context.store_config()
        order = await backorders.cancel_backordered_units(number, email, _pairs(lines), config)
        return Order.of(await orders.load_order(order))

    @strawberry.mutation(permission_classes=ADMIN, description="[admin] Creates or updates by code.")
    async def upsert_source(
        self, info: AppInfo, input: Annotated[SourceInput, strawberry.argument(description="The source, by code.")]
    ) -> Source:
        store, today = await info.context.store_config(), info.context.today()
        return Source.of(await sources.upsert_source(changes(input), store, today))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Creates or updates by code; a source or channel already in another stock is a CONFLICT.",
    )
    async def upsert_stock(
        self, info: AppInfo, input: Annotated[StockInput, strawberry.argument(description="The stock, by code.")]
    ) -> Stock:
        store, today = await info.context.store_config(), info.context.today()
        return Stock.of(await sources.upsert_stock(changes(input), store, today))

    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Sets one source item; omitted fields keep their value, "
        "`clearNotifyForQuantityBelow` removes the source-level threshold.",
    )
    async def set_source_item(
        self,
        info: AppInfo,
        sku: Sku,
        source_code: Annotated[str, strawberry.argument(name="source", description="The source of the item.")],
        quantity: Annotated[int | None, strawberry.argument(description="Units on hand there (a stock count).")] = None,
        in_stock: Annotated[bool | None, strawberry.argument(description="The source item's own stock status.")] = None,
        notify_for_quantity_below: Annotated[
            int | None, strawberry.argument(description="Source-level low-stock threshold, 0 or more.")
        ] = None,
        clear_notify_for_quantity_below: Annotated[
            bool | None, strawberry.argument(description="Removes the source-level threshold (then the product's).")
        ] = False,
    ) -> Product:
        view = await stock.set_source_item(
            sku,
            source_code,
            quantity,
            in_stock,
            notify_for_quantity_below,
            bool(clear_notify_for_quantity_below),
            await info.context.store_config(),
            info.context.today(),
        )
        return Product.of(view, info.context.access)

    @strawberry.mutation(
        permission_classes=ADMIN, description="[admin] Moves units between two sources in one transaction."
    )
    async def transfer_stock(
        self,
        info: AppInfo,
        sku: Sku,
        from_source: Annotated[str, strawberry.argument(description="The source the units leave.")],
        to_source: Annotated[str, strawberry.argument(description="Another source, which receives them.")],
        quantity: Annotated[
            int, strawberry.argument(description="Units to move, 1 or more, free in the sending stock.")
        ],
    ) -> Product:
        view = await transfer.transfer_stock(
            sku, from_source, to_source, quantity, await info.context.store_config(), info.context.today()
        )
        return Product.of(view, info.context.access)
