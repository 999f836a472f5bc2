"""Report arithmetic, report orders, supplier checks and supplier batches (DESIGN.md section 7.4).

Plain values in, plain values out: the wiring aggregates per product in SQL (units ordered and
cancelled in the window, waiting units, incoming units of OPEN purchase orders, free units, the
supplier's lead time) and asks these functions what the report says and what to order.
Arithmetic is exact (`Fraction`), so 3 units over 30 days times a 30-day lead time is 3 units,
never the 4 a float ceil gives; the wiring turns `Fraction`s into GraphQL `Float`s at the edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Protocol

from backstock.rules.settings import SettingViolation

DEMAND_WINDOW_DAYS = 30
"""The demand report's default window, and the one supplier batches compute their suggestions over
("Batches use a 30-day window"); the database keeps its sales summed per product (migration 0020)."""

MAX_REPORT_DAYS = 365
MAX_REPORT_FIRST = 200

_SUPPLIER_CODE = re.compile(r"[A-Z0-9_-]{1,32}")
# The same rule as resolvers/validation.py (rules may not import resolvers): one @, no whitespace or
# control characters anywhere (so no CR/LF can reach a mail header), a dotted domain.
_EMAIL = re.compile(
    r"[^@\s\x00-\x1f\x7f<>,;:\"()\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_MAX_EMAIL_LENGTH = 254


# ---- validation: each violation names the contract field, for a BAD_USER_INPUT ----
# They reuse `SettingViolation`, the field + message the resolvers already raise as BAD_USER_INPUT.


def report_first_violations(first: int) -> list[SettingViolation]:
    """`first` at most 200 on `backorderReport`, `lowStockReport` and `demandReport` (and never negative)."""
    if 0 <= first <= MAX_REPORT_FIRST:
        return []
    return [SettingViolation("first", f"first must be between 0 and {MAX_REPORT_FIRST}, got {first}")]


def report_days_violations(days: int) -> list[SettingViolation]:
    """`days` 1-365 on `demandReport`, `backstock export-report demand --days` and `demand.csv?days=`."""
    if 1 <= days <= MAX_REPORT_DAYS:
        return []
    return [SettingViolation("days", f"days must be between 1 and {MAX_REPORT_DAYS}, got {days}")]


def supplier_violations(code: str, email: str | None, lead_time_days: int | None) -> list[SettingViolation]:
    """`upsertSupplier`'s checks: code `[A-Z0-9_-]{1,32}`, a valid email without line breaks, leadTimeDays ≥ 0.

    `email` and `leadTimeDays` are nullable in the contract (no email: submissions refuse; no lead
    time: 0 days). The email is checked as it will be stored: surrounding spaces are refused, not
    stripped, because a supplier email ends up in a mail header.
    """
    found: list[SettingViolation] = []
    if not _SUPPLIER_CODE.fullmatch(code):
        found.append(SettingViolation("code", f"code must be 1 to 32 of A-Z 0-9 _ -, got {code!r}"))
    if email is not None and (len(email) > _MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email)):
        found.append(SettingViolation("email", f"email must be a valid email address, got {email!r}"))
    if lead_time_days is not None and lead_time_days < 0:
        found.append(SettingViolation("leadTimeDays", f"leadTimeDays must be 0 or more, got {lead_time_days}"))
    return found


# ---- projection totals (section 7.1's vocabulary) ----


def uncovered_waiting_units(waiting: int, incoming: int) -> int:
    """Waiting units no open purchase order covers: `BackorderReportRow.uncoveredQuantity`.

    The projection matches waiting units one by one to the incoming units of OPEN purchase orders
    (a late one counts as today, a DRAFT counts for nothing), so whatever incoming cannot match waits
    uncovered. `incoming` = units ordered - units received on the product's OPEN purchase orders.
    """
    return max(0, waiting - incoming)


def unpromised_incoming_units(waiting: int, incoming: int) -> int:
    """Incoming units not yet promised to waiting lines: what the projection leaves over for new demand."""
    return max(0, incoming - waiting)


# ---- demand ----


@dataclass(frozen=True)
class DemandInput:
    """One product's aggregates for the demand report, as the wiring's SQL returns them.

    `ordered` and `cancelled` count units of orders created in the last `days` x 24 h; `waiting`
    counts units still waiting for stock on open orders; `incoming` units of OPEN purchase orders
    not yet received; `lead_time_days` is the product's supplier's, None without a supplier or a lead time.
    """

    sku: str
    ordered: int
    cancelled: int
    free: int
    waiting: int
    incoming: int
    lead_time_days: int | None


@dataclass(frozen=True)
class Demand:
    """A `DemandReportRow`'s computed fields (the wiring adds the counts it read: backordered, subscribers)."""

    sku: str
    sold_quantity: int
    daily_velocity: Fraction
    days_of_cover: Fraction | None
    suggested_reorder_quantity: int


def sold_quantity(ordered: int, cancelled: int) -> int:
    """`soldQuantity`: units ordered minus units cancelled, both of orders created in the window."""
    if not 0 <= cancelled <= ordered:
        raise ValueError(f"cancelled units must be between 0 and the {ordered} ordered, got {cancelled}")
    return ordered - cancelled


def daily_velocity(sold: int, days: int) -> Fraction:
    """`dailyVelocity` = sold / days, exact; `days` must have passed `report_days_violations`."""
    if violations := report_days_violations(days):
        raise ValueError(violations[0].message)
    return Fraction(sold, days)


def days_of_cover(free: int, velocity: Fraction) -> Fraction | None:
    """`daysOfCover` = max(0, free) / velocity: a backordered product has no days left; None when nothing sells."""
    if velocity == 0:
        return None
    return max(0, free) / velocity


def suggested_reorder_quantity(
    velocity: Fraction, lead_time_days: int | None, uncovered: int, free: int, unpromised_incoming: int
) -> int:
    """`suggestedReorderQuantity`: what covers the supplier's lead time plus the uncovered backorders,
    minus what is on hand and incoming.

    = max(0, ceil(velocity x leadTimeDays) + uncovered waiting units - max(0, free) - incoming units
    not yet promised to waiting lines). No supplier or no lead time counts as 0 days: then only the
    uncovered backorders are suggested. The ceil is exact, never a float's.
    """
    lead_demand = math.ceil(velocity * _lead_days(lead_time_days))
    return max(0, lead_demand + uncovered - max(0, free) - unpromised_incoming)


def demand(row: DemandInput, days: int) -> Demand:
    """One `DemandReportRow` over the last `days` days; also what supplier batches use (`DEMAND_WINDOW_DAYS`).

    Called per row by `demandReport`, the demand CSV exports and `draftSupplierBatches`.
    """
    sold = sold_quantity(row.ordered, row.cancelled)
    velocity = daily_velocity(sold, days)
    suggestion = suggested_reorder_quantity(
        velocity,
        row.lead_time_days,
        uncovered_waiting_units(row.waiting, row.incoming),
        row.free,
        unpromised_incoming_units(row.waiting, row.incoming),
    )
    return Demand(row.sku, sold, velocity, days_of_cover(row.free, velocity), suggestion)


def _lead_days(lead_time_days: int | None) -> int:
    """No supplier or no lead time counts as 0 days."""
    return lead_time_days or 0


# ---- report orders ----
# Each key sorts ascending and is also the keyset cursor of its report: the next page holds the
# rows whose key is greater than the last row's. SKUs compare in code-point order: Python's `str`
# order; in SQL `sku COLLATE "C"` on PostgreSQL and SQLite's default BINARY collation (UTF-8 bytes
# compare in code-point order). Each key states the ORDER BY the wiring writes.


class BackorderRow(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def backordered_quantity(self) -> int: ...


class LowStockRow(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def free_quantity(self) -> int: ...


class DemandRow(Protocol):
    @property
    def sku(self) -> str: ...
    @property
    def suggested_reorder_quantity(self) -> int: ...


def backorder_report_key(row: BackorderRow) -> tuple[int, str]:
    """`backorderReport`: waiting units desc, then SKU. SQL: `ORDER BY backordered DESC, sku COLLATE "C"`."""
    return (-row.backordered_quantity, row.sku)


def low_stock_report_key(row: LowStockRow) -> tuple[int, str]:
    """`lowStockReport`: free units asc, then SKU. SQL: `ORDER BY on_hand - reserved, sku COLLATE "C"`."""
    return (row.free_quantity, row.sku)


def demand_report_key(row: DemandRow) -> tuple[int, str]:
    """`demandReport`: suggestion desc, then SKU. SQL: `ORDER BY suggestion DESC, sku COLLATE "C"`."""
    return (-row.suggested_reorder_quantity, row.sku)


# ---- supplier batches ----


@dataclass(frozen=True)
class BatchCandidate:
    """One product for `draftSupplierBatches` / `backstock supplier-batches`: its supplier's code
    (None: skipped), its suggestion over `DEMAND_WINDOW_DAYS` and its supplier's lead time."""

    sku: str
    supplier: str | None
    suggestion: int
    lead_time_days: int | None


@dataclass(frozen=True)
class BatchLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class BatchDraft:
    """One supplier's DRAFT purchase order: the wiring updates that supplier's existing DRAFT or creates one."""

    supplier: str
    expected_date: date
    lines: tuple[BatchLine, ...]


def supplier_batches(candidates: Iterable[BatchCandidate], today: date) -> list[BatchDraft]:
    """The batch plan: one draft per supplier, one line per product whose suggestion is above 0.

    A line's quantity is the product's suggestion, which already holds its uncovered backorders.
    `expectedDate` = today + the supplier's lead time (0 days without one; should products of one
    supplier disagree, the longest wins: a batch arrives with its slowest line). Products without a
    supplier are skipped, and so is a supplier with nothing to order. Drafts come in supplier-code
    order, lines in SKU order (code points), so the emailed CSV is stable.
    """
    lines: dict[str, list[BatchLine]] = {}
    lead: dict[str, int] = {}
    for candidate in candidates:
        if candidate.supplier is None or candidate.suggestion <= 0:
            continue
        lines.setdefault(candidate.supplier, []).append(BatchLine(candidate.sku, candidate.suggestion))
        lead[candidate.supplier] = max(lead.get(candidate.supplier, 0), _lead_days(candidate.lead_time_days))
    return [
        BatchDraft(
            supplier,
            today + timedelta(days=lead[supplier]),
            tuple(sorted(lines[supplier], key=lambda line: line.sku)),
        )
        for supplier in sorted(lines)
    ]
