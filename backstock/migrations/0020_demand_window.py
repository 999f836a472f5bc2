from tortoise import migrations

from backstock.migrations._dialect_sql import DialectSQL, postgres_trigger


# The demand report's default window (30 days, also the supplier batches' window) summed per kept row,
# so its first page reads one row per product instead of meeting every row with its days of sales
# (DESIGN.md 7.4, issue 14: 330-410 ms at 100,000 products, against 70-110 ms with the sums kept).
# `demand_window` holds the first whole UTC day the sums count from; `window_ordered` and
# `window_cancelled` of `demand_inputs` are `report_sales`' units from that day on. Every write to
# `report_sales` moves them in its transaction (row triggers on SQLite, statement triggers with transition
# tables on PostgreSQL), as does a kept row's insert; the app moves the first day as days pass
# (`resolvers/reports/window.py`), so this migration's start only has to be some day.
SUMS = {
    "window_ordered": "ordered",
    "window_cancelled": "cancelled",
}
INPUTS = '"demand_inputs"'
FIRST_DAY = '(SELECT w."first_day" FROM "demand_window" w)'

TABLES = [
    'CREATE TABLE "demand_window" ("id" INT NOT NULL PRIMARY KEY CHECK ("id" = 1), "first_day" {day} NOT NULL)',
    'INSERT INTO "demand_window" ("id", "first_day") VALUES (1, {start})',
    *(f'ALTER TABLE {INPUTS} ADD COLUMN "{column}" INT NOT NULL DEFAULT 0' for column in SUMS),
]


def refresh(keys: str) -> str:
    """The sums set from scratch on the kept rows whose (stock, product) `keys` selects."""
    assignments = ", ".join(
        f'"{column}" = COALESCE((SELECT SUM(s."{units}") FROM "report_sales" s WHERE s."stock_id" = {INPUTS}."stock_id" '
        f'AND s."product_id" = {INPUTS}."product_id" AND s."day" >= {FIRST_DAY}), 0)'
        for column, units in SUMS.items()
    )
    return f'UPDATE {INPUTS} SET {assignments} WHERE ("stock_id", "product_id") IN ({keys});'


BACKFILL = refresh('SELECT "stock_id", "product_id" FROM "report_sales"')


def sqlite_move(row: str, operator: str) -> str:
    """One `report_sales` row's units added (`operator` "+") or taken away ("-") when its day is in the window."""
    assignments = ", ".join(f'"{column}" = "{column}" {operator} {row}."{units}"' for column, units in SUMS.items())
    return (
        f'UPDATE {INPUTS} SET {assignments} WHERE "stock_id" = {row}."stock_id" AND "product_id" = {row}."product_id" '
        f'AND {row}."day" >= {FIRST_DAY};'
    )


SQLITE = [
    *(s.format(day="TEXT", start="date('now', '-29 days')") for s in TABLES),
    BACKFILL,
    f'CREATE TRIGGER "window_sales_insert" AFTER INSERT ON "report_sales" BEGIN {sqlite_move("NEW", "+")} END',
    f'CREATE TRIGGER "window_sales_delete" AFTER DELETE ON "report_sales" BEGIN {sqlite_move("OLD", "-")} END',
    'CREATE TRIGGER "window_sales_update" AFTER UPDATE ON "report_sales" BEGIN '
    f"{sqlite_move('OLD', '-')} {sqlite_move('NEW', '+')} END",
    f'CREATE TRIGGER "window_inputs_insert" AFTER INSERT ON {INPUTS} BEGIN '
    f'{refresh("SELECT NEW.stock_id, NEW.product_id")} END',
]


def postgres_moves(parts: list[tuple[str, int]]) -> str:
    """The rows of a statement's transition tables (`parts`: table, sign) in the window, added at once."""
    rows = " UNION ALL ".join(
        f'SELECT "stock_id", "product_id", "day", {sign} * "ordered" AS "ordered", {sign} * "cancelled" AS "cancelled" '
        f'FROM "{table}"'
        for table, sign in parts
    )
    assignments = ", ".join(f'"{column}" = k."{column}" + m."{units}"' for column, units in SUMS.items())
    return (
        f"UPDATE {INPUTS} k SET {assignments} FROM (SELECT r.\"stock_id\", r.\"product_id\", "
        'SUM(r."ordered") AS "ordered", SUM(r."cancelled") AS "cancelled" '
        f'FROM ({rows}) r WHERE r."day" >= {FIRST_DAY} GROUP BY r."stock_id", r."product_id") m '
        'WHERE k."stock_id" = m."stock_id" AND k."product_id" = m."product_id";'
    )


POSTGRES = [
    *(s.format(day="DATE", start="(now() AT TIME ZONE 'UTC')::date - 29") for s in TABLES),
    BACKFILL,
    *postgres_trigger(
        "window_sales_insert", "INSERT", "report_sales", 'REFERENCING NEW TABLE AS "added"', postgres_moves([("added", 1)])
    ),
    *postgres_trigger(
        "window_sales_delete",
        "DELETE",
        "report_sales",
        'REFERENCING OLD TABLE AS "removed"',
        postgres_moves([("removed", -1)]),
    ),
    *postgres_trigger(
        "window_sales_update",
        "UPDATE",
        "report_sales",
        'REFERENCING OLD TABLE AS "before" NEW TABLE AS "after"',
        postgres_moves([("after", 1), ("before", -1)]),
    ),
    *postgres_trigger(
        "window_sales_truncate",
        "TRUNCATE",
        "report_sales",
        "",
        f'UPDATE {INPUTS} SET {", ".join(f""""{column}" = 0""" for column in SUMS)};',
    ),
    *postgres_trigger(
        "window_inputs_insert",
        "INSERT",
        "demand_inputs",
        'REFERENCING NEW TABLE AS "added"',
        refresh('SELECT "stock_id", "product_id" FROM "added"'),
    ),
]


class Migration(migrations.Migration):
    """Reports at scale (issue 14): the demand report's default window of sales kept per stock item."""

    dependencies = [("models", "0019_report_sales_window")]

    initial = False

    operations = [DialectSQL(SQLITE, POSTGRES)]
