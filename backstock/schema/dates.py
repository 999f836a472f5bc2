"""Expected dates on products (DESIGN.md 7.1): `Availability`, and the resolvers Product's date fields call."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from backstock import models, rules
from backstock.resolvers import clock, projection
from backstock.resolvers.catalog import ProductView
from backstock.schema.context import Context


@strawberry.type(description="What an order of a given size would get now.")
class Availability:
    in_stock_quantity: int = strawberry.field(description="Units that would ship from stock now.")
    backordered_quantity: int = strawberry.field(
        description="Units that would wait for stock (backordered or pre-ordered)."
    )
    expected_ship_date: date | None = strawberry.field(
        description="When the last waiting unit is expected to ship; null when nothing waits or the date is unknown."
    )
    message: str | None = strawberry.field(
        description="The notice the shopper must see (backorder or pre-order), or null."
    )


async def _inputs(info: Info[Context, None], view: ProductView) -> projection.Inputs:
    return await info.context.projection_loader.load(
        (view.stock_id, view.product.id, view.product.preorder_release_date is not None)
    )


def _today(info: Info[Context, None]) -> date:
    return clock.today()


async def next_restock_date(info: Info[Context, None], view: ProductView) -> date | None:
    return rules.next_restock_date((await _inputs(info, view)).incoming, _today(info))


async def incoming_quantity(info: Info[Context, None], view: ProductView) -> int:
    return rules.incoming_quantity((await _inputs(info, view)).incoming)


async def availability(info: Info[Context, None], view: ProductView, quantity: int) -> Availability:
    """A new request is projected after every unit that already waits; shoppers in silent mode see no date."""
    projected = (await _inputs(info, view)).project(_today(info), view.settings.backorder_lead_time_days)
    decision = view.decide(quantity)
    got = rules.request_availability(projected, decision)
    when = rules.visible_date(got.expected_ship_date, view.settings, info.context.is_admin)
    if view.preorder is not None and decision.error is None:  # a pre-order's date shows in every mode
        when = rules.preorder_ship_date(view.preorder.release_date, got.expected_ship_date)
    return Availability(
        in_stock_quantity=got.in_stock,
        backordered_quantity=got.backordered,
        expected_ship_date=when,
        message=got.message,
    )


async def order_line_date(info: Info[Context, None], line: models.OrderLine) -> date | None:
    if not line.backordered or line.stock_id is None:
        return None
    product = await info.context.products_loader.load(line.product_id)
    holds = product.preorder_release_date is not None
    inputs = await info.context.projection_loader.load((line.stock_id, line.product_id, holds))
    store = await info.context.store()
    return await projection.order_line_date(line, product, store.settings, inputs, _today(info), info.context.is_admin)


async def quote_dates(
    info: Info[Context, None], decisions: list[rules.LineDecision], channel: str | None
) -> list[date | None]:
    store = await info.context.store()
    return await projection.quote_dates(decisions, store.settings, channel, _today(info), info.context.is_admin)
