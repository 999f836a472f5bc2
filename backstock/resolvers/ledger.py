"""Writes to the stock ledger: every change of on-hand or reserved units leaves a movement."""

from __future__ import annotations

from backstock.models import MovementReason, StockMovement, rows

Movement = rows.Values
"""An unsaved stock_movement row."""


def movement(
    product_id: int,
    reason: MovementReason,
    *,
    on_hand: int = 0,
    reserved: int = 0,
    order_id: int | None = None,
    shipment_id: int | None = None,
    note: str | None = None,
    source_id: int | None = None,
    stock_id: int | None = None,
) -> Movement:
    """An unsaved movement; callers collect them and write all of one operation with `record`.

    An on-hand delta names its source, a reserved delta its stock.
    """
    return {
        "product_id": product_id,
        "reason": reason,
        "on_hand_delta": on_hand,
        "reserved_delta": reserved,
        "order_id": order_id,
        "shipment_id": shipment_id,
        "note": note,
        "source_id": source_id,
        "stock_id": stock_id,
    }


async def record(movements: list[Movement]) -> None:
    """One INSERT for all of them (`rows.insert`)."""
    await rows.insert(StockMovement, movements)
