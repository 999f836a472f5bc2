"""tortoise-orm models, one module per aggregate; this package is the ORM app `models`."""

from backstock.models.alerts import StockAlert, StockAlertEmail, StockAlertStatus
from backstock.models.alternatives import ProductAlternative
from backstock.models.catalog import Product, StoreConfig
from backstock.models.counts import CATALOG_SIZE_ID, CatalogSize
from backstock.models.events import Event, EventKind
from backstock.models.inventory import DEFAULT_CODE, Channel, Source, SourceItem, Stock, StockItem, StockSource
from backstock.models.keys import ApiKey, ApiKeyRole
from backstock.models.leases import Lease
from backstock.models.ledger import MovementReason, StockMovement
from backstock.models.orders import Order, OrderLine, Payment, PaymentKind, Shipment, ShipmentLine, ShipmentSource
from backstock.models.outbox import OutboxMessage, OutboxStatus
from backstock.models.purchasing import PurchaseOrder, PurchaseOrderLine, Supplier
from backstock.models.webhooks import DeliveryStatus, Webhook, WebhookDelivery

__all__ = [
    "CATALOG_SIZE_ID",
    "DEFAULT_CODE",
    "ApiKey",
    "ApiKeyRole",
    "CatalogSize",
    "Channel",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "Lease",
    "MovementReason",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "OutboxStatus",
    "Payment",
    "PaymentKind",
    "Product",
    "ProductAlternative",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "Shipment",
    "ShipmentLine",
    "ShipmentSource",
    "Source",
    "SourceItem",
    "Stock",
    "StockAlert",
    "StockAlertEmail",
    "StockAlertStatus",
    "StockItem",
    "StockMovement",
    "StockSource",
    "StoreConfig",
    "Supplier",
    "Webhook",
    "WebhookDelivery",
]
