"""The contract's enums, exposed from the Python enums the rules and models already use."""

import strawberry

from backstock import rules

BackorderMode = strawberry.enum(rules.BackorderMode)
StockStatus = strawberry.enum(rules.StockStatus, description="What a shopper can do with a product right now.")
LineErrorCode = strawberry.enum(rules.LineErrorCode)
OrderStatus = strawberry.enum(rules.OrderStatus)
PaymentStatus = strawberry.enum(rules.PaymentStatus)
