"""Report arithmetic, report orders, supplier checks and batches (DESIGN.md 7.4), as tables and properties."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backstock import rules
from backstock.rules import BatchCandidate, BatchDraft, BatchLine, DemandInput

TODAY = date(2026, 11, 30)


def row(
    ordered: int = 0,
    cancelled: int = 0,
    free: int = 0,
    waiting: int = 0,
    incoming: int = 0,
    lead_time_days: int | None = None,
    sku: str = "SKU-1",
) -> DemandInput:
    return DemandInput(sku, ordered, cancelled, free, waiting, incoming, lead_time_days)


# ---- demand arithmetic ----

DEMAND_CASES = {
    # name: (input, days, sold, velocity, days of cover, suggestion)
    "sold is ordered minus cancelled": (row(ordered=10, cancelled=4, free=12), 30, 6, Fraction(1, 5), 60, 0),
    "0.1/day for 30 days of lead is 3": (row(ordered=3, lead_time_days=30), 30, 3, Fraction(1, 10), 0, 3),
    "velocity is exact: 7/3 a day for 27 days of lead is 63, not a float's 64": (
        row(ordered=7, lead_time_days=27),
        3,
        7,
        Fraction(7, 3),
        0,
        63,
    ),
    "ceil rounds fractional lead-time demand up": (row(ordered=1, lead_time_days=3), 7, 1, Fraction(1, 7), 0, 1),
    "nothing sold: days of cover unknown": (row(free=5), 30, 0, 0, None, 0),
    "everything cancelled: nothing sold": (row(ordered=4, cancelled=4, free=5), 30, 0, 0, None, 0),
    "backordered product has 0 days of cover": (row(ordered=30, free=-5, waiting=5), 30, 30, 1, 0, 5),
    "no supplier or no lead time counts as 0 days": (row(ordered=300, free=0, waiting=2), 30, 300, 10, 0, 2),
    "lead time 0 is 0 days": (row(ordered=300, waiting=2, lead_time_days=0), 30, 300, 10, 0, 2),
    "lead demand plus uncovered waiting units": (
        row(ordered=60, free=-4, waiting=4, lead_time_days=7),
        30,
        60,
        2,
        0,
        18,
    ),
    "open purchase orders cover waiting units": (
        row(ordered=60, free=-4, waiting=4, incoming=3, lead_time_days=7),
        30,
        60,
        2,
        0,
        15,
    ),
    "incoming not promised to waiting lines counts against lead demand": (
        row(ordered=60, waiting=4, free=-4, incoming=10, lead_time_days=7),
        30,
        60,
        2,
        0,
        8,
    ),
    "free units on hand count against lead demand": (
        row(ordered=60, free=5, lead_time_days=7),
        30,
        60,
        2,
        Fraction(5, 2),
        9,
    ),
    "suggestion is never negative": (row(ordered=30, free=500, incoming=100, lead_time_days=10), 30, 30, 1, 500, 0),
    "one day window": (row(ordered=3, free=6, lead_time_days=2), 1, 3, 3, 2, 0),
    "365 day window": (row(ordered=365, free=0, lead_time_days=14), 365, 365, 1, 0, 14),
}


@pytest.mark.parametrize(
    ("case", "days", "sold", "velocity", "cover", "suggestion"),
    list(DEMAND_CASES.values()),
    ids=list(DEMAND_CASES),
)
def test_demand(
    case: DemandInput, days: int, sold: int, velocity: Fraction, cover: Fraction | None, suggestion: int
) -> None:
    assert rules.demand(case, days) == rules.Demand(case.sku, sold, velocity, cover, suggestion)


def test_velocity_times_lead_is_exact_where_floats_are_not() -> None:
    assert math.ceil(7 / 3 * 27) == 64  # 63.00000000000001 as floats
    assert rules.suggested_reorder_quantity(rules.daily_velocity(7, 3), 27, 0, 0, 0) == 63


@pytest.mark.parametrize(
    ("ordered", "cancelled"), [(3, 4), (3, -1)], ids=["more cancelled than ordered", "negative cancelled"]
)
def test_sold_quantity_refuses_impossible_aggregates(ordered: int, cancelled: int) -> None:
    with pytest.raises(ValueError, match="cancelled units"):
        rules.sold_quantity(ordered, cancelled)


@pytest.mark.parametrize("days", [0, 366])
def test_daily_velocity_refuses_days_out_of_range(days: int) -> None:
    with pytest.raises(ValueError, match="days must be between 1 and 365"):
        rules.daily_velocity(3, days)


@pytest.mark.parametrize(
    ("waiting", "incoming", "uncovered", "unpromised"),
    [(0, 0, 0, 0), (5, 0, 5, 0), (5, 3, 2, 0), (5, 5, 0, 0), (5, 8, 0, 3), (0, 8, 0, 8)],
    ids=["nothing", "no incoming", "partly covered", "exactly covered", "incoming left over", "no waiting"],
)
def test_projection_totals(waiting: int, incoming: int, uncovered: int, unpromised: int) -> None:
    assert rules.uncovered_waiting_units(waiting, incoming) == uncovered
    assert rules.unpromised_incoming_units(waiting, incoming) == unpromised


# ---- validation ----


@pytest.mark.parametrize(
    ("days", "ok"),
    [(-1, False), (0, False), (1, True), (30, True), (365, True), (366, False)],
    ids=["negative", "zero", "one day", "default 30", "a year", "past a year"],
)
def test_report_days(days: int, ok: bool) -> None:
    violations = rules.report_days_violations(days)
    assert violations == ([] if ok else [rules.SettingViolation("days", f"days must be between 1 and 365, got {days}")])


@pytest.mark.parametrize(
    ("first", "ok"),
    [(-1, False), (0, True), (50, True), (200, True), (201, False)],
    ids=["negative", "zero", "default 50", "at most 200", "over 200"],
)
def test_report_first(first: int, ok: bool) -> None:
    violations = rules.report_first_violations(first)
    assert [v.field for v in violations] == ([] if ok else ["first"])


SUPPLIER_CASES = {
    # name: (code, email, leadTimeDays, fields named)
    "valid": ("ACME_01-EU", "orders@acme.example", 14, []),
    "email and lead time are optional": ("ACME", None, None, []),
    "lead time 0": ("ACME", None, 0, []),
    "32-character code": ("A" * 32, None, None, []),
    "33-character code": ("A" * 33, None, None, ["code"]),
    "empty code": ("", None, None, ["code"]),
    "lower-case code": ("acme", None, None, ["code"]),
    "code with a space": ("AC ME", None, None, ["code"]),
    "code with a trailing newline": ("ACME\n", None, None, ["code"]),
    "negative lead time": ("ACME", None, -1, ["leadTimeDays"]),
    "email without @": ("ACME", "orders.acme.example", None, ["email"]),
    "email without a dotted domain": ("ACME", "orders@acme", None, ["email"]),
    "empty email": ("ACME", "", None, ["email"]),
    "email with a trailing newline": ("ACME", "orders@acme.example\n", None, ["email"]),
    "email with a header injected": ("ACME", "orders@acme.example\r\nBcc: x@evil.example", None, ["email"]),
    "email with a line break in the local part": ("ACME", "ord\ners@acme.example", None, ["email"]),
    "email with a unicode line separator": ("ACME", "ord\u2028ers@acme.example", None, ["email"]),
    "email with surrounding spaces": ("ACME", " orders@acme.example ", None, ["email"]),
    "email over 254 characters": ("ACME", "a" * 245 + "@acme.example", None, ["email"]),
    "every field wrong at once": ("acme", "nope", -3, ["code", "email", "leadTimeDays"]),
}


@pytest.mark.parametrize(
    ("code", "email", "lead_time_days", "fields"), list(SUPPLIER_CASES.values()), ids=list(SUPPLIER_CASES)
)
def test_supplier_violations(code: str, email: str | None, lead_time_days: int | None, fields: list[str]) -> None:
    violations = rules.supplier_violations(code, email, lead_time_days)
    assert [v.field for v in violations] == fields
    assert all(v.message.startswith(v.field) for v in violations)


# ---- report orders ----


@dataclass(frozen=True)
class Row:
    sku: str
    backordered_quantity: int = 0
    free_quantity: int = 0
    suggested_reorder_quantity: int = 0


def test_skus_sort_in_code_point_order() -> None:
    skus = ["b-1", "B-2", "a", "A", "É-1", "Z", "_x", "0"]
    rows = [Row(sku) for sku in skus]
    expected = ["0", "A", "B-2", "Z", "_x", "a", "b-1", "É-1"]
    for key in (rules.backorder_report_key, rules.low_stock_report_key, rules.demand_report_key):
        assert [r.sku for r in sorted(rows, key=key)] == expected
    # What COLLATE "C" compares: UTF-8 bytes, which order as code points do.
    assert sorted(skus, key=lambda s: s.encode()) == expected


def test_backorder_report_sorts_waiting_units_desc_then_sku() -> None:
    rows = [Row("C", backordered_quantity=3), Row("B", backordered_quantity=9), Row("A", backordered_quantity=3)]
    assert [r.sku for r in sorted(rows, key=rules.backorder_report_key)] == ["B", "A", "C"]


def test_low_stock_report_sorts_free_asc_then_sku() -> None:
    rows = [Row("C", free_quantity=2), Row("B", free_quantity=-4), Row("A", free_quantity=2), Row("D", free_quantity=0)]
    assert [r.sku for r in sorted(rows, key=rules.low_stock_report_key)] == ["B", "D", "A", "C"]


def test_demand_report_sorts_suggestion_desc_then_sku() -> None:
    demands = [
        rules.demand(row(ordered=n, waiting=w, free=-w, sku=sku), 30)
        for sku, n, w in [("C", 0, 1), ("A", 0, 1), ("B", 0, 7), ("D", 0, 0)]
    ]
    assert [d.sku for d in sorted(demands, key=rules.demand_report_key)] == ["B", "A", "C", "D"]


def test_a_sort_key_is_a_keyset_cursor() -> None:
    rows = sorted(
        (Row(f"S-{i % 7}-{i}", backordered_quantity=i % 4) for i in range(40)), key=rules.backorder_report_key
    )
    first_page, cursor = rows[:10], rules.backorder_report_key(rows[9])
    next_page = sorted((r for r in rows if rules.backorder_report_key(r) > cursor), key=rules.backorder_report_key)
    assert first_page + next_page == rows


# ---- supplier batches ----

BATCH_CASES = {
    "one draft per supplier, expected today + lead time": (
        [
            BatchCandidate("A-1", "ACME", 5, 14),
            BatchCandidate("B-1", "BOLT", 2, 3),
            BatchCandidate("A-2", "ACME", 1, 14),
        ],
        [
            BatchDraft("ACME", date(2026, 12, 14), (BatchLine("A-1", 5), BatchLine("A-2", 1))),
            BatchDraft("BOLT", date(2026, 12, 3), (BatchLine("B-1", 2),)),
        ],
    ),
    "products without a supplier are skipped": ([BatchCandidate("X", None, 9, None)], []),
    "nothing to order: no line, no draft": (
        [BatchCandidate("A-1", "ACME", 0, 14), BatchCandidate("B-1", "BOLT", 4, 3)],
        [BatchDraft("BOLT", date(2026, 12, 3), (BatchLine("B-1", 4),))],
    ),
    "no lead time: expected today": (
        [BatchCandidate("A-1", "ACME", 3, None)],
        [BatchDraft("ACME", TODAY, (BatchLine("A-1", 3),))],
    ),
    "lines in SKU order, drafts in supplier-code order": (
        [BatchCandidate("b", "Z", 1, 0), BatchCandidate("B", "Z", 1, 0), BatchCandidate("a", "A", 1, 0)],
        [BatchDraft("A", TODAY, (BatchLine("a", 1),)), BatchDraft("Z", TODAY, (BatchLine("B", 1), BatchLine("b", 1)))],
    ),
    "lead times that disagree: the longest wins": (
        [
            BatchCandidate("A-1", "ACME", 1, 2),
            BatchCandidate("A-2", "ACME", 1, 9),
            BatchCandidate("A-3", "ACME", 1, None),
        ],
        [BatchDraft("ACME", date(2026, 12, 9), (BatchLine("A-1", 1), BatchLine("A-2", 1), BatchLine("A-3", 1)))],
    ),
    "across a year end": (
        [BatchCandidate("A-1", "ACME", 1, 45)],
        [BatchDraft("ACME", date(2027, 1, 14), (BatchLine("A-1", 1),))],
    ),
}


@pytest.mark.parametrize(("candidates", "drafts"), list(BATCH_CASES.values()), ids=list(BATCH_CASES))
def test_supplier_batches(candidates: list[BatchCandidate], drafts: list[BatchDraft]) -> None:
    assert rules.supplier_batches(candidates, TODAY) == drafts


def test_batch_quantity_is_the_30_day_suggestion_with_uncovered_backorders() -> None:
    # 60 units in 30 days = 2/day, 7 days of lead = 14, plus 4 uncovered waiting units.
    product = row(ordered=60, free=-4, waiting=4, lead_time_days=7, sku="A-1")
    suggestion = rules.demand(product, rules.DEMAND_WINDOW_DAYS).suggested_reorder_quantity
    candidate = BatchCandidate(product.sku, "ACME", suggestion, product.lead_time_days)
    assert rules.DEMAND_WINDOW_DAYS == 30
    assert rules.supplier_batches([candidate], TODAY) == [
        BatchDraft("ACME", date(2026, 12, 7), (BatchLine("A-1", 18),))
    ]


# ---- properties ----

counts = st.integers(min_value=0, max_value=10_000)
leads = st.none() | st.integers(min_value=0, max_value=365)
days_st = st.integers(min_value=1, max_value=365)


@st.composite
def demand_inputs(draw: st.DrawFn) -> DemandInput:
    ordered = draw(counts)
    return DemandInput(
        sku="SKU-1",
        ordered=ordered,
        cancelled=draw(st.integers(min_value=0, max_value=ordered)),
        free=draw(st.integers(min_value=-10_000, max_value=10_000)),
        waiting=draw(counts),
        incoming=draw(counts),
        lead_time_days=draw(leads),
    )


@settings(max_examples=200)
@given(demand_inputs(), days_st)
def test_suggestion_is_never_negative_and_cover_times_velocity_is_free(product: DemandInput, days: int) -> None:
    result = rules.demand(product, days)
    assert result.suggested_reorder_quantity >= 0
    assert 0 <= result.sold_quantity <= product.ordered
    if result.days_of_cover is None:
        assert result.daily_velocity == 0
    else:
        assert result.days_of_cover >= 0
        assert result.days_of_cover * result.daily_velocity == max(0, product.free)


@settings(max_examples=200)
@given(demand_inputs(), days_st, counts)
def test_more_incoming_never_raises_the_suggestion(product: DemandInput, days: int, more: int) -> None:
    more_incoming = dataclasses.replace(product, incoming=product.incoming + more)
    assert (
        rules.demand(more_incoming, days).suggested_reorder_quantity
        <= rules.demand(product, days).suggested_reorder_quantity
    )


@settings(max_examples=200)
@given(demand_inputs(), days_st, counts)
def test_higher_velocity_never_lowers_the_suggestion(product: DemandInput, days: int, more: int) -> None:
    more_sold = dataclasses.replace(product, ordered=product.ordered + more)
    assert rules.demand(more_sold, days).daily_velocity >= rules.demand(product, days).daily_velocity
    assert (
        rules.demand(more_sold, days).suggested_reorder_quantity
        >= rules.demand(product, days).suggested_reorder_quantity
    )


@settings(max_examples=200)
@given(demand_inputs(), days_st, counts, counts, st.integers(min_value=0, max_value=365))
def test_suggestion_moves_the_right_way(product: DemandInput, days: int, waiting: int, free: int, lead: int) -> None:
    """More waiting units or a longer lead time never lower it; more free units never raise it."""
    base = rules.demand(product, days).suggested_reorder_quantity
    assert (
        rules.demand(dataclasses.replace(product, waiting=product.waiting + waiting), days).suggested_reorder_quantity
        >= base
    )
    assert rules.demand(dataclasses.replace(product, free=product.free + free), days).suggested_reorder_quantity <= base
    longer = (product.lead_time_days or 0) + lead
    assert rules.demand(dataclasses.replace(product, lead_time_days=longer), days).suggested_reorder_quantity >= base


@settings(max_examples=200)
@given(counts, counts)
def test_projection_totals_split_waiting_and_incoming(waiting: int, incoming: int) -> None:
    uncovered = rules.uncovered_waiting_units(waiting, incoming)
    unpromised = rules.unpromised_incoming_units(waiting, incoming)
    assert uncovered - unpromised == waiting - incoming
    assert min(uncovered, unpromised) == 0


@settings(max_examples=100)
@given(
    st.lists(
        st.builds(
            BatchCandidate,
            sku=st.text(alphabet="aAbB-É", min_size=1, max_size=3),
            supplier=st.none() | st.sampled_from(["ACME", "BOLT", "CRUX"]),
            suggestion=st.integers(min_value=-5, max_value=50),
            lead_time_days=leads,
        ),
        max_size=12,
        unique_by=lambda c: c.sku,
    )
)
def test_batches_hold_every_positive_suggestion_of_a_supplier_once(candidates: list[BatchCandidate]) -> None:
    drafts = rules.supplier_batches(candidates, TODAY)
    planned = {(d.supplier, line.sku, line.quantity) for d in drafts for line in d.lines}
    wanted = {(c.supplier, c.sku, c.suggestion) for c in candidates if c.supplier is not None and c.suggestion > 0}
    assert planned == wanted
    assert sum(len(d.lines) for d in drafts) == len(wanted)
    assert [d.supplier for d in drafts] == sorted({d.supplier for d in drafts})
    assert all(d.lines and d.expected_date >= TODAY for d in drafts)
