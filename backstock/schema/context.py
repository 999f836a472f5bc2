"""The per-request context: who is asking (decided once), and the store config loaded at most once.

A WebSocket connection gets one context for all its operations (strawberry builds it once per
connection), so its `request` is the WebSocket and its access is decided at connection time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from starlette.requests import HTTPConnection
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from backstock.models import Product, SourceItem, StoreConfig, Supplier
from backstock.resolvers import alerts, alternatives, clock, projection
from backstock.resolvers.catalog import ProductView
from backstock.resolvers.config import load_store_config
from backstock.resolvers.groups import Terms, asserted_group, terms
from backstock.resolvers.keys import ANONYMOUS, Access
from backstock.settings import Settings
from backstock.web.bearer import identify


async def _load_store(keys: list[None]) -> list[StoreConfig]:
    config = await load_store_config()
    return [config for _ in keys]


async def _load_source_items(product_ids: list[int]) -> list[list[SourceItem]]:
    """Every listed product's source items in one query."""
    rows = await SourceItem.filter(product_id__in=product_ids).select_related("source").order_by("source_id")
    by_product: dict[int, list[SourceItem]] = {product_id: [] for product_id in product_ids}
    for row in rows:
        by_product[row.product_id].append(row)
    return [by_product[product_id] for product_id in product_ids]


async def _load_suppliers(ids: list[int]) -> list[Supplier | None]:
    """Every listed product's supplier in one query."""
    found = {row.id: row for row in await Supplier.filter(id__in=ids)}
    return [found.get(supplier_id) for supplier_id in ids]


async def _load_products(ids: list[int]) -> list[Product]:
    """The products of the order lines a response shows, in one query (for their settings)."""
    found = {row.id: row for row in await Product.filter(id__in=ids)}
    return [found[product_id] for product_id in ids]


@dataclass
class Context:
    """`access` is decided before any field runs, so permission checks on every field of every row
    are plain reads: a listing of 100 products costs one key lookup, not one per field."""

    request: HTTPConnection
    response: Response | None
    settings: Settings
    access: Access = ANONYMOUS
    store_loader: DataLoader[None, StoreConfig] = field(default_factory=lambda: DataLoader(load_fn=_load_store))
    source_items_loader: DataLoader[int, list[SourceItem]] = field(
        default_factory=lambda: DataLoader(load_fn=_load_source_items)
    )
    suppliers_loader: DataLoader[int, Supplier | None] = field(
        default_factory=lambda: DataLoader(load_fn=_load_suppliers)
    )
    products_loader: DataLoader[int, Product] = field(default_factory=lambda: DataLoader(load_fn=_load_products))
    projection_loader: DataLoader[tuple[int, int, bool], projection.Inputs] = field(
        default_factory=lambda: DataLoader(load_fn=projection.load_keys)
    )
    alternatives_loader: DataLoader[alternatives.Shelf, list[ProductView]] = field(
        default_factory=lambda: DataLoader(load_fn=alternatives.load)
    )
    alert_counts_loader: DataLoader[int, int] = field(default_factory=lambda: DataLoader(load_fn=alerts.active_counts))

    @classmethod
    async def for_request(cls, request: HTTPConnection, response: Response | None, settings: Settings) -> Context:
        return cls(request=request, response=response, settings=settings, access=await identify(request, settings))

    @property
    def is_admin(self) -> bool:
        return self.access.is_admin

    def today(self) -> date:
        """The store's calendar date (BACKSTOCK_TIMEZONE), which resolvers take as an argument."""
        return clock.today()

    async def store_config(self) -> StoreConfig:
        return await self.store_loader.load(None)

    async def store(self, group: str | None = None, field: str = "customerGroup") -> Terms:
        """The store defaults in force for the asserted customer group (GUEST when none is named)."""
        asserted = asserted_group(self.access, group, field)
        return terms(await self.store_config(), asserted)
