"""Stock events: what a shopper sees of a product in a stock changed, told once per sales channel of that stock."""

from __future__ import annotations

from datetime import UTC, datetime

from backstock import rules
from backstock.events.record import Occurrence, record_all
from backstock.models import DEFAULT_CODE, Channel, EventKind
from backstock.notifications import alerts


async def stock_changed(sku: str, stock_id: int, before: rules.StockState, after: rules.StockState) -> None:
    """Call in the transaction of the change, with the product's state in the stock before and after it.

    Costs no query when nothing a shopper sees changed; else one for the stock's channels and the
    events' own (see `record_all`). Back-in-stock alerts follow the `default` channel's stock (an
    alert names no channel), so they go when that stock turns the product salable.
    """
    kinds = rules.stock_event_kinds(before, after)
    if not kinds:
        return
    channels = await Channel.filter(stock_id=stock_id).order_by("code").values_list("code", flat=True)
    if rules.StockEventKind.BACK_IN_STOCK in kinds and any(str(code) == DEFAULT_CODE for code in channels):
        await alerts.became_salable(sku)
    at = datetime.now(UTC).isoformat()
    await record_all(
        [
            (EventKind(kind.value), Occurrence(_data(sku, str(channel), after, at), sku=sku, channel=str(channel)))
            for channel in channels
            for kind in kinds
        ]
    )


def _data(sku: str, channel: str, state: rules.StockState, at: str) -> dict[str, object]:
    """The contract's StockEvent fields but `kind` (the webhook body's `type` carries it)."""
    return {
        "sku": sku,
        "channel": channel,
        "stockStatus": state.stock_status.value,
        "isSalable": state.is_salable,
        "salableQuantity": state.salable_quantity,
        "at": at,
    }
