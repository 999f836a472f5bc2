"""Promised dates and their notices (DESIGN.md 7.1 "Promises and delays").

After a change that moves a stock's projections, each waiting line's new date is compared with
the date its customer was last told (`rules.order_notices`): one "backorder delayed" or
"expected date" email per order, written through the outbox in the change's transaction, and
the dates those emails state become the told dates. Callers hold the stock items' locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from backstock import rules
from backstock.models import Order, OrderLine, Product
from backstock.notifications import messages
from backstock.notifications.outbox import enqueue
from backstock.resolvers import projection


async def tell_changes(stock_id: int, product_ids: Sequence[int], store: rules.StockSettings, on: date) -> None:
    inputs = await projection.load(stock_id, product_ids)
    line_ids = [w.line_id for found in inputs.values() for w in found.waiting]
    if not line_ids:
        return
    products = {p.id: p for p in await Product.filter(id__in=list(product_ids))}
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
            told.append(rules.ToldLine(row.order_id, row.id, row.told_ship_date, silent=silent and not held))
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
