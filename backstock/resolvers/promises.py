"""Promised dates and their notices (DESIGN.md 7.1 "Promises and delays").

After a change that moves a stock's projections, each waiting line's new date is compared with
the date its customer was last told (`rules.order_notices`): one "backorder delayed" or
"expected date" email per order, written through the outbox in the change's transaction, and
the dates those emails state become the told dates.

A change of stock that can move a projection later runs in `transaction()` instead of a bare
`in_transaction()`: every change of a product's counters in a stock passes `allocation.settle`,
which notes it here (`changed`), and at the end of the outermost such transaction each stock's
noted products are told once, so a bulk of rows or a source with many products sends one email
per order, not one per row. A purchase order's move tells its products at once (`tell_changes`),
a lead-time setting every product it moves (`retell`). Checkout and fulfilment run outside it:
they never move anyone's date later, and checkout's hot path stays free of projections. The
stock items of the told products are locked by then (the change locked them, or `retell` does),
so two changes cannot tell the same line twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date

from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import Order, OrderLine, Product
from backstock.notifications import messages
from backstock.notifications.outbox import enqueue
from backstock.resolvers import projection
from backstock.resolvers.inventory import lock


@dataclass
class _Changes:
    """What one transaction changed: product ids by stock id, and lines pushed back from ready to waiting."""

    products: dict[int, set[int]] = field(default_factory=dict)
    pushed_back: set[int] = field(default_factory=set)

    def copy(self) -> _Changes:
        return _Changes({stock: set(ids) for stock, ids in self.products.items()}, set(self.pushed_back))

    def restore(self, kept: _Changes) -> None:
        self.products, self.pushed_back = kept.products, kept.pushed_back


LEAD_TIME = "backorder_lead_time_days"
"""The one setting whose change moves projected dates (of units no purchase order covers): see `retell`."""

_pending: ContextVar[_Changes | None] = ContextVar("backstock_promise_changes", default=None)


def changed(stock_id: int, product_ids: Iterable[int], pushed_back: Iterable[int] = ()) -> None:
    """Notes products whose projections in the stock may have moved; outside `transaction()` a no-op."""
    changes = _pending.get()
    if changes is None:
        return
    changes.products.setdefault(stock_id, set()).update(product_ids)
    changes.pushed_back.update(pushed_back)


@asynccontextmanager
async def transaction(store: rules.StockSettings, today: date) -> AsyncIterator[None]:
    """`in_transaction()` that tells every moved promise once, before it commits; `store` are the store's
    default settings.

    Nested (a bulk row inside its batch) it is a savepoint whose notes are dropped with it when it
    fails, and the outermost one tells.
    """
    outer = _pending.get()
    if outer is not None:
        kept = outer.copy()
        try:
            async with in_transaction():
                yield
        except BaseException:
            outer.restore(kept)
            raise
        return
    changes = _Changes()
    token = _pending.set(changes)
    try:
        async with in_transaction():
            yield
            for stock_id in sorted(changes.products):
                ids = sorted(changes.products[stock_id])
                await tell_changes(stock_id, ids, store, today, changes.pushed_back)
    finally:
        _pending.reset(token)


async def retell(product_ids: Sequence[int] | None, store: rules.StockSettings, today: date) -> None:
    """After a setting that moves dates (backorderLeadTimeDays of these products, or of the store: None),
    in its transaction: under the lock of the stock items of their waiting lines, stock by stock,
    tells each moved promise."""
    query = OrderLine.filter(backordered__gt=0, stock_tracked=True, stock_id__not_isnull=True)
    if product_ids is not None:
        query = query.filter(product_id__in=list(product_ids))
    waiting: dict[int, set[int]] = {}
    for stock_id, product_id in await query.distinct().values_list("stock_id", "product_id"):
        waiting.setdefault(stock_id, set()).add(product_id)
    for stock_id in sorted(waiting):
        ids = sorted(waiting[stock_id])
        await lock(stock_id, ids=ids)
        await tell_changes(stock_id, ids, store, today)


async def tell_changes(
    stock_id: int,
    product_ids: Sequence[int],
    store: rules.StockSettings,
    on: date,
    pushed_back: AbstractSet[int] = frozenset(),
) -> None:
    """Tells the waiting lines of these products in the stock what moved; `pushed_back` lines count as told today."""
    products = {p.id: p for p in await Product.filter(id__in=list(product_ids))}
    holding = {p.id for p in products.values() if p.preorder_release_date is not None}
    inputs = await projection.load(stock_id, product_ids, holding)
    line_ids = [w.line_id for found in inputs.values() for w in found.waiting]
    if not line_ids:
        return
    rows = {row.id: row for row in await OrderLine.filter(id__in=line_ids)}
    projected: dict[int, rules.ProjectedLine] = {}
    told: list[rules.ToldLine] = []
    for product_id, found in inputs.items():
        settings = rules.effective_settings(store, products[product_id].overrides())
        projected |= found.project(on, settings.backorder_lead_time_days).by_line()
        silent = not rules.shopper_sees_dates(settings)
        release = products[product_id].preorder_release_date
        for w in found.waiting:
            row = rows[w.line_id]
            held = row.preorder_held and release is not None
            if held and release is not None:  # a held line's date is never before its release, in every mode
                current = projected[row.id]
                projected[row.id] = replace(
                    current, expected_ship_date=rules.preorder_ship_date(release, current.expected_ship_date)
                )
            told.append(
                rules.ToldLine(
                    row.order_id, row.id, row.told_ship_date, row.id in pushed_back, silent=silent and not held
                )
            )
    notices = rules.order_notices(told, projected)
    if not notices:
        return
    orders = {o.id: o for o in await Order.filter(id__in=[n.order_id for n in notices])}
    for notice in notices:
        for line in notice.lines:
            await OrderLine.filter(id=line.line_id).update(told_ship_date=line.expected_ship_date)
    await enqueue(
        [
            messages.date_notice(
                orders[n.order_id],
                [(rows[line.line_id], line.expected_ship_date) for line in n.lines],
                n.kind is rules.DateChange.DELAYED,
            )
            for n in notices
        ]
    )
