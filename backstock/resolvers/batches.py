"""Supplier batches (DESIGN.md 7.4): every supplier's uncovered backorders and reorder suggestions
as one DRAFT purchase order per supplier, for `draftSupplierBatches` and `backstock supplier-batches`.

The plan is `rules.supplier_batches` over the demand report's aggregates of the default stock
(`DEMAND_WINDOW_DAYS`), read in one statement; drafts receive into the default source. A supplier's
existing DRAFT is rewritten in place, never duplicated: the supplier's row is locked first, so two
runs at once write one draft after the other.
"""

from __future__ import annotations

from datetime import date

from tortoise.connection import connections
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import DEFAULT_CODE, Product, PurchaseOrder, PurchaseOrderLine, Source, Supplier
from backstock.resolvers.inventory import stock_of_channel
from backstock.resolvers.purchasing import RELATED
from backstock.resolvers.reports.base import Sql
from backstock.resolvers.reports.demand import candidates, demand_input
from backstock.resolvers.reports.window import window_of
from backstock.resolvers.suppliers import find_supplier
from backstock.rules import PurchaseOrderStatus
from backstock.rules import reports as rule


async def _plan(only: Supplier | None, today: date) -> list[rule.BatchDraft]:
    sql = Sql()
    days = rule.DEMAND_WINDOW_DAYS
    ctes = candidates(sql, await stock_of_channel(None), await window_of(days))
    where = "supplier IS NOT NULL" if only is None else f"supplier = {sql(only.code)}"
    statement = f"WITH {', '.join(ctes)} SELECT * FROM inputs WHERE {where}"  # noqa: S608
    found = await connections.get("default").execute_query_dict(statement, sql.params)
    wanted = []
    for row in found:
        given = demand_input(row)
        suggestion = rule.demand(given, days).suggested_reorder_quantity
        wanted.append(rule.BatchCandidate(given.sku, str(row["supplier"]), suggestion, given.lead_time_days))
    return rules.supplier_batches(wanted, today)


async def _number(code: str, today: date) -> str:
    """`<supplier>-<YYYYMMDD>`, then `-2`, `-3`... when a batch of that day exists already."""
    base = f"{code}-{today:%Y%m%d}"
    used = {
        str(number) for number in await PurchaseOrder.filter(number__startswith=base).values_list("number", flat=True)
    }
    return next(n for n in (base, *(f"{base}-{i}" for i in range(2, len(used) + 2))) if n not in used)


async def _write(draft: rule.BatchDraft, supplier: Supplier, source: Source, today: date) -> str:
    await Supplier.filter(id=supplier.id).select_for_update().first()
    po = await PurchaseOrder.filter(supplier_id=supplier.id, status=PurchaseOrderStatus.DRAFT).order_by("id").first()
    if po is None:
        po = await PurchaseOrder.create(
            number=await _number(supplier.code, today),
            supplier=supplier,
            source=source,
            expected_date=draft.expected_date,
        )
    else:
        await PurchaseOrder.filter(id=po.id).update(expected_date=draft.expected_date)
        await PurchaseOrderLine.filter(purchase_order_id=po.id).delete()
    ids = dict(await Product.filter(sku__in=[line.sku for line in draft.lines]).values_list("sku", "id"))
    await PurchaseOrderLine.bulk_create(
        [
            PurchaseOrderLine(purchase_order_id=po.id, product_id=ids[line.sku], quantity_ordered=line.quantity)
            for line in draft.lines
        ]
    )
    return po.number


async def draft_supplier_batches(supplier: str | None, today: date) -> list[PurchaseOrder]:
    """The drafts written, in supplier-code order; products without a supplier are skipped."""
    only = await find_supplier(supplier)
    plan = await _plan(only, today)
    suppliers = {s.code: s for s in await Supplier.filter(code__in=[draft.supplier for draft in plan])}
    source = await Source.get(code=DEFAULT_CODE)
    async with in_transaction():
        numbers = [await _write(draft, suppliers[draft.supplier], source, today) for draft in plan]
    drafts = {po.number: po for po in await PurchaseOrder.filter(number__in=numbers).prefetch_related(*RELATED)}
    return [drafts[number] for number in numbers]
