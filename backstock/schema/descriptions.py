"""Descriptions that several types share, and the enums' descriptions.

The eight stock settings appear on four types (store config and product settings, as
output and as input): one table keeps their wording identical. The enums live in `rules`
and `models`, which know nothing of GraphQL, so their descriptions are attached here, when
the schema layer registers them with strawberry.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, TypeVar

import strawberry

from backstock import models, rules

T = TypeVar("T", bound=type)

Sku = Annotated[str, strawberry.argument(description="The product's SKU; an unknown one is NOT_FOUND.")]
OrderNumber = Annotated[str, strawberry.argument(description="The order's number; an unknown one is NOT_FOUND.")]

SETTINGS: dict[str, str] = {
    "manage_stock": "Whether stock is counted at all; false: always salable, nothing is ever backordered.",
    "backorders": "Whether units can be ordered beyond stock on hand, and whether the shopper is told.",
    "out_of_stock_threshold": "Free units (on hand minus reserved) at or below which the product stops selling; "
    "negative with backorders on caps how many units may be backordered.",
    "only_x_left_threshold": "Show onlyXLeft when the salable quantity is at or below this; 0 turns it off.",
    "notify_for_quantity_below": "Free units at or below which the product is low on stock "
    "and the low-stock email goes out.",
    "min_sale_quantity": "The fewest units one order line may ask for (1 or more).",
    "max_sale_quantity": "The most units one order line may ask for (at least minSaleQuantity).",
    "quantity_increments": "Order lines must ask for a multiple of this (1 or more).",
    "backorder_lead_time_days": "Days to add to today for waiting units no purchase order covers (0 or more); "
    "null: unknown.",
    "backorder_customer_groups": "Customer groups that may backorder; null: every group, [] none, "
    '["*"] every group (a product lifts a store-wide list). For the others the product behaves as NO_BACKORDERS.',
    "max_backorder_quantity_per_order": "Units of one order line that may be backordered (0 or more); null: no cap. "
    "A product sends -1 to lift the store's cap.",
    "max_backorder_quantity_per_customer": "Backordered units still waiting across one customer's open orders "
    "for the product in a stock (0 or more); null: no cap. A product sends -1 to lift the store's cap.",
}


def described(descriptions: dict[str, str]) -> Callable[[T], T]:
    """Sets the description of each named field (by Python name) of a strawberry type that has none.

    Used for the stock settings only, so that four types read them from one table.
    """

    def apply(cls: T) -> T:
        fields = {field.python_name: field for field in cls.__strawberry_definition__.fields}  # type: ignore[attr-defined]
        for name, text in descriptions.items():
            if name in fields and fields[name].description is None:
                fields[name].description = text
        return cls

    return apply


def describe_enum(cls: type[Enum], description: str, values: dict[str, str]) -> None:
    """Registers an enum of an inner layer with strawberry, described down to each value.

    A type annotation met earlier may have registered it already (strawberry keeps one
    definition per class): that definition is then the one described.
    """
    if not hasattr(cls, "__strawberry_definition__"):
        strawberry.enum(cls)
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    definition.description = description
    for value in definition.values:
        value.description = values[value.name]


describe_enum(
    rules.BackorderMode,
    "Whether units can be ordered beyond stock on hand (Magento's backorder modes).",
    {
        "NO_BACKORDERS": "Only units in stock can be ordered.",
        "ALLOW_QTY_BELOW_ZERO": "Backorders allowed, silently: the shopper sees IN_STOCK and no notice.",
        "ALLOW_QTY_BELOW_ZERO_AND_NOTIFY": "Backorders allowed, and the shopper sees BACKORDER and the notice "
        "of how many units will be backordered.",
    },
)
describe_enum(
    rules.StockStatus,
    "What a shopper can do with a product right now.",
    {
        "IN_STOCK": "Orderable, ships from stock on hand.",
        "BACKORDER": "Orderable, ships when restocked. Shown only in ALLOW_QTY_BELOW_ZERO_AND_NOTIFY mode; "
        "in silent mode such a product reads IN_STOCK.",
        "PRE_ORDER": "Orderable before its release date (Product.preorder); every unit ordered waits for the release.",
        "OUT_OF_STOCK": "Not orderable.",
    },
)
describe_enum(
    rules.LineErrorCode,
    "Why a quote or checkout line is refused; the rules are checked in this order and the first failure wins.",
    {
        "INVALID_QUANTITY": "The quantity is below 1.",
        "UNKNOWN_SKU": "No product has this SKU.",
        "OUT_OF_STOCK": "The product cannot be sold now: flagged out of stock, or nothing left to sell.",
        "BELOW_MIN_SALE_QUANTITY": "Fewer units than the product's minSaleQuantity.",
        "ABOVE_MAX_SALE_QUANTITY": "More units than the product's maxSaleQuantity.",
        "NOT_A_QUANTITY_INCREMENT": "Not a multiple of the product's quantityIncrements.",
        "NOT_ENOUGH_STOCK": "More units than are left; the message says how many can be ordered.",
        "BACKORDER_LIMIT_EXCEEDED": "More backordered units than a backorder cap leaves room for; "
        "the message says how many more may be backordered.",
    },
)
describe_enum(
    rules.OrderStatus,
    "Where an order is in its life.",
    {
        "PROCESSING": "Some units are still to ship (ready or backordered).",
        "COMPLETE": "Every unit is shipped or cancelled, and at least one was shipped.",
        "CANCELED": "Every unit was cancelled.",
    },
)
describe_enum(
    rules.PaymentStatus,
    "The money of an order: captured in full at checkout, refunded as units are cancelled.",
    {
        "CAPTURED": "The grand total is captured and nothing refunded.",
        "PARTIALLY_REFUNDED": "Part of the grand total was refunded for cancelled units.",
        "REFUNDED": "The whole grand total was refunded.",
    },
)
describe_enum(
    models.MovementReason,
    "Why units on hand or reserved changed, in the stock ledger.",
    {
        "INITIAL_STOCK": "The quantity a product was created with.",
        "STOCK_COUNT": "A stock count set the units on hand (setStockQuantity).",
        "ADJUSTMENT": "A restock or a shrinkage (adjustStock).",
        "CHECKOUT": "An order reserved units.",
        "SHIPMENT": "Units shipped: on hand and reserved fell together.",
        "CANCELLATION": "Cancelled units stopped being reserved.",
        "TRANSFER": "Units moved between two sources (transferStock).",
    },
)
describe_enum(
    models.ApiKeyRole,
    "What an API key may do.",
    {
        "ADMIN": "Everything, as the bootstrap BACKSTOCK_ADMIN_TOKEN.",
        "STOREFRONT": "What anyone may do, plus asserting a shopper's customer group; [admin] fields are FORBIDDEN.",
    },
)
describe_enum(
    models.OutboxStatus,
    "Where an email is in its delivery.",
    {
        "PENDING": "Waiting to be sent, or to be retried after a failure (see nextAttemptAt).",
        "SENT": "Accepted by the SMTP server; never sent again.",
        "FAILED": "Refused for good by the SMTP server; retryOutboxMessage sends it again.",
        "DISCARDED": "An admin chose never to send it (discardOutboxMessage).",
    },
)
