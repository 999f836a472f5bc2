"""Which sources a shipment's units leave: the admin's explicit choice, else source priority
(`rules.sourcing.select_sources`). Source quantities never go below 0."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import F

from backstock.models import ShipmentSource, SourceItem, StockSource
from backstock.resolvers.errors import BadUserInput, Conflict
from backstock.rules.sourcing import Holding, select_sources

Wanted = Sequence[tuple[int, str, int]]
Named = Sequence[tuple[str, str, int]]


@dataclass
class Picks:
    """The units one SKU of a shipment takes from each source item."""

    sku: str
    items: list[tuple[SourceItem, int]]

    @property
    def units(self) -> list[tuple[int, int]]:
        return [(item.source_id, n) for item, n in self.items]

    async def take(self, shipment_id: int) -> None:
        """The condition re-checks the units under the write: a source never goes below 0."""
        for item, n in self.items:
            if not await SourceItem.filter(id=item.id, quantity__gte=n).update(quantity=F("quantity") - n):
                raise Conflict(f"sources: source item of SKU {self.sku!r} changed while shipping, please retry")
            item.quantity -= n
        await ShipmentSource.bulk_create(
            [
                ShipmentSource(shipment_id=shipment_id, source_id=item.source_id, sku=self.sku, quantity=n)
                for item, n in self.items
            ]
        )


async def take_units(stock_id: int, wanted: Wanted, named: Named | None) -> dict[int, Picks]:
    """Plans where each (product, SKU, units) of a shipment comes from, by product id; refuses
    (BAD_USER_INPUT naming `sources`) when the usable sources cannot supply them."""
    links = await StockSource.filter(stock_id=stock_id).select_related("source").order_by("priority", "id")
    rows = await SourceItem.filter(
        product_id__in=[pid for pid, _, _ in wanted], source_id__in=[link.source_id for link in links]
    ).select_for_update()
    items = {(row.product_id, row.source_id): row for row in rows}
    if named is None:
        return {pid: _by_priority(pid, sku, units, links, items) for pid, sku, units in wanted}
    return _as_named(wanted, named, links, items)


def _by_priority(
    product_id: int, sku: str, units: int, links: list[StockSource], items: dict[tuple[int, int], SourceItem]
) -> Picks:
    held = [(link, items[product_id, link.source_id]) for link in links if (product_id, link.source_id) in items]
    selection = select_sources(
        [Holding(link.source.code, item.quantity, item.in_stock, link.source.enabled) for link, item in held], units
    )
    if selection.shortfall:
        raise BadUserInput(
            f"sources: SKU {sku!r}: the stock's usable sources hold {units - selection.shortfall} of {units} units",
            field="sources",
        )
    by_code = {link.source.code: item for link, item in held}
    return Picks(sku, [(by_code[code], n) for code, n in selection.picks])


def _as_named(
    wanted: Wanted, named: Named, links: list[StockSource], items: dict[tuple[int, int], SourceItem]
) -> dict[int, Picks]:
    asked: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, sku, quantity in named:
        if quantity < 1:
            raise BadUserInput(f"sources: quantity for SKU {sku!r} at {source!r} must be 1 or more", field="sources")
        asked[sku][source] += quantity
    shipped = {sku for _, sku, _ in wanted}
    if extra := sorted(set(asked) - shipped):
        raise BadUserInput(f"sources: SKU {extra[0]!r} has no units in this shipment", field="sources")
    by_code = {link.source.code: link for link in links}
    plan = {}
    for product_id, sku, units in wanted:
        if sum(asked[sku].values()) != units:
            raise BadUserInput(
                f"sources: SKU {sku!r}: the sources named add up to {sum(asked[sku].values())} units, "
                f"but {units} are shipped",
                field="sources",
            )
        picks = []
        for code, quantity in asked[sku].items():
            link = by_code.get(code)
            item = items.get((product_id, link.source_id)) if link is not None else None
            if link is None or item is None or not link.source.enabled or not item.in_stock or item.quantity < quantity:
                raise BadUserInput(
                    f"sources: source {code!r} cannot ship {quantity} of SKU {sku!r}: it must be an enabled, "
                    f"in-stock source of the order's stock holding them",
                    field="sources",
                )
            picks.append((item, quantity))
        plan[product_id] = Picks(sku, picks)
    return plan
