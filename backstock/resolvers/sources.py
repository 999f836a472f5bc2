"""Managing sources and stocks: create or update by code, under the rules of DESIGN.md 7.6.

A change that moves units in or out of a stock's count (a source enabled or disabled, a source
added to or removed from a stock) locks the stock items of the products held there first, then
re-evaluates them like a stock count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from tortoise.expressions import Q

from backstock.models import (
    DEFAULT_CODE,
    Channel,
    OrderLine,
    Product,
    Source,
    SourceItem,
    Stock,
    StockItem,
    StockSource,
    StoreConfig,
)
from backstock.resolvers import promises, validation
from backstock.resolvers.allocation import rebalance
from backstock.resolvers.errors import BadUserInput, Conflict
from backstock.resolvers.inventory import lock, stock_of_source


@dataclass(frozen=True)
class StockRecord:
    """A stock with its sources in priority order and its channel codes."""

    stock: Stock
    sources: list[Source]
    channels: list[str]


async def list_sources() -> list[Source]:
    return await Source.all().order_by("id")


async def list_stocks() -> list[StockRecord]:
    stocks = await Stock.all().order_by("id").prefetch_related("source_links__source", "channels")
    return [_record(stock) for stock in stocks]


def _record(stock: Stock) -> StockRecord:
    links = sorted(stock.source_links, key=lambda link: link.priority)
    return StockRecord(stock, [link.source for link in links], sorted(c.code for c in stock.channels))


async def _in_stock(
    stock_id: int, source_ids: Sequence[int], change: Callable[[], Awaitable[None]], store: StoreConfig
) -> None:
    """Runs `change` (which alters what the stock counts from these sources) under the lock of the
    stock items of every product held at them, then re-evaluates those items."""
    product_ids = await _products_at(source_ids)
    locked = await lock(stock_id, ids=product_ids) if product_ids else {}
    await change()
    if locked:
        await rebalance(locked, store)


async def upsert_source(data: dict[str, Any], store: StoreConfig, today: date) -> Source:
    """Omitted fields keep their value on update; an explicit null email clears it."""
    code = validation.code(data["code"], "code")
    name = validation.name(data["name"])
    email = data.get("email")
    if email is not None:
        email = validation.email(email, "email")
    async with promises.transaction(store.stock_settings(), today):
        source = await Source.filter(code=code).select_for_update().first()
        if source is None:
            return await Source.create(code=code, name=name, enabled=data.get("enabled") is not False, email=email)
        enabled = source.enabled if data.get("enabled") is None else bool(data["enabled"])
        if code == DEFAULT_CODE and not enabled:
            raise BadUserInput("enabled: the default source cannot be disabled", field="enabled")
        source.name = name
        if "email" in data:
            source.email = email

        async def save() -> None:
            source.enabled = enabled
            await source.save(update_fields=["name", "email", "enabled"])

        stock_id = await stock_of_source(source.id)
        if stock_id is not None and enabled != source.enabled:
            await _in_stock(stock_id, [source.id], save, store)
        else:
            await save()
    return source


async def upsert_stock(data: dict[str, Any], store: StoreConfig, today: date) -> StockRecord:
    code = validation.code(data["code"], "code")
    name = validation.name(data["name"])
    source_codes = [validation.code(c, "sources") for c in data["sources"]]
    channel_codes = [validation.code(c, "channels") for c in data["channels"]]
    for field, codes in (("sources", source_codes), ("channels", channel_codes)):
        if len(set(codes)) != len(codes):
            raise BadUserInput(f"{field}: each code may appear once, got {codes}", field=field)
    if code == DEFAULT_CODE:
        for field, codes in (("sources", source_codes), ("channels", channel_codes)):
            if DEFAULT_CODE not in codes:
                raise BadUserInput(f"{field}: the default stock always keeps {DEFAULT_CODE!r}", field=field)
    async with promises.transaction(store.stock_settings(), today):
        sources = {s.code: s for s in await Source.filter(code__in=source_codes)}
        if missing := [c for c in source_codes if c not in sources]:
            raise BadUserInput(f"sources: no source {missing[0]!r}", field="sources")
        stock = await Stock.filter(code=code).select_for_update().first()
        if stock is None:
            stock = await Stock.create(code=code, name=name)
            product_ids = await Product.all().values_list("id", flat=True)
            await StockItem.bulk_create(
                [StockItem(stock_id=stock.id, product_id=p) for p in product_ids], batch_size=1000
            )
        else:
            stock.name = name
            await stock.save(update_fields=["name"])
        await _check_elsewhere(stock.id, [s.id for s in sources.values()], channel_codes)
        await _set_channels(stock, channel_codes)
        await _set_sources(stock.id, [sources[c] for c in source_codes], store)
    await stock.fetch_related("source_links__source", "channels")
    return _record(stock)


async def _check_elsewhere(stock_id: int, source_ids: list[int], channel_codes: list[str]) -> None:
    taken = (
        await StockSource.filter(source_id__in=source_ids).exclude(stock_id=stock_id).select_related("source").first()
    )
    if taken is not None:
        raise Conflict(f"sources: source {taken.source.code!r} already belongs to another stock", field="sources")
    channel = await Channel.filter(code__in=channel_codes).exclude(stock_id=stock_id).first()
    if channel is not None:
        raise Conflict(f"channels: channel {channel.code!r} already sells from another stock", field="channels")


async def _set_channels(stock: Stock, codes: list[str]) -> None:
    """A channel removed from its stock stops existing; its orders stay with the stock they reserved in."""
    current = {c.code: c for c in await Channel.filter(stock_id=stock.id)}
    for channel_code in set(current) - set(codes):
        open_lines = OrderLine.filter(Q(ready__gt=0) | Q(backordered__gt=0), order__channel=channel_code)
        if await open_lines.exists():
            raise Conflict(f"channels: channel {channel_code!r} has open orders", field="channels")
        await current[channel_code].delete()
    for channel_code in codes:
        if channel_code not in current:
            await Channel.create(code=channel_code, stock_id=stock.id)


async def _set_sources(stock_id: int, sources: list[Source], store: StoreConfig) -> None:
    links = {link.source_id: link for link in await StockSource.filter(stock_id=stock_id)}
    wanted = {s.id for s in sources}
    removed = [source_id for source_id in links if source_id not in wanted]
    added = [s.id for s in sources if s.id not in links]

    async def relink() -> None:
        await StockSource.filter(stock_id=stock_id, source_id__in=removed).delete()
        for priority, source in enumerate(sources, start=1):
            if source.id in links:
                await StockSource.filter(id=links[source.id].id).update(priority=priority)
            else:
                await StockSource.create(stock_id=stock_id, source_id=source.id, priority=priority)

    if not removed and not added:
        await relink()
        return
    await _in_stock(stock_id, removed + added, lambda: _checked(relink, stock_id, removed), store)


async def _checked(relink: Callable[[], Awaitable[None]], stock_id: int, removed: list[int]) -> None:
    """Removing sources may not leave the stock holding fewer units than its ready lines promise."""
    await relink()
    if not removed:
        return
    locked = await lock(stock_id, ids=await _products_at(removed))
    ready = await _ready_by_product(stock_id, list(locked))
    for product_id, entry in locked.items():
        if entry.counts.on_hand < ready.get(product_id, 0):
            raise Conflict(
                f"sources: without them, stock holds {entry.counts.on_hand} units of SKU "
                f"{entry.item.product.sku!r}, fewer than its {ready[product_id]} units ready to ship",
                field="sources",
            )


async def _products_at(source_ids: Sequence[int]) -> list[int]:
    rows = await SourceItem.filter(source_id__in=source_ids).distinct().values_list("product_id", flat=True)
    return cast(list[int], rows)


async def _ready_by_product(stock_id: int, product_ids: list[int]) -> dict[int, int]:
    lines = await OrderLine.filter(stock_id=stock_id, product_id__in=product_ids, ready__gt=0).values_list(
        "product_id", "ready"
    )
    ready: dict[int, int] = {}
    for product_id, units in cast(list[tuple[int, int]], lines):
        ready[product_id] = ready.get(product_id, 0) + units
    return ready
