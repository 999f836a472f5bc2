"""Back-in-stock alerts (DESIGN.md 7.2): subscribing, unsubscribing by token, and counting them.

Both limits are the database's decisions, so they hold under concurrent requests: one active
alert per (product, email) is the unique `active_key`, at most MAX_ACTIVE per email is a
conditional update of that email's counter. The emails go out when the product turns salable,
from `notifications.alerts.became_salable`.
"""

from __future__ import annotations

import secrets

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from backstock.models import StockAlert, StockAlertEmail, StockAlertStatus
from backstock.notifications.messages import alert_confirmation
from backstock.notifications.outbox import enqueue
from backstock.resolvers import validation
from backstock.resolvers.catalog import get_product
from backstock.resolvers.config import load_store_config
from backstock.resolvers.errors import BadUserInput, unknown_sku
from backstock.resolvers.groups import terms
from backstock.resolvers.inventory import lock, stock_of_channel

MAX_ACTIVE = 20
TOKEN_BYTES = 32


def _active_key(product_id: int, email: str) -> str:
    return f"{product_id}:{email.lower()}"


async def subscribe(sku: str, email: str) -> StockAlert:
    """The new alert, or the active one this email already has for the product (no second email).

    The product's stock item in the `default` channel's stock is locked while its salability is
    read, so a restock either commits first (the subscription is refused: it can be ordered) or
    waits for this alert and then notifies it.
    """
    email = validation.email(email, "email")
    key = _active_key(0, email)
    try:
        async with in_transaction():
            locked = await lock(await stock_of_channel(None), skus=[sku])
            if not locked:
                raise unknown_sku(sku)
            entry = next(iter(locked.values()))
            product = entry.item.product
            key = _active_key(product.id, email)
            existing = await StockAlert.get_or_none(active_key=key)
            if existing is not None:
                return existing
            # The view reads as shoppers see it, a pre-order under its cap included.
            if (await get_product(sku, terms(await load_store_config()))).availability.is_salable:
                raise BadUserInput(f"sku: {sku!r} can be ordered now; alerts are for products that cannot", field="sku")
            await _take_room(email)
            alert = await StockAlert.create(
                product=product, email=email, active_key=key, token=secrets.token_urlsafe(TOKEN_BYTES)
            )
            await enqueue([alert_confirmation(alert, product.sku, product.name)])
            return alert
    except IntegrityError:
        # A concurrent subscription of the same product and email won the unique key: return its alert.
        winner = await StockAlert.get_or_none(active_key=key)
        if winner is None:
            raise
        return winner


async def _take_room(email: str) -> None:
    counter = email.lower()
    await StockAlertEmail.bulk_create([StockAlertEmail(email=counter)], ignore_conflicts=True)
    if not await StockAlertEmail.filter(email=counter, active__lt=MAX_ACTIVE).update(active=F("active") + 1):
        raise BadUserInput(
            f"email: {email} already has {MAX_ACTIVE} active stock alerts, the most one email may hold; "
            "unsubscribe from one first",
            field="email",
        )


async def unsubscribe(token: str) -> bool:
    """True for a token of an alert (again true when repeated), false for an unknown token.
    Each step is a conditional update on the status, so concurrent calls free the email's room once."""
    if not validation.fits(StockAlert, "token", token):
        return False
    async with in_transaction():
        alert = await StockAlert.get_or_none(token=token)
        if alert is None:
            return False
        active = StockAlert.filter(id=alert.id, status=StockAlertStatus.ACTIVE)
        if await active.update(status=StockAlertStatus.UNSUBSCRIBED, active_key=None):
            await StockAlertEmail.filter(email=alert.email.lower()).update(active=F("active") - 1)
        else:
            await StockAlert.filter(id=alert.id).update(status=StockAlertStatus.UNSUBSCRIBED)
    return True


async def active_counts(product_ids: list[int]) -> list[int]:
    """Active alerts of each product, in one query."""
    rows = (
        await StockAlert.filter(product_id__in=product_ids, status=StockAlertStatus.ACTIVE)
        .annotate(n=Count("id"))
        .group_by("product_id")
        .values_list("product_id", "n")
    )
    found = {int(product_id): int(n) for product_id, n in rows}
    return [found.get(product_id, 0) for product_id in product_ids]
