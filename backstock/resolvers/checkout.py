"""Quote and checkout: every line decided by `rules`, all lines or none, never oversold.

Locking: the order's stock items in its channel's stock are locked (`inventory.lock`) before
their counters are read, then each reservation is a conditional update on the reserved count
that was read; two stocks never share a row, so their checkouts never contend. The
lock makes concurrent checkouts queue instead of collide; the condition makes an oversell
impossible even if a lock were missed (the transaction is then retried on fresh counts).
Backorder caps (DESIGN.md 7.3) are decided under the same lock: the customer's waiting units
are read once it is held, so concurrent checkouts of one customer queue behind each other.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.events import record as events
from backstock.models import (
    DEFAULT_CODE,
    MovementReason,
    Order,
    OrderLine,
    Payment,
    PaymentKind,
    Product,
    StockItem,
    StoreConfig,
    rows,
)
from backstock.notifications import messages
from backstock.notifications.outbox import enqueue
from backstock.resolvers import groups, ledger, preorders, projection, validation
from backstock.resolvers.allocation import settle
from backstock.resolvers.catalog import ProductView, views_in
from backstock.resolvers.errors import BadUserInput, Conflict
from backstock.resolvers.inventory import Locked, lock, reserve, stock_of_channel
from backstock.resolvers.orders import OrderRecord, load_order

Lines = Sequence[tuple[str, int]]
ATTEMPTS = 5
MAX_LINES = 100
MAX_TOTAL = Decimal("999999999999.99")  # the grand_total column: 14 digits, 2 after the point


@dataclass(frozen=True)
class Where:
    """The channel an order comes through and the stock it reserves in."""

    channel: str
    stock_id: int
    today: date


class _Contended(Exception):
    """A reserved count changed between read and write: retry the whole checkout."""


def _merged(lines: Lines) -> list[tuple[str, int]]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise BadUserInput(f"lines: an order needs 1 to {MAX_LINES} lines, got {len(lines)}", field="lines")
    merged = rules.merge_lines(lines)
    for sku, quantity in merged:
        if quantity > rules.MAX_INT:
            raise BadUserInput(
                f"lines: the quantities of SKU {sku!r} add up to {quantity}, past {rules.MAX_INT}, "
                "the largest Int GraphQL carries",
                field="lines",
            )
    return merged


async def quote(
    lines: Lines, store: groups.Terms, channel: str | None = None, email: str | None = None
) -> list[rules.LineDecision]:
    """What checkout would decide for each line now in the channel's stock, for the store's group;
    reserves nothing. The per-customer cap applies only when the customer's `email` is given."""
    merged = _merged(lines)
    stock_id = await stock_of_channel(channel)
    found = await views_in(Product.filter(sku__in=validation.possible_skus(s for s, _ in merged)), store, stock_id)
    views = {v.product.sku: v for v in found}
    waiting = None if email is None else await _waiting(email, stock_id, views.values())
    return [_decide(sku, quantity, views.get(sku), waiting) for sku, quantity in merged]


async def _waiting(email: str, stock_id: int, views: Iterable[ProductView]) -> dict[int, int]:
    """The customer's waiting units per product, read only when a per-customer cap applies to a line."""
    views = list(views)
    if not groups.needs_waiting([v.caps for v in views]):
        return {}
    return await groups.waiting_units(email, stock_id, [v.product.id for v in views])


def _decide(
    sku: str, quantity: int, view: ProductView | None, waiting: dict[int, int] | None, projected: date | None = None
) -> rules.LineDecision:
    """Section 3's decision for the view's group, then the backorder caps (`waiting` None: customer unknown).
    A pre-order's line follows `rules.decide_preorder_line` (`projected`: its projection); caps never apply to it."""
    if view is None:
        return rules.decide_line(sku, quantity, None)
    if view.preorder is not None:
        return view.decide(quantity, projected)
    known = None if waiting is None else waiting.get(view.product.id, 0)
    return rules.decide_capped_line(sku, quantity, view.stock, view.caps, known)


def _fingerprint(lines: Lines) -> str:
    """Same SKUs and quantities in any order (after summing) give the same fingerprint."""
    canonical = json.dumps(sorted(lines))
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_number() -> str:
    """Random, so numbers reveal nothing about sales volume and cannot be walked."""
    return "BS-" + secrets.token_hex(5).upper()


async def checkout(
    lines: Lines,
    email: str,
    name: str | None,
    idempotency_key: str | None,
    config: StoreConfig,
    channel: str | None,
    today: date,
    group: str = rules.GUEST,
) -> OrderRecord | list[rules.LineError]:
    """Places the order in the channel's stock for the customer's group, or returns every refused line
    (nothing is reserved then).

    `today` is the store's calendar date: the confirmation tells each waiting line its expected ship date.
    """
    email = validation.email(email, "customer.email")
    name = validation.name(name, "customer.name") if name is not None else None
    if idempotency_key is not None:
        validation.idempotency_key(idempotency_key)
    merged = _merged(lines)
    stock_id = await stock_of_channel(channel)
    where = Where(channel or DEFAULT_CODE, stock_id, today)
    fingerprint = _fingerprint(merged)
    if idempotency_key is not None and (first := await _replay(idempotency_key, fingerprint, email)) is not None:
        return await load_order(first)
    for _ in range(ATTEMPTS):
        try:
            return await _place(merged, email, name, idempotency_key, fingerprint, config, where, group)
        except _Contended:
            continue
        except IntegrityError:
            if idempotency_key is None or (first := await _replay(idempotency_key, fingerprint, email)) is None:
                raise
            return await load_order(first)
    raise Conflict("checkout: the stock of these products is changing too fast, please retry")


async def _replay(key: str, fingerprint: str, email: str) -> Order | None:
    """The order this key placed, when the retry is the same request by the same customer.

    Another customer's email gets the same answer as other lines: a key must not let
    anyone read someone else's order (its number, email or total).
    """
    order = await Order.get_or_none(idempotency_key=key)
    if order is not None and (
        order.request_fingerprint != fingerprint or order.customer_email.lower() != email.lower()
    ):
        raise Conflict(
            "idempotencyKey: this key was already used for another checkout request; use a new key for a new order",
            field="idempotencyKey",
        )
    return order


async def _place(
    merged: list[tuple[str, int]],
    email: str,
    name: str | None,
    key: str | None,
    fingerprint: str,
    config: StoreConfig,
    where: Where,
    group: str,
) -> OrderRecord | list[rules.LineError]:
    store = replace(groups.terms(config, group), today=where.today)
    async with in_transaction(), events.batched():
        items = {e.item.product.sku: e for e in (await lock(where.stock_id, skus=[s for s, _ in merged])).values()}
        counted = await preorders.preordered(e.item.product for e in items.values())
        views = {
            sku: ProductView(e.item.product, e.counts, store, e.item.stock_id, counted.get(e.item.product_id, 0))
            for sku, e in items.items()
        }
        waiting = await _waiting(email, where.stock_id, views.values())
        projected = await preorders.projected_dates(where.stock_id, views.values(), dict(merged))
        decisions = [
            (_decide(sku, q, view, waiting, projected.get(view.product.id) if view else None), items.get(sku))
            for sku, q in merged
            for view in [views.get(sku)]
        ]
        errors = [d.error for d, _ in decisions if d.error is not None]
        if errors:
            return errors
        for d, entry in decisions:
            if entry is not None:
                settings = rules.effective_settings(store.settings, entry.item.product.overrides())
                level = entry.counts.level
                validation.counters_fit(
                    settings, rules.StockLevel(level.on_hand, level.reserved + d.requested), "lines"
                )
        total = sum((entry.item.product.price * d.requested for d, entry in decisions if entry), Decimal(0))
        if total > MAX_TOTAL:
            raise BadUserInput(
                f"lines: the order total {total} is more than {MAX_TOTAL}, the most one order can hold", field="lines"
            )
        order = await _order(
            {
                "number": order_number(),
                "customer_email": email,
                "customer_name": name,
                "grand_total": total,
                "idempotency_key": key,
                "request_fingerprint": fingerprint,
                "channel": where.channel,
                "stock_id": where.stock_id,
                "customer_group": store.group,
            }
        )
        told = await projection.promised_dates(
            where.stock_id,
            [(e.item.product, d.backordered) for d, e in decisions if e and d.backordered],
            store.settings,
            where.today,
        )
        for view in views.values():
            if view.preorder is not None:
                release = view.preorder.release_date
                told[view.product.id] = rules.preorder_ship_date(release, projected.get(view.product.id))
        written = [
            _line(order, d, e.item, store, told.get(e.item.product_id), views[d.sku].preorder is not None)
            for d, e in decisions
            if e
        ]
        payment: rows.Values = {"order_id": order.id, "kind": PaymentKind.CAPTURE, "amount": total}
        await rows.insert(OrderLine, written)
        await rows.insert(Payment, [payment])
        lines = [rows.made(OrderLine, line) for line in written]
        movements = [
            await _reserve(item, line, config)
            for line, (_, item) in zip(lines, decisions, strict=True)
            if item is not None and line.stock_tracked
        ]
        await ledger.record(movements)
        await enqueue([messages.order_confirmation(order, lines)])
        await events.order_placed(order, lines)
    return OrderRecord(order, lines, [], [rows.made(Payment, payment)])


async def _order(values: rows.Values) -> Order:
    """The order row, its id read back."""
    values["id"] = (await rows.insert(Order, [values], returning=("id",)))[0]["id"]
    return rows.made(Order, values)


def _line(
    order: Order, decision: rules.LineDecision, item: StockItem, store: groups.Terms, told: date | None, preorder: bool
) -> rows.Values:
    product = item.product
    return {
        "order_id": order.id,
        "product_id": product.id,
        "stock_id": item.stock_id,
        "sku": product.sku,
        "name": product.name,
        "price": product.price,
        "ordered": decision.requested,
        "ready": decision.in_stock,
        "backordered": decision.backordered,
        "backorder_message": decision.notice,
        "stock_tracked": rules.effective_settings(store.settings, product.overrides()).manage_stock,
        "told_ship_date": told,
        "is_preorder": preorder,
        "preorder_held": preorder,
    }


async def _reserve(entry: Locked, line: OrderLine, config: StoreConfig) -> ledger.Movement:
    """The conditional update: it only applies to the reserved count the decision was made on."""
    item, before = entry.item, entry.counts
    if not await reserve(item.id, before.reserved, line.ordered):
        raise _Contended
    item.reserved = before.reserved + line.ordered
    entry.counts = replace(before, reserved=item.reserved)
    held = line.ordered if line.preorder_held else 0
    await settle(item, config, before, entry.counts, ready_changed=line.ready, preordered_changed=held)
    return ledger.movement(
        item.product_id, MovementReason.CHECKOUT, reserved=line.ordered, order_id=line.order_id, stock_id=item.stock_id
    )
