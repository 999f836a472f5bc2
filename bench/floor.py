"""The floors: bare Starlette endpoints running backstock's own SQL, so the GraphQL figures have a ceiling.

GET /products runs the listing's SQL in the default channel (taken from backstock's querysets,
inlined: the count with the channel's stock, then the page with per-stock correlated
subqueries) and returns the same JSON. POST /checkout runs a checkout's SQL in the default
channel's stock, in one transaction: the stock item's row lock, its counts read after the
lock, the line decision by `rules`, the order, its line, the payment, the conditional update
of the stock item's reserved, the ledger row, the stock item's low-stock latch, the outbox
rows (the confirmation, and the low-stock alert when the order crosses into low stock), and
the ORDER_PLACED event with its webhook deliveries (after the one read of the stock's channels and the
webhooks that a checkout sends). Both decide stock with the same `rules` and build
the same emails, and nothing else happens: no GraphQL, no ORM querysets, no model reads.
The SQL is written against the tables as they are; a schema change must be made here too
(tests/test_bench_smoke.py compares the floor's writes with a real checkout's).
Run: BACKSTOCK_DATABASE_URL=... uvicorn --factory bench.floor:create_app
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import connections
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.transactions import in_transaction

from backstock import db, rules
from backstock.events import audience
from backstock.models import DEFAULT_CODE, EventKind, Order, OrderLine, Product, StoreConfig
from backstock.models.catalog import STORE_CONFIG_ID
from backstock.notifications import messages
from backstock.notifications.outbox import Message
from backstock.resolvers.catalog import counted, encode_cursor
from backstock.resolvers.inventory import counters
from backstock.resolvers.product_rows import with_counts
from backstock.settings import Settings, get_settings

PAGE = 100
SETTINGS = ", ".join(f"p.{name}" for name in rules.SETTING_FIELDS)
COUNTS = ", ".join(f"{sql.sql} AS {name}" for name, sql in counters("i.product_id", "i.stock_id").items())
# The two reads of `inventory.lock`: the stock item joined to its product, FOR UPDATE on
# PostgreSQL (SQLite has no row locks; its one connection serialises transactions), then the
# counts once the lock is held (a statement that waited re-reads its row, not its subqueries).
LOCK = (
    f"SELECT i.id AS item_id, i.stock_id, i.reserved, i.low_stock_alerted, p.id, p.sku, p.name, p.price, {SETTINGS} "
    "FROM stock_item i JOIN product p ON p.id = i.product_id WHERE i.stock_id = ? AND p.sku = ? "
    "ORDER BY i.product_id"
)
COUNT = f"SELECT {COUNTS} FROM stock_item i WHERE i.id = ?"
LOCK_WITH_COUNTS = LOCK.replace(" FROM stock_item i", f", {COUNTS} FROM stock_item i", 1)
INSERT_ORDER = (
    "INSERT INTO sales_order (number, customer_email, customer_name, grand_total, idempotency_key, "
    "request_fingerprint, created_at, channel, stock_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)
INSERT_LINE = (
    "INSERT INTO order_line (order_id, product_id, stock_id, sku, name, price, ordered, ready, backordered, shipped, "
    "cancelled, backorder_message, stock_tracked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)"
)
INSERT_PAYMENT = "INSERT INTO payment (order_id, kind, amount, created_at) VALUES (?, 'CAPTURE', ?, ?)"
RESERVE = "UPDATE stock_item SET reserved = reserved + ? WHERE id = ? AND reserved = ?"
ALERTED = "UPDATE stock_item SET low_stock_alerted = ? WHERE id = ?"
INSERT_MOVEMENT = (
    "INSERT INTO stock_movement (product_id, stock_id, on_hand_delta, reserved_delta, reason, order_id, created_at) "
    "VALUES (?, ?, 0, ?, 'CHECKOUT', ?, ?)"
)
INSERT_EVENT = (
    "INSERT INTO event (uid, kind, data, order_number, created_at) VALUES (?, 'ORDER_PLACED', ?, ?, ?) RETURNING id"
)
INSERT_DELIVERY = (
    "INSERT INTO webhook_delivery (webhook_id, event_id, status, attempts, next_attempt_at, created_at) "
    "VALUES (?, ?, 'PENDING', 0, ?, ?)"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox_message (kind, reference, recipients, subject, text_body, html_body, status, attempts, "
    "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)"
)


@functools.cache
def _fixed_statements() -> tuple[str, str]:
    """Built once, after tortoise is up (the SQL depends on the database's dialect): the store
    config, and the listing's count with its channel's stock beside it (`_count_in_channel`)."""
    return (
        StoreConfig.filter(id=STORE_CONFIG_ID).limit(1).sql(params_inline=True),
        counted(None, DEFAULT_CODE).sql(params_inline=True),
    )


@functools.cache
def _page_statement(stock_id: int) -> str:
    """The listing's page in a stock: per-stock correlated subqueries, as `with_counts` builds them."""
    return with_counts(Product.all().order_by("id").limit(PAGE + 1), stock_id).sql(params_inline=True)


# The default channel's stock never changes, so the floor remembers it like backstock does
# (`inventory.stock_of_channel`): a checkout in the default channel costs no query for it.
_default_stock: list[int] = []


async def _stock_of_default_channel(conn: BaseDBAsyncClient) -> int:
    if not _default_stock:
        rows = await conn.execute_query_dict(_for(conn, "SELECT stock_id FROM channel WHERE code = ?"), [DEFAULT_CODE])
        _default_stock.append(rows[0]["stock_id"])
    return _default_stock[0]


def _for(conn: BaseDBAsyncClient, sql: str) -> str:
    """asyncpg numbers its placeholders ($1, $2, ...) where SQLite takes `?`."""
    if conn.capabilities.dialect != "postgres":
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


@dataclass(frozen=True)
class Store:
    settings: rules.StockSettings
    low_stock_recipients: tuple[str, ...] = ()


async def _store(conn: BaseDBAsyncClient) -> Store:
    """The store config row, as backstock reads it once per request."""
    configs = await conn.execute_query_dict(_fixed_statements()[0])
    if not configs:
        return Store(rules.StockSettings())
    values = {name: configs[0][name] for name in rules.SETTING_FIELDS}
    settings = rules.StockSettings(**values | {"backorders": rules.BackorderMode(values["backorders"])})
    recipients = configs[0]["low_stock_recipients"]
    return Store(settings, tuple(json.loads(recipients) if isinstance(recipients, str) else recipients))


def _stock(row: dict[str, Any], store: rules.StockSettings) -> rules.ProductStock:
    """From a product row with its counts in one stock (`inventory.counters` and the stock item's reserved)."""
    overrides = {name: row[name] for name in rules.SETTING_FIELDS}
    if overrides["backorders"] is not None:
        overrides["backorders"] = rules.BackorderMode(overrides["backorders"])
    settings = rules.effective_settings(store, overrides)
    level = rules.StockLevel(int(row["on_hand"]), int(row["reserved"] or 0), bool(row["any_in_stock"]))
    return rules.ProductStock(row["sku"], row["name"], settings, level)


def _price(value: Any) -> str:
    return f"{value:.2f}" if not isinstance(value, str) else value


def _node(row: dict[str, Any], store: rules.StockSettings) -> dict[str, Any]:
    stock = _stock(row, store)
    available = rules.availability(stock.settings, stock.level)
    return {
        "sku": row["sku"],
        "name": row["name"],
        "price": _price(row["price"]),
        "stockStatus": available.stock_status.value,
        "isSalable": available.is_salable,
        "salableQuantity": available.salable_quantity,
        "onlyXLeft": available.only_x_left,
        "backorderMessage": rules.backorder_message(stock, 1),
        "quantity": int(row["held"] or 0),
        "reservedQuantity": stock.level.reserved,
        "backorderedQuantity": available.backordered,
        "inStock": stock.level.in_stock,
        "isLowStock": available.is_low_stock and row["held"] is not None,
    }


async def products(_: Request) -> Response:
    conn = connections.get("default")
    store = (await _store(conn)).settings
    counted = (await conn.execute_query_dict(_fixed_statements()[1]))[0]
    rows = await conn.execute_query_dict(_page_statement(int(counted["channel_stock"])))
    edges = [{"cursor": encode_cursor(r["id"]), "node": _node(r, store)} for r in rows[:PAGE]]
    return JSONResponse(
        {
            "data": {
                "products": {
                    "totalCount": int(counted["total"]),
                    "edges": edges,
                    "pageInfo": {"hasNextPage": len(rows) > PAGE, "endCursor": edges[-1]["cursor"] if edges else None},
                }
            }
        }
    )


async def _lock(conn: BaseDBAsyncClient, stock_id: int, sku: str) -> dict[str, Any] | None:
    """The stock item and its product, locked, then its counts read under the lock (`inventory.lock`);
    on SQLite, which runs one transaction at a time, the counts come with the row."""
    if conn.capabilities.dialect != "postgres":
        rows = await conn.execute_query_dict(LOCK_WITH_COUNTS, [stock_id, sku])
        return rows[0] if rows else None
    rows = await conn.execute_query_dict(_for(conn, LOCK + " FOR UPDATE"), [stock_id, sku])
    if not rows:
        return None
    counts = await conn.execute_query_dict(_for(conn, COUNT), [rows[0]["item_id"]])
    return rows[0] | counts[0]


async def checkout(request: Request) -> Response:
    """One line `{"sku", "quantity", "email"}` in the default channel; answers like the GraphQL checkout
    (Order or CheckoutRejected)."""
    asked = await request.json()
    sku, quantity, email = asked["sku"], int(asked["quantity"]), asked["email"]
    store = await _store(connections.get("default"))
    stock_id = await _stock_of_default_channel(connections.get("default"))
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        row = await _lock(conn, stock_id, sku)
        stock = _stock(row, store.settings) if row is not None else None
        decision = rules.decide_line(sku, quantity, stock)
        if (error := decision.error) is not None:
            errors = [{"sku": sku, "code": error.code.value, "message": error.message}]
            return JSONResponse({"data": {"checkout": {"__typename": "CheckoutRejected", "errors": errors}}})
        assert row is not None and stock is not None, "decide_line refuses an unknown SKU"
        price = Decimal(str(row["price"]))
        number = "BS-" + secrets.token_hex(5).upper()
        values = [number, email, None, price * quantity, None, "-", now, DEFAULT_CODE, stock_id]
        order_id = (await conn.execute_query_dict(_for(conn, INSERT_ORDER), values))[0]["id"]
        line = [order_id, row["id"], stock_id, sku, row["name"], price, quantity, decision.in_stock]
        tracked = stock.settings.manage_stock
        await conn.execute_query(_for(conn, INSERT_LINE), [*line, decision.backordered, decision.notice, tracked])
        await conn.execute_query(_for(conn, INSERT_PAYMENT), [order_id, price * quantity, now])
        emails = await _reserve(conn, row, stock, quantity, order_id, now, store) if tracked else []
        for message in [_confirmation(number, email, price, row["name"], decision), *emails]:
            recipients = json.dumps(list(message.recipients))
            email_row = [message.kind, message.reference, recipients, message.subject, message.text, message.html]
            await conn.execute_query(_for(conn, INSERT_OUTBOX), [*email_row, now, now])
        await _order_placed(conn, stock_id, number, email, price * quantity, decision, now)
    return JSONResponse({"data": {"checkout": _order(number, email, now, price, row["name"], decision)}})


async def _reserve(
    conn: BaseDBAsyncClient,
    row: dict[str, Any],
    stock: rules.ProductStock,
    quantity: int,
    order_id: int,
    now: datetime,
    store: Store,
) -> list[Message]:
    """The conditional update of the stock item, its ledger row, and the stock item's low-stock latch
    (an alert when this order crosses into low stock)."""
    changed, _ = await conn.execute_query(_for(conn, RESERVE), [quantity, row["item_id"], row["reserved"]])
    if not changed:
        raise RuntimeError("the row lock did not hold: reserved changed under it")
    await conn.execute_query(_for(conn, INSERT_MOVEMENT), [row["id"], row["stock_id"], quantity, order_id, now])
    after = dataclasses.replace(stock.level, reserved=stock.level.reserved + quantity)
    low = row["held"] is not None and rules.is_low_stock(stock.settings, after)
    if low == bool(row["low_stock_alerted"]):
        return []
    await conn.execute_query(_for(conn, ALERTED), [low, row["item_id"]])
    if not low:
        return []
    threshold = stock.settings.notify_for_quantity_below
    return [messages.low_stock(stock.sku, stock.name, after.free, threshold, store.low_stock_recipients)]


async def _order_placed(
    conn: BaseDBAsyncClient,
    stock_id: int,
    number: str,
    email: str,
    total: Decimal,
    d: rules.LineDecision,
    now: datetime,
) -> None:
    """The ORDER_PLACED event and a delivery per webhook subscribed to it (`events.order_placed`), after the
    one read of the stock's channels and the webhooks that a checkout's events send (`events.audience`)."""
    postgres = conn.capabilities.dialect == "postgres"
    heard = audience.audience_of(await conn.execute_query_dict(audience.statement(1, postgres), [stock_id]))
    line = {"sku": d.sku, "quantityOrdered": d.requested, "quantityBackordered": d.backordered}
    data = json.dumps({"orderNumber": number, "customerEmail": email, "grandTotal": str(total), "lines": [line]})
    event = [str(uuid.uuid4()), data, number, now]
    event_id = (await conn.execute_query_dict(_for(conn, INSERT_EVENT), event))[0]["id"]
    for hook, kinds in heard.hooks:
        if EventKind.ORDER_PLACED in kinds:
            await conn.execute_query(_for(conn, INSERT_DELIVERY), [hook, event_id, now, now])


def _confirmation(number: str, email: str, price: Decimal, name: str, decision: rules.LineDecision) -> Message:
    """The same email as backstock's, built by its own builder from unsaved (never queried) models."""
    order = Order(number=number, customer_email=email, customer_name=None, grand_total=price * decision.requested)
    line = OrderLine(
        sku=decision.sku, name=name, price=price, ordered=decision.requested, backorder_message=decision.notice
    )
    return messages.order_confirmation(order, [line])


def _order(number: str, email: str, now: datetime, price: Decimal, name: str, d: rules.LineDecision) -> dict[str, Any]:
    line = {
        "sku": d.sku,
        "name": name,
        "quantityOrdered": d.requested,
        "quantityBackordered": d.backordered,
        "quantityReadyToShip": d.in_stock,
        "quantityShipped": 0,
        "quantityCanceled": 0,
        "backorderMessage": d.notice,
    }
    return {
        "__typename": "Order",
        "number": number,
        "status": rules.OrderStatus.PROCESSING.value,
        "createdAt": now.isoformat(),
        "customerEmail": email,
        "grandTotal": _price(price * d.requested),
        "paymentStatus": rules.PaymentStatus.CAPTURED.value,
        "hasBackorders": d.backordered > 0,
        "lines": [line],
        "shipments": [],
    }


def create_app(settings: Settings | None = None) -> Starlette:
    """`settings`: bench.profile's own, in process; uvicorn's factory call reads the environment."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=db.tortoise_config(settings.database_url)):
            yield

    routes = [Route("/products", products), Route("/checkout", checkout, methods=["POST"])]
    return Starlette(routes=routes, lifespan=lifespan)
