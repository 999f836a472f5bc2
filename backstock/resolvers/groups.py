"""Customer groups and backorder caps (DESIGN.md 7.3): who a request reads stock for, the store
defaults in force for it, and the waiting units the per-customer cap counts.

The rules are in `rules.caps`; this module only gathers their inputs.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.functions import Sum

from backstock import rules
from backstock.models import OrderLine, StoreConfig
from backstock.resolvers import clock, validation
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.keys import Access
from backstock.resolvers.product_rows import StoredProduct

MAX_GROUPS = 100


@dataclass(frozen=True)
class Terms:
    """The store defaults in force (section 3 and 7.3 settings), the group a product is read for, and
    the store's today (a pre-order is one only before its release date)."""

    settings: rules.StockSettings
    caps: rules.CapSettings
    group: str = rules.GUEST
    today: date = field(default_factory=clock.today)


def terms(config: StoreConfig, group: str = rules.GUEST) -> Terms:
    return Terms(config.stock_settings(), config.cap_settings(), group)


def group_view(store: Terms, product: StoredProduct) -> rules.GroupView:
    """`rules.group_view` of a product under the store's terms, for the terms' group."""
    own = tuple(product.overrides().items())
    return _remembered_view(store.settings, store.caps, own, product.cap_overrides(), store.group)


@functools.lru_cache(maxsize=4096)
def _remembered_view(
    store: rules.StockSettings,
    store_caps: rules.CapSettings,
    own: tuple[tuple[str, Any], ...],
    own_caps: rules.CapSettings,
    group: str,
) -> rules.GroupView:
    """`rules.group_view` is pure, so it is remembered per store settings, product overrides and group:
    a page's products share a handful of override combinations, and worked out per product,
    `effective_settings`' `dataclasses.replace` and the caps were 7% of a listing's profiled time."""
    return rules.group_view(store, store_caps, dict(own), own_caps, group)


def asserted_group(access: Access, code: str | None, field: str) -> str:
    """The request's group. Naming one, GUEST included, needs a STOREFRONT or ADMIN key, checked
    before the code's format: without a key nothing about groups is answered."""
    if code is None:
        return rules.customer_group(None)
    access.require_storefront()
    if not rules.is_group_code(code):
        raise BadUserInput(f"{field} must be 1 to 32 of A-Z, 0-9 and _, got {code!r}", field=field)
    return rules.customer_group(code)


def asserted_email(access: Access, email: str | None, field: str) -> str | None:
    """A quote's customer email tells how many units that customer has waiting: a key's business only."""
    if email is None:
        return None
    access.require_storefront()
    return validation.email(email, field)


def checked_caps(level: rules.CapSettings, *, product_level: bool) -> None:
    """Raises the first violated 7.3 setting rule as BAD_USER_INPUT naming the field."""
    groups = level.backorder_customer_groups
    if groups is not None and len(groups) > MAX_GROUPS:
        raise BadUserInput(
            f"backorderCustomerGroups may hold at most {MAX_GROUPS} groups, got {len(groups)}",
            field="backorderCustomerGroups",
        )
    for violation in rules.validate_caps(level, product_level=product_level):
        raise BadUserInput(violation.message, field=violation.field)


async def waiting_units(email: str, stock_id: int, product_ids: Collection[int]) -> dict[int, int]:
    """Units still waiting for stock on the customer's orders (email in any case), per product, in one stock.

    Called under the stock items' lock by checkout, so no other checkout of these products can add
    waiting units before this one commits. Pre-ordered units (DESIGN.md 7.2) never count, before or
    after release.
    """
    if not product_ids:
        return {}
    rows = (
        await OrderLine.filter(
            stock_id=stock_id,
            product_id__in=list(product_ids),
            backordered__gt=0,
            order__customer_email__iexact=email,
            is_preorder=False,
        )
        .annotate(waiting=Sum("backordered"))
        .group_by("product_id")
        .values("product_id", "waiting")
    )
    return {int(row["product_id"]): int(row["waiting"]) for row in rows}


def needs_waiting(caps: Collection[rules.CapSettings]) -> bool:
    """Whether a per-customer cap applies to any line: only then are waiting units read."""
    return any(c.max_backorder_quantity_per_customer is not None for c in caps)
