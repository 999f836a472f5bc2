"""tortoise-orm models, one module per aggregate; this package is the ORM app `models`."""

from backstock.models.catalog import Product, SourceItem, StoreConfig
from backstock.models.keys import ApiKey, ApiKeyRole
from backstock.models.ledger import MovementReason, StockMovement
from backstock.models.orders import Order, OrderLine, Payment, PaymentKind, Shipment, ShipmentLine
from backstock.models.outbox import OutboxMessage, OutboxStatus

__all__ = [
    "ApiKey",
    "ApiKeyRole",
    "MovementReason",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "OutboxStatus",
    "Payment",
    "PaymentKind",
    "Product",
    "Shipment",
    "ShipmentLine",
    "SourceItem",
    "StockMovement",
    "StoreConfig",
]
