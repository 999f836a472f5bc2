"""The `Preorder` type and `PreorderInput` (DESIGN.md 7.2), apart from `setPreorder` so `Product` can use them."""

from __future__ import annotations

from datetime import date

import strawberry

from backstock import rules
from backstock.resolvers.catalog import ProductView
from backstock.schema.permissions import ADMIN


@strawberry.type(description="Orders taken before a release date: every unit waits until the release.")
class Preorder:
    release_date: date = strawberry.field(
        description="From this date (the store's time zone) the product follows the normal rules."
    )
    max_quantity: int | None = strawberry.field(description="Cap on pre-ordered units; null: no cap.")
    preordered_quantity: int | None = strawberry.field(
        permission_classes=ADMIN,
        description="[admin] Units pre-ordered so far (ordered before release, not cancelled).",
    )
    message: str | None = strawberry.field(
        description="The merchant's line notice, shown instead of `Pre-order: ships from <date>.`; null: that notice."
    )

    @classmethod
    def of(cls, view: ProductView) -> Preorder | None:
        found = view.preorder
        if found is None:
            return None
        return cls(
            release_date=found.release_date,
            max_quantity=found.max_quantity,
            preordered_quantity=found.preordered_quantity,
            message=found.message,
        )


@strawberry.input(description="A pre-order to set on a product (it replaces the one it has).")
class PreorderInput:
    release_date: date = strawberry.field(
        description="The release date; today or earlier releases at once (the product has no pre-order then)."
    )
    max_quantity: int | None = strawberry.field(
        default=None, description="Cap on pre-ordered units, 1 or more; null: no cap."
    )
    message: str | None = strawberry.field(
        default=None,
        description=f"The line notice instead of `Pre-order: ships from <date>.`, 1 to "
        f"{rules.PREORDER_MESSAGE_MAX_LENGTH} printable characters.",
    )
