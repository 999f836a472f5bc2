"""Quote and checkout: every line decided by `rules`, all lines or none, never oversold.

Locking: the order's products are locked (`stock.lock`) before their counters are read,
then each reservation is a conditional update on the reserved count that was read. The
lock makes concurrent checkouts queue instead of collide; the condition makes an oversell
impossible even if a lock were missed (the transaction is then retried on fresh counts).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.events import record as events
from backstock.models import (
    MovementReason,
    Order,
    OrderLine,
    Payment,
    PaymentKind,
    Product,
    SourceItem,
    StockMovement,
    StoreConfig,
)
from backstock.notifications import messages
from backstock.notifications.outbox import enqueue
from backstock.resolvers import ledger, validation
from backstock.resolvers.allocation import settle
from backstock.resolvers.catalog import ProductView, views_of, with_on_hand
from backstock.resolvers.errors import BadUserInput, Conflict
from backstock.resolvers.orders import OrderRecord, load_order
from backstock.resolvers.stock import level_of, lock

Lines = Sequence[tuple[str, int]]
ATTEMPTS = 5
MAX_LINES = 100


class _Contended(Exception):
    """A reserved count changed between read and write: retry the whole checkout."""


def _merged(lines: Lines) -> list[tuple[str, int]]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise BadUserInput(f"lines: an order needs 1 to {MAX_LINES} lines, got {len(lines)}", field="lines")
    return rules.merge_lines(lines)


async def quote(lines: Lines, store: rules.StockSettings) -> list[rules.LineDecision]:
    """What checkout would decide for each line now; reserves nothing."""
    merged = _merged(lines)
    views = {
        v.product.sku: v for v in views_of(await with_on_hand(Product.filter(sku__in=[s for s, _ in merged])), store)
    }
    return [rules.decide_line(sku, quantity, _stock(views.get(sku))) for sku, quantity in merged]


def _stock(view: ProductView | None) -> rules.ProductStock | None:
    return view.stock if view is not None else None


def _fingerprint(lines: Lines) -> str:
    """Same SKUs and quantities in any order (after summing) give the same fingerprint."""
    canonical = json.dumps(sorted(lines))
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_number() -> str:
    """Random, so numbers reveal nothing about sales volume and cannot be walked."""
    return "BS-" + secrets.token_hex(5).upper()


async def checkout(
    lines: Lines, email: str, name: str | None, idempotency_key: str | None, config: StoreConfig
) -> OrderRecord | list[rules.LineError]:
    """Places the order, or returns every refused line (nothing is reserved then)."""
    email = validation.email(email, "customer.email")
    name = validation.name(name, "customer.name") if name is not None else None
    merged = _merged(lines)
    fingerprint = _fingerprint(merged)
    if idempotency_key is not None and (first := await _replay(idempotency_key, fingerprint)) is not None:
        return await load_order(first)
    for _ in range(ATTEMPTS):
        try:
            return await _place(merged, email, name, idempotency_key, fingerprint, config)
        except _Contended:
            continue
        except IntegrityError:
            if idempotency_key is None or (first := await _replay(idempotency_key, fingerprint)) is None:
                raise
            return await load_order(first)
    raise Conflict("checkout: the stock of these products is changing too fast, please retry")


async def _replay(key: str, fingerprint: str) -> Order | None:
    order = await Order.get_or_none(idempotency_key=key)
    if order is not None and order.request_fingerprint != fingerprint:
        raise Conflict(
            f"idempotencyKey: {key!r} was already used for an order with other lines", field="idempotencyKey"
        )
    return order


async def _place(
    merged: list[tuple[str, int]],
    email: str,
    name: str | None,
    key: str | None,
    fingerprint: str,
    config: StoreConfig,
) -> OrderRecord | list[rules.LineError]:
    store = config.stock_settings()
    async with in_transaction():
        items = {item.product.sku: item for item in (await lock(skus=[s for s, _ in merged])).values()}
        decisions = [
            (rules.decide_line(sku, q, _stock(_view(items.get(sku), store))), items.get(sku)) for sku, q in merged
        ]
        errors = [d.error for d, _ in decisions if d.error is not None]
        if errors:
            return errors
        total = sum((item.product.price * d.requested for d, item in decisions if item), Decimal(0))
        order = await Order.create(
            number=order_number(),
            customer_email=email,
            customer_name=name,
            grand_total=total,
            idempotency_key=key,
            request_fingerprint=fingerprint,
        )
        lines = [_line(order, d, item, store) for d, item in decisions if item]
        await OrderLine.bulk_create(lines)
        payment = await Payment.create(order=order, kind=PaymentKind.CAPTURE, amount=total)
        movements = [
            await _reserve(item, line, config)
            for line, (_, item) in zip(lines, decisions, strict=True)
            if item is not None and line.stock_tracked
        ]
        await ledger.record(movements)
        await enqueue([messages.order_confirmation(order, lines)])
        await events.order_placed(order, lines)
    return OrderRecord(order, lines, [], [payment])


def _view(item: SourceItem | None, store: rules.StockSettings) -> ProductView | None:
    return ProductView(item.product, item.quantity, store) if item is not None else None


def _line(order: Order, decision: rules.LineDecision, item: SourceItem, store: rules.StockSettings) -> OrderLine:
    product = item.product
    return OrderLine(
        order=order,
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        price=product.price,
        ordered=decision.requested,
        ready=decision.in_stock,
        backordered=decision.backordered,
        backorder_message=decision.notice,
        stock_tracked=rules.effective_settings(store, product.overrides()).manage_stock,
    )


async def _reserve(item: SourceItem, line: OrderLine, config: StoreConfig) -> StockMovement:
    """The conditional update: it only applies to the reserved count the decision was made on."""
    product, seen = item.product, item.product.reserved
    if not await Product.filter(id=product.id, reserved=seen).update(reserved=F("reserved") + line.ordered):
        raise _Contended
    before = level_of(item)
    product.reserved = seen + line.ordered
    await settle(product, config, before, level_of(item), ready_changed=line.ready)
    return ledger.movement(product.id, MovementReason.CHECKOUT, reserved=line.ordered, order_id=line.order_id)
