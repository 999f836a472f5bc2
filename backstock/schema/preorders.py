"""`setPreorder` (DESIGN.md 7.2), mixed into Mutation."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from backstock import rules
from backstock.resolvers import preorders
from backstock.schema.catalog import Product
from backstock.schema.context import Context
from backstock.schema.permissions import ADMIN
from backstock.schema.preorder_types import PreorderInput


@strawberry.type
class PreorderMutation:
    @strawberry.mutation(
        permission_classes=ADMIN,
        description="[admin] Sets the product's pre-order; null ends the pre-order. Ending it (or a release date "
        "today or earlier) puts its waiting units in the queue and allocates what stock allows at once.",
    )
    async def set_preorder(
        self,
        info: Info[Context, None],
        sku: Annotated[str, strawberry.argument(description="The product's SKU.")],
        input: Annotated[
            PreorderInput | None, strawberry.argument(description="The pre-order; null ends the product's pre-order.")
        ] = None,
    ) -> Product:
        wanted = None if input is None else rules.Preorder(input.release_date, input.max_quantity, input.message)
        view = await preorders.set_preorder(sku, wanted, await info.context.store(), await info.context.store_config())
        return Product.of(view, info.context.access)
