"""Products: read them with their computed stock fields, list them, create and edit them."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from tortoise.connection import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.functions import Count
from tortoise.queryset import QuerySet, ValuesQuery
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import (
    CATALOG_SIZE_ID,
    DEFAULT_CODE,
    CatalogSize,
    Channel,
    MovementReason,
    Product,
    Source,
    SourceItem,
    Stock,
    StockItem,
)
from backstock.resolvers import ledger, promises, restate, suppliers, validation
from backstock.resolvers.errors import BadUserInput, Conflict, unknown_sku
from backstock.resolvers.groups import Terms, checked_caps, group_view
from backstock.resolvers.inventory import Counts, stock_of_channel
from backstock.resolvers.preordered import preorder_of
from backstock.resolvers.product_filter import ProductCriteria
from backstock.resolvers.product_rows import OwnSettings, ProductRow, StoredProduct, page_rows, product_rows


@dataclass(frozen=True)
class ProductView:
    """A product with its counters in one stock and the store defaults in force: what every field is read from.

    `settings` are the product's own (what admins read); every shopper-facing field reads
    `group_settings`, the same settings as the request's customer group must see them.

    The derived fields are worked out once, on construction: a listing reads every one of them for
    every product on its page, and `functools.cached_property` cost a lock and a descriptor call on
    each first read (Python 3.11), 4% of a listing's time.
    """

    product: StoredProduct
    counts: Counts
    store: Terms
    stock_id: int
    preordered: int = 0  # units pre-ordered so far (all stocks) while the product holds a pre-order
    known_view: InitVar[rules.GroupView | None] = None  # `group_view(store, product)`, when the caller has it
    preorder: rules.Preorder | None = field(init=False)  # while its release date is ahead of the store's today
    settings: rules.StockSettings = field(init=False)
    caps: rules.CapSettings = field(init=False)
    may_backorder: bool = field(init=False)
    group_settings: rules.StockSettings = field(init=False)
    level: rules.StockLevel = field(init=False)
    availability: rules.Availability = field(init=False)

    def __post_init__(self, known_view: rules.GroupView | None) -> None:
        level, today = self.counts.level, self.store.today
        stored = preorder_of(self.product, self.preordered)
        preorder = stored if rules.is_preorder_active(stored, today) else None
        view = group_view(self.store, self.product) if known_view is None else known_view
        available = rules.preorder_availability(view.group_settings, level, preorder, today, view.may_backorder)
        # A frozen dataclass's own fields, set in one step where `object.__setattr__` took one call each.
        self.__dict__.update(
            preorder=preorder,
            settings=view.settings,
            caps=view.caps,
            may_backorder=view.may_backorder,
            group_settings=view.group_settings,
            level=level,
            availability=available,
        )

    @property
    def is_low_stock(self) -> bool:
        """False where the stock has no item of the product: nothing there can run low."""
        return self.availability.is_low_stock and self.counts.held is not None

    @property
    def stock(self) -> rules.ProductStock:
        return rules.ProductStock(self.product.sku, self.product.name, self.group_settings, self.level)

    def decide(self, quantity: int, projected: date | None = None) -> rules.LineDecision:
        """Section 3's decision for a line of `quantity` units in the view's group, or the pre-order's
        while one is active (`projected`: the line's projection; unknown gives the release date)."""
        if self.preorder is None:
            return rules.decide_line(self.product.sku, quantity, self.stock)
        return rules.decide_preorder_line(
            self.product.sku,
            quantity,
            self.stock,
            self.preorder,
            self.store.today,
            group_may_backorder=self.may_backorder,
            projected=projected,
        )


@dataclass(frozen=True)
class Page:
    """`total_count` is None when it was not asked for (not counted)."""

    views: list[ProductView]
    has_next_page: bool
    total_count: int | None


def views_of(rows: Iterable[ProductRow], store: Terms, stock_id: int) -> list[ProductView]:
    """The group's view of the product's settings is worked out once per `OwnSettings`: a page's rows that
    store the same settings share one (`product_rows.page_rows`)."""
    known: dict[OwnSettings, rules.GroupView] = {}
    views: list[ProductView] = []
    for row in rows:
        view = known.get(row.own)
        if view is None:
            view = known[row.own] = group_view(store, row)
        views.append(ProductView(row, row.counts, store, stock_id, row.preordered, view))
    return views


async def views_in(query: QuerySet[Product], store: Terms, stock_id: int) -> list[ProductView]:
    """The products of `query` (filtered, ordered and limited) as views in the stock: one statement."""
    return views_of(await product_rows(query, stock_id), store, stock_id)


async def find_product(sku: str, store: Terms, channel: str | None = None) -> ProductView | None:
    stock_id = await stock_of_channel(channel)
    if not validation.fits(Product, "sku", sku):
        return None
    return next(iter(await views_in(Product.filter(sku=sku), store, stock_id)), None)


async def get_product(sku: str, store: Terms, channel: str | None = None) -> ProductView:
    view = await find_product(sku, store, channel)
    if view is None:
        raise unknown_sku(sku)
    return view


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def encode_cursor(product_id: int) -> str:
    """`base64.urlsafe_b64encode`'s own two steps, without its two Python frames (a listing encodes 100)."""
    return binascii.b2a_base64(f"product:{product_id}".encode(), newline=False).translate(_URL_SAFE).decode()


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
    store: Terms,
    first: int,
    after: str | None,
    criteria: ProductCriteria,
    channel: str | None = None,
    *,
    count: bool = True,
) -> Page:
    """One page in creation order, plus the total when `count` asks for it: two queries whatever the
    page size (the count also resolves the channel, so a listing costs no more queries in a channel),
    one without the count in the default channel (whose stock each process remembers). The unfiltered
    page, the most asked, is read by a statement built once (`page_rows`); a filtered one by tortoise.

    A stockStatus or isLowStock filter is decided by `rules` in Python, so it reads every candidate row:
    fine for catalogs in the tens of thousands, and the same rules as every other answer.
    """
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}, got {first}", field="first")
    query = criteria.query()
    if criteria.by_rules:
        return await _list_by_rules(query, store, first, after, criteria, await stock_of_channel(channel))
    total: int | None = None
    if count:
        total, stock_id = await _count_in_channel(None if criteria.whole_catalog else query, channel)
    else:
        stock_id = await stock_of_channel(channel)
    cursor = None if after is None else decode_cursor(after)
    if criteria.whole_catalog:
        rows = await page_rows(stock_id, cursor, first + 1)
    else:
        query = query if cursor is None else query.filter(id__gt=cursor)
        rows = await product_rows(query.order_by("id").limit(first + 1), stock_id)
    views = views_of(rows, store, stock_id)
    return Page(views[:first], len(views) > first, total)


def counted(query: QuerySet[Product] | None, channel: str) -> ValuesQuery[Literal[False]]:
    """The total and the channel's stock in one query: an uncorrelated subquery beside the count.

    The whole catalog (`query` None) is counted by the database's triggers (`CatalogSize`): a
    COUNT(*) of 100,000 products was a 9 ms sequential scan per page on PostgreSQL. A SKU filter's
    few rows are counted.
    """
    stock = Subquery(Channel.filter(code=channel).values("stock_id"))
    if query is None:
        size = CatalogSize.filter(id=CATALOG_SIZE_ID).annotate(channel_stock=stock)
        return size.values(total="products", channel_stock="channel_stock")
    return query.annotate(total=Count("id"), channel_stock=stock).group_by().values("total", "channel_stock")


async def _count_in_channel(query: QuerySet[Product] | None, channel: str | None) -> tuple[int, int]:
    """The whole catalog's count (every unfiltered listing asks it) is sent as built once (`_catalog_count`)."""
    code = DEFAULT_CODE if channel is None else channel
    if query is None:
        connection = connections.get("default")
        dialect = connection.capabilities.dialect
        _, rows = await connection.execute_query(_catalog_count(dialect), [code, CATALOG_SIZE_ID])
        found = [(row[0], row[1]) for row in rows]
    else:
        found = [(row["total"], row["channel_stock"]) for row in await counted(query, code)]
    if not found or found[0][1] is None:
        raise BadUserInput(f"channel: no sales channel {code!r}", field="channel")
    return int(found[0][0]), int(found[0][1])


@functools.cache
def _catalog_count(dialect: str) -> str:
    """`counted`'s statement for the whole catalog, the channel's code and the count row's id as parameters
    (in that order): tortoise built it anew per listing (pypika, a subquery, 4% of a listing's CPU). Built
    for the database in use; the dialect keys the cache."""
    return counted(None, DEFAULT_CODE).sql()


async def _list_by_rules(
    query: QuerySet[Product],
    store: Terms,
    first: int,
    after: str | None,
    criteria: ProductCriteria,
    stock_id: int,
) -> Page:
    matching = [v for v in await views_in(query.order_by("id"), store, stock_id) if criteria.keeps(v)]
    start = 0
    if after is not None:
        after_id = decode_cursor(after)
        start = next((i for i, v in enumerate(matching) if v.product.id > after_id), len(matching))
    page = matching[start : start + first]
    return Page(page, start + first < len(matching), len(matching))


def _checked_overrides(product: Product, changes: dict[str, Any], store: Terms) -> rules.StockSettings:
    """Applies and validates the changes; returns the product's effective settings."""
    for name, value in changes.items():
        setattr(product, name, value)
    overrides = product.overrides()
    effective = rules.effective_settings(store.settings, overrides)
    validation.stock_settings(overrides, effective)
    checked_caps(product.cap_overrides(), product_level=True)
    return effective


async def create_product(data: dict[str, Any], store: Terms) -> ProductView:
    sku = validation.sku(data["sku"])
    quantity = validation.not_negative(data.get("quantity") or 0, "quantity")
    product = Product(
        sku=sku,
        name=validation.name(data["name"]),
        price=validation.price(data["price"]),
    )
    product.supplier = await suppliers.find_supplier(data.get("supplier"))
    in_stock = True if data.get("in_stock") is None else data["in_stock"]
    settings = _checked_overrides(product, data.get("stock_settings") or {}, store)
    validation.counters_fit(settings, rules.StockLevel(quantity, 0), "quantity")
    try:
        async with in_transaction():
            await product.save()
            source = await Source.get(code=DEFAULT_CODE)
            await SourceItem.create(product=product, source=source, quantity=quantity, in_stock=in_stock)
            stock_ids = await Stock.all().values_list("id", flat=True)
            await StockItem.bulk_create([StockItem(stock_id=s, product_id=product.id) for s in stock_ids])
            if quantity:
                initial = ledger.movement(
                    product.id, MovementReason.INITIAL_STOCK, on_hand=quantity, source_id=source.id
                )
                await ledger.record([initial])
    except IntegrityError as exc:
        raise Conflict(f"sku: a product with SKU {sku!r} already exists", field="sku") from exc
    return await get_product(sku, store)


async def update_product(
    sku: str,
    name: str | None,
    price: Decimal | None,
    store: Terms,
    supplier: str | suppliers.Keep | None = suppliers.KEEP,
) -> ProductView:
    product = await Product.get(id=(await get_product(sku, store)).product.id)
    if name is not None:
        product.name = validation.name(name)
    if price is not None:
        product.price = validation.price(price)
    if supplier is not suppliers.KEEP:
        product.supplier = await suppliers.find_supplier(supplier)
    await product.save(update_fields=["name", "price", "supplier_id", "updated_at"])
    return await get_product(sku, store)


async def update_stock_settings(sku: str, changes: dict[str, Any], store: Terms, today: date) -> ProductView:
    """Omitted fields stay, None means "follow the store default again"."""
    current = await get_product(sku, store)
    product = await Product.get(id=current.product.id)
    settings = _checked_overrides(product, changes, store)
    validation.counters_fit(settings, current.level, "outOfStockThreshold")
    async with in_transaction():
        await product.save(update_fields=[*changes, "updated_at"])
        guest = replace(store, group=rules.GUEST)
        await restate.settings_changed(product.id, sku, group_view(guest, current.product), group_view(guest, product))
        if promises.LEAD_TIME in changes:
            await promises.retell([product.id], store.settings, today)
    return await get_product(sku, store)
