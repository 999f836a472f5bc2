"""The per-request context: who is asking, and the store config loaded at most once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import cached_property

from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from backstock import rules
from backstock.models import SourceItem, StoreConfig
from backstock.resolvers.config import load_store_config
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


@dataclass
class Context:
    request: Request
    response: Response | None
    settings: Settings
    store_loader: DataLoader[None, StoreConfig] = field(default_factory=lambda: DataLoader(load_fn=_load_store))
    source_items_loader: DataLoader[int, list[SourceItem]] = field(
        default_factory=lambda: DataLoader(load_fn=_load_source_items)
    )

    @cached_property
    def is_admin(self) -> bool:
        """Constant-time compare of the bearer token; no token configured means no admin at all."""
        configured = self.settings.admin_token
        header = self.request.headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        if configured is None or scheme.lower() != "bearer" or not presented:
            return False
        return secrets.compare_digest(presented.strip().encode(), configured.get_secret_value().encode())

    async def store_config(self) -> StoreConfig:
        return await self.store_loader.load(None)

    async def store(self) -> rules.StockSettings:
        return (await self.store_config()).stock_settings()
