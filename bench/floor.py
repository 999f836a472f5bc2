"""The floor: a bare Starlette endpoint running the listing's own SQL and returning the same JSON.

The SQL strings are taken from backstock's querysets (inlined), the rows go through the
same `rules.availability`, and nothing else happens: no GraphQL, no model instances.
Run: BACKSTOCK_DATABASE_URL=... uvicorn --factory bench.floor:create_app
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.connection import connections
from tortoise.contrib.starlette import RegisterTortoise

from backstock import db, rules
from backstock.models import Product, StoreConfig
from backstock.models.catalog import STORE_CONFIG_ID
from backstock.resolvers.catalog import encode_cursor, with_counts
from backstock.settings import get_settings

PAGE = 100
DEFAULT_STOCK_ID = 1  # the migration creates the `default` stock first


def _statements() -> tuple[str, str, str]:
    return (
        StoreConfig.filter(id=STORE_CONFIG_ID).limit(1).sql(params_inline=True),
        Product.all().count().sql(params_inline=True),
        with_counts(Product.all(), DEFAULT_STOCK_ID).order_by("id").limit(PAGE + 1).sql(params_inline=True),
    )


def _settings(row: dict[str, Any]) -> rules.StockSettings:
    values = {name: row[name] for name in rules.SETTING_FIELDS}
    return rules.StockSettings(**values | {"backorders": rules.BackorderMode(values["backorders"])})


def _node(row: dict[str, Any], store: rules.StockSettings) -> dict[str, Any]:
    overrides = {name: row[name] for name in rules.SETTING_FIELDS}
    if overrides["backorders"] is not None:
        overrides["backorders"] = rules.BackorderMode(overrides["backorders"])
    settings = rules.effective_settings(store, overrides)
    level = rules.StockLevel(int(row["on_hand"]), row["reserved"] or 0, bool(row["any_in_stock"]))
    available = rules.availability(settings, level)
    stock = rules.ProductStock(row["sku"], row["name"], settings, level)
    return {
        "sku": row["sku"],
        "name": row["name"],
        "price": f"{row['price']:.2f}" if not isinstance(row["price"], str) else row["price"],
        "stockStatus": available.stock_status.value,
        "isSalable": available.is_salable,
        "salableQuantity": available.salable_quantity,
        "onlyXLeft": available.only_x_left,
        "backorderMessage": rules.backorder_message(stock, 1),
        "quantity": int(row["held"] or 0),
        "reservedQuantity": level.reserved,
        "backorderedQuantity": available.backordered,
        "inStock": level.in_stock,
        "isLowStock": available.is_low_stock and row["held"] is not None,
    }


async def products(_: Request) -> Response:
    conn = connections.get("default")
    config_sql, count_sql, page_sql = _statements()
    configs = await conn.execute_query_dict(config_sql)
    store = (
        rules.StockSettings(**{k: configs[0][k] for k in rules.SETTING_FIELDS}) if configs else rules.StockSettings()
    )
    total = (await conn.execute_query_dict(count_sql))[0]
    rows = await conn.execute_query_dict(page_sql)
    edges = [{"cursor": encode_cursor(r["id"]), "node": _node(r, store)} for r in rows[:PAGE]]
    return JSONResponse(
        {
            "data": {
                "products": {
                    "totalCount": next(iter(total.values())),
                    "edges": edges,
                    "pageInfo": {"hasNextPage": len(rows) > PAGE, "endCursor": edges[-1]["cursor"] if edges else None},
                }
            }
        }
    )


def create_app() -> Starlette:
    settings = get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)):
            yield

    return Starlette(routes=[Route("/products", products)], lifespan=lifespan)
