"""Pre-orders (DESIGN.md 7.2): set or end one, release it, and what checkout needs to sell one.

The rules are in `rules.preorders`; this module gathers their inputs and writes their outcome.
A pre-order lives on its product row; its order lines are flagged `is_preorder` for good and
`preorder_held` until the release, which hands their units to the normal queue.

Locking: a release locks the product's stock items (with the product row, as `inventory.lock`
does) before it writes the product row, like checkout. Checkout then takes (PostgreSQL) a
transaction advisory lock per pre-order product, so checkouts through different stocks count the
product-wide cap one at a time; SQLite runs each transaction alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from tortoise.connection import connections
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import OrderLine, Product, StockItem, StoreConfig
from backstock.resolvers import projection
from backstock.resolvers.allocation import Shown, preorder_changed
from backstock.resolvers.catalog import ProductView, get_product
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.groups import Terms
from backstock.resolvers.inventory import Locked, lock
from backstock.resolvers.preordered import preorder_of, preordered_units

ADVISORY_NAMESPACE = 7202  # the first key of pg_advisory_xact_lock(int, int): pre-order caps


def checked(preorder: rules.Preorder) -> None:
    for violation in rules.validate_preorder(preorder):
        raise BadUserInput(violation.message, field=violation.field)


async def set_preorder(sku: str, preorder: rules.Preorder | None, store: Terms, config: StoreConfig) -> ProductView:
    """Saves the pre-order; None, or a release date today or earlier, releases it at once (one transaction).

    What shoppers see changes in every stock of the product (PRE_ORDER, the cap's remainder): its stock
    events, and the back-in-stock alerts when it turns salable, are written in the same transaction.
    """
    if preorder is not None:
        checked(preorder)
    product_id = (await get_product(sku, store)).product.id
    async with in_transaction():
        if rules.is_preorder_active(preorder, store.today) and preorder is not None:
            locked = await _lock_everywhere(product_id)
            await Product.filter(id=product_id).update(
                preorder_release_date=preorder.release_date,
                preorder_max_quantity=preorder.max_quantity,
                preorder_message=preorder.message,
            )
            count = await preordered_units(product_id)
            now = Shown(replace(preorder, preordered_quantity=count), store.today)
            for entry in locked.values():
                await preorder_changed(entry, config, Shown(preorder_of(entry.item.product, count), store.today), now)
        else:
            await release(product_id, config, store.today)
    return await get_product(sku, store)


async def release(product_id: int, config: StoreConfig, today: date) -> None:
    """Ends the product's pre-order: its held units join the queue (they keep their place, oldest
    order first) and what stock allows is allocated, with the stock events of every stock of the
    product (from the pre-order as last shown, the day before its release at the latest, to the
    normal rules). Call inside the caller's transaction.

    The stock items are locked before the product row is written: checkout's lock takes both in
    that order, so a release and a checkout queue instead of deadlocking.
    """
    locked = await _lock_everywhere(product_id)
    count = await preordered_units(product_id)
    await Product.filter(id=product_id).update(
        preorder_release_date=None, preorder_max_quantity=None, preorder_message=None
    )
    # A stock added meanwhile (its item created after the first look) is locked now too.
    locked |= await _lock_everywhere(product_id, without=locked.keys())
    # Stock not managed: nothing is counted, so every unit is ready the moment the pre-order ends.
    await OrderLine.filter(product_id=product_id, preorder_held=True, stock_tracked=False).update(
        ready=F("ready") + F("backordered"), backordered=0, preorder_held=False
    )
    for entry in locked.values():
        stored = preorder_of(entry.item.product, count)
        shown = today if stored is None else min(today, stored.release_date - timedelta(days=1))
        held_lines = OrderLine.filter(stock_id=entry.item.stock_id, product_id=product_id, preorder_held=True)
        held = await _units(held_lines, "backordered")
        await held_lines.update(preorder_held=False)
        level = entry.counts.level
        units = rules.ready_target(level) - rules.held_ready_target(level, held)
        await preorder_changed(entry, config, Shown(stored, shown), Shown(None, today), units)


async def release_due(config: StoreConfig, today: date) -> int:
    """Releases every pre-order whose release date has come, each in its own transaction; returns how many
    (one an admin ended meanwhile is skipped)."""
    due = await Product.filter(preorder_release_date__lte=today).values("id")
    count = 0
    for product_id in (int(row["id"]) for row in due):
        async with in_transaction():
            if await Product.filter(id=product_id, preorder_release_date__lte=today).exists():
                await release(product_id, config, today)
                count += 1
    return count


async def _lock_everywhere(product_id: int, without: Iterable[int] = ()) -> dict[int, Locked]:
    """The product's stock items in every stock (but `without`), locked stock by stock, keyed by stock id."""
    skip = set(without)
    rows = await StockItem.filter(product_id=product_id).order_by("stock_id").values("stock_id")
    locked: dict[int, Locked] = {}
    for stock_id in (int(row["stock_id"]) for row in rows if int(row["stock_id"]) not in skip):
        if entry := (await lock(stock_id, ids=[product_id])).get(product_id):
            locked[stock_id] = entry
    return locked


async def preordered(products: Iterable[Product]) -> dict[int, int]:
    """Units pre-ordered so far (all stocks) per product holding a pre-order; under checkout's lock.

    On PostgreSQL a transaction advisory lock per product (in id order) makes checkouts through
    other stocks wait, so the product-wide cap is counted by one checkout at a time.
    """
    ids = sorted(p.id for p in products if p.preorder_release_date is not None)
    connection = connections.get("default")
    counts: dict[int, int] = {}
    for product_id in ids:
        if connection.capabilities.dialect == "postgres":
            await connection.execute_query("SELECT pg_advisory_xact_lock($1, $2)", [ADVISORY_NAMESPACE, product_id])
        counts[product_id] = await preordered_units(product_id)
    return counts


async def projected_dates(
    stock_id: int, views: Iterable[ProductView], quantities: dict[str, int]
) -> dict[int, date | None]:
    """Each pre-order line's projection (before the rule takes the later of it and the release date),
    by product id: after every unit already waiting, units on hand the pre-order holds back first."""
    active = [v for v in views if v.preorder is not None]
    if not active:
        return {}
    ids = [v.product.id for v in active]
    inputs = await projection.load(stock_id, ids, ids)
    return {
        v.product.id: rules.request_ship_date(
            inputs[v.product.id].project(v.store.today, v.settings.backorder_lead_time_days),
            quantities.get(v.product.sku, 0),
        )
        for v in active
    }


async def _units(lines: QuerySet[OrderLine], column: str) -> int:
    rows = await lines.annotate(units=Sum(column)).group_by().values("units")
    return int(rows[0]["units"] or 0) if rows else 0
