"""Purchase orders (DESIGN.md 7.1): DRAFT → OPEN → RECEIVED, or CANCELED.

Status moves are conditional updates (`WHERE status IN ...`), so two concurrent requests
cannot both move the same purchase order. A receipt locks the purchase order's row, adds its
units to each line's received count with a conditional update (received + units ≤ ordered),
and puts the units on hand through the restock use case (`stock.add_on_hand`), so waiting
lines are allocated and emails and events go out as after any restock — all in one transaction.
Opening a purchase order emails its supplier (`supplier_email`) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backstock.models import Product, PurchaseOrder, PurchaseOrderLine, StoreConfig
from backstock.resolvers import cursors, promises, supplier_email, validation
from backstock.resolvers.errors import BadUserInput, Conflict, NotFound
from backstock.resolvers.inventory import find_source, lock, stock_of_source
from backstock.resolvers.stock import add_on_hand
from backstock.resolvers.suppliers import find_supplier
from backstock.rules import PurchaseOrderStatus

RELATED = ("supplier", "source", "lines__product")
MAX_LINES = 100
MAX_PAGE = 100
Status = PurchaseOrderStatus
LIVE = (Status.DRAFT, Status.OPEN)


@dataclass(frozen=True)
class Line:
    """A requested line: SKU and units (the contract's LineInput)."""

    sku: str
    quantity: int


@dataclass(frozen=True)
class PurchaseOrderPage:
    rows: list[PurchaseOrder]
    has_next_page: bool
    total_count: int


def _units_by_sku(lines: Sequence[Line]) -> dict[str, int]:
    """Lines of one SKU add up; each quantity must be at least 1."""
    if not 1 <= len(lines) <= MAX_LINES:
        raise BadUserInput(f"lines: give 1 to {MAX_LINES} lines, got {len(lines)}", field="lines")
    units: dict[str, int] = {}
    for line in lines:
        if line.quantity < 1:
            raise BadUserInput(
                f"lines: quantity of SKU {line.sku!r} must be 1 or more, got {line.quantity}", field="lines"
            )
        units[line.sku] = units.get(line.sku, 0) + line.quantity
    return units


async def _products(skus: Sequence[str]) -> dict[str, Product]:
    products = {p.sku: p for p in await Product.filter(sku__in=validation.possible_skus(skus))}
    for sku in skus:
        if sku not in products:
            raise BadUserInput(f"lines: no product with SKU {sku!r}", field="lines")
    return products


async def create_purchase_order(
    number: str, supplier: str | None, expected_date: date, lines: Sequence[Line], source: str | None
) -> PurchaseOrder:
    """A new purchase order is a DRAFT: it counts for nothing until submitted."""
    number = validation.name(number, "number", max_length=64)
    units = _units_by_sku(lines)
    found_supplier = await find_supplier(supplier)
    where = await find_source(source)
    products = await _products(list(units))
    try:
        async with in_transaction():
            po = await PurchaseOrder.create(
                number=number, supplier=found_supplier, source=where, expected_date=expected_date
            )
            await PurchaseOrderLine.bulk_create(
                [
                    PurchaseOrderLine(purchase_order_id=po.id, product_id=products[sku].id, quantity_ordered=quantity)
                    for sku, quantity in units.items()
                ]
            )
    except IntegrityError:
        raise _number_used(number) from None
    return await _load(number)


def _number_used(number: str) -> Conflict:
    return Conflict(f"number: purchase order {number!r} already exists", field="number")


async def _load(number: str, *, lock: bool = False) -> PurchaseOrder:
    """With `lock`, the row stays locked until the caller's transaction ends (PostgreSQL; SQLite runs it alone)."""
    query = PurchaseOrder.filter(number=number)
    if lock:
        query = query.select_for_update()
    po = await query.first() if validation.fits(PurchaseOrder, "number", number) else None
    if po is None:
        raise NotFound(f"number: no purchase order {number!r}", field="number")
    await po.fetch_related(*RELATED)
    return po


async def find_purchase_order(number: str) -> PurchaseOrder | None:
    try:
        return await _load(number)
    except NotFound:
        return None


async def _move(number: str, allowed: Sequence[Status], action: str, **values: object) -> PurchaseOrder:
    """A conditional update from one of `allowed`; anything else is a CONFLICT naming the status."""
    po = await _load(number)
    if not await PurchaseOrder.filter(id=po.id, status__in=list(allowed)).update(**values):
        current = await PurchaseOrder.get(id=po.id)
        raise Conflict(f"number: purchase order {number!r} is {current.status}; cannot {action} it", field="number")
    return await _load(number)


async def submit_purchase_order(number: str, store: StoreConfig, today: date) -> PurchaseOrder:
    """Opens a DRAFT: from now on its units count in projections, and its supplier gets the lines.

    A supplier without an email is refused before anything changes; without a supplier the purchase
    order opens with no email. The email is written only by the request whose conditional update
    opened the DRAFT, so a second submission is a CONFLICT and sends nothing.
    """
    supplier_email.check_recipient(await _load(number))
    async with in_transaction():
        po = await _move_and_tell(number, [Status.DRAFT], "submit", store, today, status=Status.OPEN)
        await supplier_email.send(po)
    return po


async def reschedule_purchase_order(number: str, expected_date: date, store: StoreConfig, today: date) -> PurchaseOrder:
    return await _move_and_tell(number, LIVE, "reschedule", store, today, expected_date=expected_date)


async def cancel_purchase_order(number: str, store: StoreConfig, today: date) -> PurchaseOrder:
    """Units already received stay on hand; the rest leave the projection."""
    return await _move_and_tell(number, LIVE, "cancel", store, today, status=Status.CANCELED)


async def _move_and_tell(
    number: str, allowed: Sequence[Status], action: str, store: StoreConfig, today: date, **values: object
) -> PurchaseOrder:
    """The move and the notices of the dates it moves, in one transaction, under the lock of the stock
    items of the purchase order's products in its source's stock (as checkout and allocation take it)."""
    async with in_transaction():
        po = await _move(number, allowed, action, **values)
        stock_id = await stock_of_source(po.source_id)
        if stock_id is not None:
            product_ids = [line.product_id for line in po.lines]
            await lock(stock_id, ids=product_ids)
            await promises.tell_changes(stock_id, product_ids, store.stock_settings(), today)
    return po


async def receive_purchase_order(
    number: str, lines: Sequence[Line] | None, store: StoreConfig, today: date
) -> PurchaseOrder:
    """Without `lines`, everything still due. Once nothing is due the purchase order is RECEIVED.
    A receipt whose units do not count on hand (the source item out of stock) delays those it covered."""
    async with promises.transaction(store.stock_settings(), today):
        po = await _load(number, lock=True)
        if po.status is not Status.OPEN:
            raise Conflict(f"number: purchase order {number!r} is {po.status}; cannot receive it", field="number")
        due = {line.product.sku: line for line in po.lines}
        wanted = _units_by_sku(lines) if lines is not None else _all_due(due)
        for sku, units in wanted.items():
            await _receive_line(po, due, sku, units, store)
        if not await PurchaseOrderLine.filter(purchase_order_id=po.id, quantity_received__lt=F("quantity_ordered")):
            await PurchaseOrder.filter(id=po.id).update(status=Status.RECEIVED)
    return await _load(number)


def _all_due(due: dict[str, PurchaseOrderLine]) -> dict[str, int]:
    return {sku: line.quantity_ordered - line.quantity_received for sku, line in due.items() if _left(line)}


def _left(line: PurchaseOrderLine) -> int:
    return line.quantity_ordered - line.quantity_received


async def _receive_line(
    po: PurchaseOrder, due: dict[str, PurchaseOrderLine], sku: str, units: int, store: StoreConfig
) -> None:
    line = due.get(sku)
    if line is None:
        raise BadUserInput(f"lines: SKU {sku!r} is not on purchase order {po.number!r}", field="lines")
    received = await PurchaseOrderLine.filter(id=line.id, quantity_received__lte=F("quantity_ordered") - units).update(
        quantity_received=F("quantity_received") + units
    )
    if not received:
        raise BadUserInput(
            f"lines: only {_left(line)} units of SKU {sku!r} are still due on purchase order {po.number!r}, "
            f"got {units}",
            field="lines",
        )
    await add_on_hand(sku, units, f"purchase order {po.number}", po.source, store)


async def list_purchase_orders(
    status: Status | None, sku: str | None, first: int, after: str | None
) -> PurchaseOrderPage:
    """Oldest first; a page and its total in a fixed number of queries."""
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}, got {first}", field="first")
    query = PurchaseOrder.all()
    if status is not None:
        query = query.filter(status=status)
    if sku is not None:
        query = query.filter(lines__product__sku=sku).distinct()
    total = await query.count()
    if after is not None:
        query = query.filter(id__gt=cursors.decode("purchaseOrder", after))
    rows = await query.order_by("id").limit(first + 1).prefetch_related(*RELATED)
    return PurchaseOrderPage(rows[:first], len(rows) > first, total)
