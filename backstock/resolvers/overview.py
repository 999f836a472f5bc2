"""What the dashboard shows besides the reports: outbox health, incoming purchase orders and daily
order figures, each a fixed number of aggregate queries whatever the size of the shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.connection import connections
from tortoise.expressions import F, RawSQL
from tortoise.functions import Sum

from backstock.models import Order, OutboxMessage, OutboxStatus, PurchaseOrder, PurchaseOrderLine
from backstock.rules import PurchaseOrderStatus

CHART_DAYS = 30
INCOMING_ROWS = 20


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    failed: int
    oldest_pending_age: timedelta | None
    """None when nothing waits."""


@dataclass(frozen=True)
class IncomingOrder:
    number: str
    supplier: str | None
    source: str
    expected_date: date
    units_outstanding: int


@dataclass(frozen=True)
class Incoming:
    orders: list[IncomingOrder]
    total: int
    """All OPEN purchase orders, of which `orders` are the first INCOMING_ROWS by expected date."""


@dataclass(frozen=True)
class Day:
    day: date
    ordered: int
    """Units ordered on that day less those cancelled since, as the demand report counts sales."""
    waiting: int
    """Units of that day's orders still backordered."""


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def outbox_health(now: datetime) -> OutboxHealth:
    pending = OutboxMessage.filter(status=OutboxStatus.PENDING)
    oldest = await pending.order_by("created_at").first().values_list("created_at", flat=True)
    return OutboxHealth(
        pending=await pending.count(),
        failed=await OutboxMessage.filter(status=OutboxStatus.FAILED).count(),
        oldest_pending_age=max(timedelta(0), now - _aware(oldest)) if isinstance(oldest, datetime) else None,
    )


async def incoming_purchase_orders() -> Incoming:
    """OPEN purchase orders, soonest first, with the units not yet received on each."""
    open_orders = PurchaseOrder.filter(status=PurchaseOrderStatus.OPEN)
    rows = (
        await open_orders.order_by("expected_date", "id")
        .limit(INCOMING_ROWS)
        .select_related("supplier", "source")
        .only("id", "number", "expected_date", "supplier__name", "source__code")
    )
    outstanding = {
        row["purchase_order_id"]: row["units"]
        for row in await PurchaseOrderLine.filter(
            purchase_order_id__in=[row.id for row in rows], quantity_received__lt=F("quantity_ordered")
        )
        .annotate(units=Sum(F("quantity_ordered") - F("quantity_received")))
        .group_by("purchase_order_id")
        .values("purchase_order_id", "units")
    }
    orders = [
        IncomingOrder(
            number=row.number,
            supplier=row.supplier.name if row.supplier else None,
            source=row.source.code,
            expected_date=row.expected_date,
            units_outstanding=int(outstanding.get(row.id) or 0),
        )
        for row in rows
    ]
    return Incoming(orders, await open_orders.count())


def _utc_day() -> RawSQL:
    """The order's UTC calendar day: no portable SQL function gives it on both databases."""
    if connections.get("default").capabilities.dialect == "postgres":
        return RawSQL("""("sales_order"."created_at" AT TIME ZONE 'UTC')::date""")
    return RawSQL('date("sales_order"."created_at")')


async def daily_orders(today: date) -> list[Day]:
    """The last CHART_DAYS UTC days up to `today`, every day present (zero when nothing was ordered)."""
    first = today - timedelta(days=CHART_DAYS - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    rows = (
        await Order.filter(created_at__gte=since)
        .annotate(
            day=_utc_day(), ordered=Sum(F("lines__ordered") - F("lines__cancelled")), waiting=Sum("lines__backordered")
        )
        .group_by("day")
        .values("day", "ordered", "waiting")
    )
    found = {date.fromisoformat(str(row["day"])): row for row in rows}
    days = [first + timedelta(days=n) for n in range(CHART_DAYS)]
    return [
        Day(day, int(found[day]["ordered"] or 0), int(found[day]["waiting"] or 0)) if day in found else Day(day, 0, 0)
        for day in days
    ]
