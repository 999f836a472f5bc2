"""What `rules.projection` needs, read for a whole page of products in one stock (DESIGN.md 7.1).

Two queries per stock whatever the page size: the open purchase order lines still due at the
stock's sources, and the waiting order lines in the stock, oldest order first (the order
allocation hands units out in). A purchase order's units count only for its source's stock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.expressions import F, Subquery

from backstock import rules
from backstock.models import OrderLine, Product, PurchaseOrderLine, StockItem, StockSource
from backstock.resolvers import validation
from backstock.resolvers.inventory import counters, stock_of_channel


def today(timezone: str) -> date:
    """The store's calendar date (BACKSTOCK_TIMEZONE): the rules take it as an argument."""
    return datetime.now(ZoneInfo(timezone)).date()


@dataclass
class Inputs:
    """One product's incoming units and waiting lines in one stock."""

    incoming: list[rules.Incoming] = field(default_factory=list)
    waiting: list[rules.WaitingLine] = field(default_factory=list)
    # Waiting line ids by (order id, product id): checkout's own answer holds lines written by
    # bulk_create, which reads no ids back; an order has one line per product.
    line_ids: dict[tuple[int, int], int] = field(default_factory=dict)
    # Units on hand a pre-order holds back (DESIGN.md 7.2): on release day they cover its waiting units
    # before any purchase order does, so they come first in its projection. Not in `incoming`,
    # which tells of purchase orders (incomingQuantity, nextRestockDate).
    held_on_hand: int = 0

    def project(self, on: date, lead_time_days: int | None) -> rules.Projection:
        held = self.held_on_hand
        on_hand = [rules.Incoming("", on, held, rules.PurchaseOrderStatus.OPEN)] if held > 0 else []
        return rules.project(self.waiting, [*on_hand, *self.incoming], on, lead_time_days)


async def load(stock_id: int, product_ids: Sequence[int], preorders: Collection[int] = ()) -> dict[int, Inputs]:
    """`preorders`: the products holding a pre-order, whose units on hand are read too (one query more,
    none when there is no such product)."""
    inputs = {product_id: Inputs() for product_id in product_ids}
    sources = Subquery(StockSource.filter(stock_id=stock_id).values("source_id"))
    due = await PurchaseOrderLine.filter(
        product_id__in=list(product_ids),
        purchase_order__status=rules.PurchaseOrderStatus.OPEN,
        purchase_order__source_id__in=sources,
        quantity_received__lt=F("quantity_ordered"),
    ).values(
        "product_id", "quantity_ordered", "quantity_received", "purchase_order__number", "purchase_order__expected_date"
    )
    for row in due:
        inputs[row["product_id"]].incoming.append(
            rules.Incoming(
                row["purchase_order__number"],
                row["purchase_order__expected_date"],
                row["quantity_ordered"] - row["quantity_received"],
                rules.PurchaseOrderStatus.OPEN,
            )
        )
    waiting = (
        await OrderLine.filter(
            product_id__in=list(product_ids), stock_id=stock_id, backordered__gt=0, stock_tracked=True
        )
        .order_by("order_id", "id")
        .values("id", "order_id", "product_id", "backordered", "preorder_held")
    )
    held: dict[int, int] = {}
    for row in waiting:
        found = inputs[row["product_id"]]
        found.waiting.append(rules.WaitingLine(row["id"], row["backordered"]))
        found.line_ids[row["order_id"], row["product_id"]] = row["id"]
        if row["preorder_held"]:
            held[row["product_id"]] = held.get(row["product_id"], 0) + row["backordered"]
    if wanted := [product_id for product_id in product_ids if product_id in preorders]:
        items = (
            await StockItem.filter(stock_id=stock_id, product_id__in=wanted)
            .annotate(**counters('"stock_item"."product_id"', '"stock_item"."stock_id"'))
            .values("product_id", "reserved", "on_hand")
        )
        for row in items:
            level = rules.StockLevel(int(row["on_hand"]), int(row["reserved"]))
            held_back = rules.held_ready_target(level, held.get(row["product_id"], 0))
            inputs[row["product_id"]].held_on_hand = level.on_hand - held_back
    return inputs


async def load_keys(keys: list[tuple[int, int, bool]]) -> list[Inputs]:
    """A DataLoader's batch: keys are (stock id, product id, whether it holds a pre-order); a listing
    has one stock, so two queries (three with a pre-order among them)."""
    by_stock: dict[int, list[int]] = {}
    preorders = {product_id for _, product_id, holds in keys if holds}
    for stock_id, product_id, _ in keys:
        by_stock.setdefault(stock_id, []).append(product_id)
    found = {stock_id: await load(stock_id, ids, preorders) for stock_id, ids in by_stock.items()}
    return [found[stock_id][product_id] for stock_id, product_id, _ in keys]


async def quote_dates(
    decisions: Sequence[rules.LineDecision], store: rules.StockSettings, channel: str | None, on: date, admin: bool
) -> list[date | None]:
    """QuoteLine.expectedShipDate: each line projected after every unit already waiting, as checkout would place it."""
    stock_id = await stock_of_channel(channel)
    skus = validation.possible_skus(d.sku for d in decisions)
    products = {p.sku: p for p in await Product.filter(sku__in=skus)} if skus else {}
    holding = {p.id for p in products.values() if p.preorder_release_date is not None}
    inputs = await load(stock_id, [p.id for p in products.values()], holding)
    dates: list[date | None] = []
    for decision in decisions:
        product = products.get(decision.sku)
        if product is None:
            dates.append(None)
            continue
        settings = rules.effective_settings(store, product.overrides())
        projected = inputs[product.id].project(on, settings.backorder_lead_time_days)
        when = rules.request_availability(projected, decision).expected_ship_date
        preorder = None if product.preorder_release_date is None else rules.Preorder(product.preorder_release_date)
        if rules.is_preorder_active(preorder, on) and preorder is not None and decision.error is None:
            dates.append(rules.preorder_ship_date(preorder.release_date, when))  # shown in every backorder mode
            continue
        dates.append(rules.visible_date(when, settings, admin))
    return dates


async def order_line_date(
    line: OrderLine, product: Product, store: rules.StockSettings, inputs: Inputs, on: date, admin: bool
) -> date | None:
    """OrderLine.expectedShipDate: the line's place in its stock's projection; null when nothing waits."""
    if not line.backordered:
        return None
    settings = rules.effective_settings(store, product.overrides())
    line_id = line.id if line.id is not None else inputs.line_ids.get((line.order_id, line.product_id))
    projected = inputs.project(on, settings.backorder_lead_time_days).by_line().get(line_id) if line_id else None
    when = None if projected is None else projected.expected_ship_date
    if line.preorder_held and product.preorder_release_date is not None:
        return rules.preorder_ship_date(product.preorder_release_date, when)  # shown in every backorder mode
    return rules.visible_date(when, settings, admin)


async def promised_dates(
    stock_id: int, waiting: Sequence[tuple[Product, int]], store: rules.StockSettings, on: date
) -> dict[int, date | None]:
    """Checkout: the date the confirmation tells each new waiting line (its told date), by product id.

    Read under checkout's lock, before the new lines exist: each is projected after every unit
    already waiting, the same date its line then projects to. Nothing waits: no query.
    """
    if not waiting:
        return {}
    inputs = await load(stock_id, [product.id for product, _ in waiting])
    dates: dict[int, date | None] = {}
    for product, units in waiting:
        lead_time = rules.effective_settings(store, product.overrides()).backorder_lead_time_days
        dates[product.id] = rules.request_ship_date(inputs[product.id].project(on, lead_time), units)
    return dates
