"""The per-request context: who is asking (decided once), and the store config loaded at most once.

A WebSocket connection gets one context for all its operations (strawberry builds it once per
connection), so its `request` is the WebSocket and its access is decided at connection time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from backstock import rules
from backstock.models import ApiKeyRole, SourceItem, StoreConfig
from backstock.resolvers.config import load_store_config
from backstock.resolvers.keys import ANONYMOUS, Access, authenticate
from backstock.settings import Settings


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


async def identify(connection: HTTPConnection, settings: Settings) -> Access:
    """The bootstrap admin token is compared first, in constant time, without touching the database;
    any other bearer secret costs one indexed read. No token configured means no bootstrap admin."""
    scheme, _, presented = connection.headers.get("authorization", "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        return ANONYMOUS
    configured = settings.admin_token
    if configured is not None and secrets.compare_digest(presented.encode(), configured.get_secret_value().encode()):
        return Access(ApiKeyRole.ADMIN)
    return await authenticate(presented)


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

    @classmethod
    async def for_request(cls, request: HTTPConnection, response: Response | None, settings: Settings) -> Context:
        return cls(request=request, response=response, settings=settings, access=await identify(request, settings))

    @property
    def is_admin(self) -> bool:
        return self.access.is_admin

    async def store_config(self) -> StoreConfig:
        return await self.store_loader.load(None)

    async def store(self) -> rules.StockSettings:
        return (await self.store_config()).stock_settings()
