"""Products: read them with their computed stock fields, list them, create and edit them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import MovementReason, Product, SourceItem
from backstock.resolvers import ledger, validation
from backstock.resolvers.errors import BadUserInput, Conflict, unknown_sku


@dataclass(frozen=True)
class ProductView:
    """A product with its stock counters and the store defaults in force: what every field is read from."""

    product: Product
    on_hand: int
    store: rules.StockSettings

    @cached_property
    def settings(self) -> rules.StockSettings:
        return rules.effective_settings(self.store, self.product.overrides())

    @cached_property
    def level(self) -> rules.StockLevel:
        return rules.StockLevel(self.on_hand, self.product.reserved, self.product.in_stock)

    @cached_property
    def availability(self) -> rules.Availability:
        return rules.availability(self.settings, self.level)

    @property
    def stock(self) -> rules.ProductStock:
        return rules.ProductStock(self.product.sku, self.product.name, self.settings, self.level)


@dataclass(frozen=True)
class Page:
    views: list[ProductView]
    has_next_page: bool
    total_count: int


# A correlated subquery, not a JOIN with GROUP BY: the database then sums stock only for the
# page it returns (2.6 ms against 99 ms for a page of a 100,000-product catalog on SQLite).
ON_HAND = RawSQL(
    '(SELECT COALESCE(SUM("source_item"."quantity"), 0) FROM "source_item" '
    'WHERE "source_item"."product_id" = "product"."id")'
)
READ_FIELDS = ("id", "sku", "name", "price", "in_stock", "reserved", "low_stock_alerted", *rules.SETTING_FIELDS)


def with_on_hand(query: QuerySet[Product]) -> QuerySet[Product]:
    """Adds `on_hand`, the units held over all sources, and reads only what views need (read-only rows)."""
    return query.annotate(on_hand=ON_HAND).only(*READ_FIELDS)


def views_of(products: Iterable[Product], store: rules.StockSettings) -> list[ProductView]:
    return [ProductView(p, int(p.on_hand), store) for p in products]  # type: ignore[attr-defined]


async def find_product(sku: str, store: rules.StockSettings) -> ProductView | None:
    if not validation.fits(Product, "sku", sku):
        return None
    products = await with_on_hand(Product.filter(sku=sku))
    return next(iter(views_of(products, store)), None)


async def get_product(sku: str, store: rules.StockSettings) -> ProductView:
    view = await find_product(sku, store)
    if view is None:
        raise unknown_sku(sku)
    return view


def encode_cursor(product_id: int) -> str:
    return base64.urlsafe_b64encode(f"product:{product_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "product" and value.isascii() and value.isdigit() and int(value) <= rules.MAX_INT:
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadUserInput("after: not a cursor this API returned (use a cursor or endCursor of a page)", field="after")


MAX_PAGE = 100
DEFAULT_PAGE = 20


async def list_products(
    store: rules.StockSettings,
    first: int,
    after: str | None,
    skus: list[str] | None,
    status: rules.StockStatus | None,
) -> Page:
    """One page in creation order, plus the total: two queries whatever the page size.

    A stockStatus filter is decided by `rules` in Python, so it reads every candidate row:
    fine for catalogs in the tens of thousands, and the same rules as every other answer.
    """
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}, got {first}", field="first")
    query = Product.all() if skus is None else Product.filter(sku__in=validation.filter_skus(skus))
    if status is not None:
        return await _list_by_status(query, store, first, after, status)
    total = await query.count()
    if after is not None:
        query = query.filter(id__gt=decode_cursor(after))
    rows = await with_on_hand(query).order_by("id").limit(first + 1)
    return Page(views_of(rows[:first], store), len(rows) > first, total)


async def _list_by_status(
    query: QuerySet[Product],
    store: rules.StockSettings,
    first: int,
    after: str | None,
    status: rules.StockStatus,
) -> Page:
    matching = [
        v for v in views_of(await with_on_hand(query).order_by("id"), store) if v.availability.stock_status is status
    ]
    start = 0
    if after is not None:
        after_id = decode_cursor(after)
        start = next((i for i, v in enumerate(matching) if v.product.id > after_id), len(matching))
    page = matching[start : start + first]
    return Page(page, start + first < len(matching), len(matching))


def _checked_overrides(product: Product, changes: dict[str, Any], store: rules.StockSettings) -> rules.StockSettings:
    """Applies and validates the changes; returns the product's effective settings."""
    for field, value in changes.items():
        setattr(product, field, value)
    overrides = product.overrides()
    effective = rules.effective_settings(store, overrides)
    validation.stock_settings(overrides, effective)
    return effective


async def create_product(data: dict[str, Any], store: rules.StockSettings) -> ProductView:
    sku = validation.sku(data["sku"])
    quantity = validation.not_negative(data.get("quantity") or 0, "quantity")
    product = Product(
        sku=sku,
        name=validation.name(data["name"]),
        price=validation.price(data["price"]),
        in_stock=True if data.get("in_stock") is None else data["in_stock"],
    )
    settings = _checked_overrides(product, data.get("stock_settings") or {}, store)
    validation.counters_fit(settings, rules.StockLevel(quantity, 0), "quantity")
    try:
        async with in_transaction():
            await product.save()
            await SourceItem.create(product=product, quantity=quantity)
            if quantity:
                await ledger.record([ledger.movement(product.id, MovementReason.INITIAL_STOCK, on_hand=quantity)])
    except IntegrityError as exc:
        raise Conflict(f"sku: a product with SKU {sku!r} already exists", field="sku") from exc
    return await get_product(sku, store)


async def update_product(sku: str, name: str | None, price: Decimal | None, store: rules.StockSettings) -> ProductView:
    product = await Product.get(id=(await get_product(sku, store)).product.id)
    if name is not None:
        product.name = validation.name(name)
    if price is not None:
        product.price = validation.price(price)
    await product.save(update_fields=["name", "price", "updated_at"])
    return await get_product(sku, store)


async def update_stock_settings(sku: str, changes: dict[str, Any], store: rules.StockSettings) -> ProductView:
    """Omitted fields stay, None means "follow the store default again"."""
    current = await get_product(sku, store)
    product = await Product.get(id=current.product.id)
    settings = _checked_overrides(product, changes, store)
    validation.counters_fit(settings, current.level, "outOfStockThreshold")
    await product.save(update_fields=[*changes, "updated_at"])
    return await get_product(sku, store)
