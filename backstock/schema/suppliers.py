"""The Supplier type and input (DESIGN.md 7.4), shared by products and purchase orders."""

from __future__ import annotations

import strawberry

from backstock import models


@strawberry.type(description="Who a purchase order is placed with.")
class Supplier:
    code: str = strawberry.field(description="1 to 32 of A-Z, 0-9, _ and -.")
    name: str = strawberry.field(description="The supplier's name.")
    email: str | None = strawberry.field(description="Where purchase orders go; null: none is sent.")
    lead_time_days: int | None = strawberry.field(description="Days from order to delivery; null: unknown.")

    @classmethod
    def of(cls, row: models.Supplier) -> Supplier:
        return cls(code=row.code, name=row.name, email=row.email, lead_time_days=row.lead_time_days)


@strawberry.input(description="A supplier, created or replaced by code.")
class SupplierInput:
    code: str = strawberry.field(description="1 to 32 of A-Z, 0-9, _ and -.")
    name: str = strawberry.field(description="1 to 255 printable characters.")
    email: str | None = strawberry.field(default=None, description="A valid address; null: none.")
    lead_time_days: int | None = strawberry.field(default=None, description="0 or more; null: unknown.")
