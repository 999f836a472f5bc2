"""Stock events: what a shopper sees of a product in a stock changed, told once per sales channel of that stock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from backstock import rules
from backstock.events.audience import Audience
from backstock.events.record import Occurrence, record_per_channel
from backstock.models import DEFAULT_CODE, EventKind
from backstock.notifications import alerts


class StockChange(NamedTuple):
    """A product's state in a stock before and after a change."""

    sku: str
    stock_id: int
    before: rules.StockState
    after: rules.StockState


async def stock_changed(sku: str, stock_id: int, before: rules.StockState, after: rules.StockState) -> None:
    """Call in the transaction of the change, with the product's state in the stock before and after it."""
    await stock_changes([StockChange(sku, stock_id, before, after)])


async def stock_changes(changes: Sequence[StockChange]) -> None:
    """Call in the transaction of the changes: a bulk change records all its events at once.

    Costs no query when nothing a shopper sees changed; else the events' own (see `record_per_channel`:
    the stocks' channels come with the webhooks), however many changes there are. Back-in-stock alerts
    follow the `default` channel's stock (an alert names no channel), so they go when that stock turns
    a product salable.
    """
    told = [(change, kinds) for change in changes if (kinds := rules.stock_event_kinds(change.before, change.after))]
    if not told:
        return

    async def per_channel(heard: Audience) -> list[tuple[EventKind, Occurrence]]:
        for change, kinds in told:
            if rules.StockEventKind.BACK_IN_STOCK in kinds and DEFAULT_CODE in heard.channels_of(change.stock_id):
                await alerts.became_salable(change.sku)
        at = datetime.now(UTC).isoformat()
        return [
            (
                EventKind(kind.value),
                Occurrence(_data(change.sku, channel, change.after, at), sku=change.sku, channel=channel),
            )
            for change, kinds in told
            for channel in heard.channels_of(change.stock_id)
            for kind in kinds
        ]

    await record_per_channel({change.stock_id for change, _ in told}, per_channel)


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
