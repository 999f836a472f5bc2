from tortoise import migrations

from backstock.migrations._dialect_sql import DialectSQL, postgres_trigger


# What the reports read instead of every order line (DESIGN.md 7.4), kept by triggers in the
# transaction of every write to `order_line` and `sales_order`, whoever writes (checkout,
# cancellations, shipments, allocation, bulk runs, the bench's loaders and raw UPDATEs):
# - report_waiting: units still waiting per (stock, product) (`backordered` of stock-tracked lines),
#   with the SKU so the backorder report's first page is an index range in its own order;
# - report_sales: units ordered and cancelled per (stock, product, UTC day the order was created),
#   so demand sums whole days and reads only its window's partial first day from the lines.
# Rows that fall to zero stay; readers skip them. An order's lines are deleted before the order (a
# cascade would run the line triggers after the order, and its day, are gone).
TABLES = [
    'CREATE TABLE "report_waiting" ("stock_id" INT NOT NULL, "product_id" INT NOT NULL, '
    '"sku" VARCHAR(64) NOT NULL, "units" INT NOT NULL, PRIMARY KEY ("stock_id", "product_id"))',
    'CREATE TABLE "report_sales" ("stock_id" INT NOT NULL, "product_id" INT NOT NULL, "day" {day} NOT NULL, '
    '"ordered" INT NOT NULL, "cancelled" INT NOT NULL, PRIMARY KEY ("stock_id", "product_id", "day"))',
    'CREATE INDEX "idx_report_waiting_page" ON "report_waiting" ("stock_id", "units" DESC, {sku}) WHERE "units" > 0',
    'CREATE INDEX "idx_sales_order_created_at" ON "sales_order" ("created_at")',
    'CREATE INDEX "idx_order_line_order" ON "order_line" ("order_id")',
    # A product view's units held for a release (`product_rows.PREORDERED`) found without reading the
    # product's every line; at 1,000,000 lines PostgreSQL's estimate of that read pushed a report's
    # 50-product page over jit_above_cost, and JIT compiled for 1.5 s to run 3 ms.
    'CREATE INDEX "idx_order_line_preorder_held" ON "order_line" ("product_id") WHERE "preorder_held"',
    'INSERT INTO "report_waiting" ("stock_id", "product_id", "sku", "units") '
    'SELECT "stock_id", "product_id", MIN("sku"), SUM("backordered") FROM "order_line" '
    'WHERE "stock_id" IS NOT NULL AND "stock_tracked" AND "backordered" > 0 GROUP BY "stock_id", "product_id"',
    'INSERT INTO "report_sales" ("stock_id", "product_id", "day", "ordered", "cancelled") '
    'SELECT ol."stock_id", ol."product_id", {order_day}, SUM(ol."ordered"), SUM(ol."cancelled") '
    'FROM "order_line" ol JOIN "sales_order" o ON o."id" = ol."order_id" WHERE ol."stock_id" IS NOT NULL '
    'GROUP BY ol."stock_id", ol."product_id", {order_day}',
]
SQLITE_DAY = 'date(o."created_at")'
POSTGRES_DAY = '(o."created_at" AT TIME ZONE \'UTC\')::date'

WAITING_UPSERT = (
    'ON CONFLICT ("stock_id", "product_id") DO UPDATE SET "units" = {table}"units" + excluded."units", '
    '"sku" = excluded."sku"'
)
SALES_UPSERT = (
    'ON CONFLICT ("stock_id", "product_id", "day") DO UPDATE SET "ordered" = {table}"ordered" + excluded."ordered", '
    '"cancelled" = {table}"cancelled" + excluded."cancelled"'
)

LITE_WAITING_UPSERT = WAITING_UPSERT.format(table="")
LITE_SALES_UPSERT = SALES_UPSERT.format(table="")
PG_WAITING_UPSERT = WAITING_UPSERT.format(table='"report_waiting".')
PG_SALES_UPSERT = SALES_UPSERT.format(table='"report_sales".')


def sqlite_moves(row: str, sign: str) -> str:
    """One line's part of both counters, added (`sign` "") or taken away ("-"): row triggers."""
    return (
        'INSERT INTO "report_waiting" ("stock_id", "product_id", "sku", "units") '
        f'SELECT {row}."stock_id", {row}."product_id", {row}."sku", {sign}{row}."backordered" '
        f'WHERE {row}."stock_id" IS NOT NULL AND {row}."stock_tracked" AND {row}."backordered" > 0 '
        f"{LITE_WAITING_UPSERT}; "
        'INSERT INTO "report_sales" ("stock_id", "product_id", "day", "ordered", "cancelled") '
        f'SELECT {row}."stock_id", {row}."product_id", {SQLITE_DAY}, {sign}{row}."ordered", {sign}{row}."cancelled" '
        f'FROM "sales_order" o WHERE o."id" = {row}."order_id" AND {row}."stock_id" IS NOT NULL '
        f"{LITE_SALES_UPSERT};"
    )


CHANGED = " OR ".join(
    f'OLD."{column}" IS NOT NEW."{column}"'
    for column in ("backordered", "stock_tracked", "ordered", "cancelled", "stock_id", "product_id", "order_id")
)
SQLITE = [
    *(s.format(day="TEXT", sku='"sku"', order_day=SQLITE_DAY) for s in TABLES),
    f'CREATE TRIGGER "report_line_insert" AFTER INSERT ON "order_line" BEGIN {sqlite_moves("NEW", "")} END',
    f'CREATE TRIGGER "report_line_delete" AFTER DELETE ON "order_line" BEGIN {sqlite_moves("OLD", "-")} END',
    f'CREATE TRIGGER "report_line_update" AFTER UPDATE ON "order_line" WHEN {CHANGED} BEGIN '
    f"{sqlite_moves('OLD', '-')} {sqlite_moves('NEW', '')} END",
    'CREATE TRIGGER "report_order_day" AFTER UPDATE OF "created_at" ON "sales_order" '
    'WHEN date(OLD."created_at") IS NOT date(NEW."created_at") BEGIN '
    'INSERT INTO "report_sales" ("stock_id", "product_id", "day", "ordered", "cancelled") '
    'SELECT ol."stock_id", ol."product_id", c."day", c."sign" * SUM(ol."ordered"), c."sign" * SUM(ol."cancelled") '
    'FROM (SELECT date(OLD."created_at") AS "day", -1 AS "sign" UNION ALL SELECT date(NEW."created_at"), 1) c '
    'JOIN "order_line" ol ON ol."order_id" = NEW."id" WHERE ol."stock_id" IS NOT NULL '
    'GROUP BY ol."stock_id", ol."product_id", c."day", c."sign" '
    f"{LITE_SALES_UPSERT}; END",
    'CREATE TRIGGER "report_order_delete" BEFORE DELETE ON "sales_order" BEGIN '
    'DELETE FROM "order_line" WHERE "order_id" = OLD."id"; END',
]


def postgres_moves(parts: list[tuple[str, int]]) -> str:
    """The lines of a statement's transition tables (`parts`: table, sign) added to both counters at
    once, in key order (rows lock in one order whatever the statement)."""
    waiting = " UNION ALL ".join(
        f'SELECT "stock_id", "product_id", "sku", {sign} * "backordered" AS "units" FROM "{table}" '
        'WHERE "stock_id" IS NOT NULL AND "stock_tracked" AND "backordered" > 0'
        for table, sign in parts
    )
    sales = " UNION ALL ".join(
        f'SELECT l."stock_id", l."product_id", {POSTGRES_DAY} AS "day", '
        f'{sign} * l."ordered" AS "ordered", {sign} * l."cancelled" AS "cancelled" '
        f'FROM "{table}" l JOIN "sales_order" o ON o."id" = l."order_id" WHERE l."stock_id" IS NOT NULL'
        for table, sign in parts
    )
    return (
        'INSERT INTO "report_waiting" ("stock_id", "product_id", "sku", "units") '
        f'SELECT "stock_id", "product_id", MIN("sku"), SUM("units") FROM ({waiting}) w '
        'GROUP BY "stock_id", "product_id" HAVING SUM("units") <> 0 ORDER BY "stock_id", "product_id" '
        f"{PG_WAITING_UPSERT}; "
        'INSERT INTO "report_sales" ("stock_id", "product_id", "day", "ordered", "cancelled") '
        f'SELECT "stock_id", "product_id", "day", SUM("ordered"), SUM("cancelled") FROM ({sales}) s '
        'GROUP BY "stock_id", "product_id", "day" HAVING SUM("ordered") <> 0 OR SUM("cancelled") <> 0 '
        'ORDER BY "stock_id", "product_id", "day" '
        f"{PG_SALES_UPSERT};"
    )



ORDER_DAY_MOVES = (
    'INSERT INTO "report_sales" ("stock_id", "product_id", "day", "ordered", "cancelled") '
    'SELECT ol."stock_id", ol."product_id", c."day", SUM(c."sign" * ol."ordered"), SUM(c."sign" * ol."cancelled") '
    "FROM (SELECT n.\"id\", (n.\"created_at\" AT TIME ZONE 'UTC')::date AS \"day\", 1 AS \"sign\" "
    'FROM "after" n JOIN "before" b ON b."id" = n."id" WHERE n."created_at" IS DISTINCT FROM b."created_at" '
    "UNION ALL SELECT b.\"id\", (b.\"created_at\" AT TIME ZONE 'UTC')::date, -1 "
    'FROM "after" n JOIN "before" b ON b."id" = n."id" WHERE n."created_at" IS DISTINCT FROM b."created_at") c '
    'JOIN "order_line" ol ON ol."order_id" = c."id" WHERE ol."stock_id" IS NOT NULL '
    'GROUP BY ol."stock_id", ol."product_id", c."day" HAVING SUM(c."sign" * ol."ordered") <> 0 '
    'OR SUM(c."sign" * ol."cancelled") <> 0 ORDER BY 1, 2, 3 '
    f"{PG_SALES_UPSERT};"
)
POSTGRES = [
    *(s.format(day="DATE", sku='"sku" COLLATE "C"', order_day=POSTGRES_DAY) for s in TABLES),
    *postgres_trigger(
        "report_line_insert", "INSERT", "order_line", 'REFERENCING NEW TABLE AS "added"', postgres_moves([("added", 1)])
    ),
    *postgres_trigger(
        "report_line_delete", "DELETE", "order_line", 'REFERENCING OLD TABLE AS "removed"', postgres_moves([("removed", -1)])
    ),
    *postgres_trigger(
        "report_line_update",
        "UPDATE",
        "order_line",
        'REFERENCING OLD TABLE AS "before" NEW TABLE AS "after"',
        postgres_moves([("after", 1), ("before", -1)]),
    ),
    *postgres_trigger(
        "report_line_truncate", "TRUNCATE", "order_line", "", 'DELETE FROM "report_waiting"; DELETE FROM "report_sales";'
    ),
    *postgres_trigger(
        "report_order_day",
        "UPDATE",
        "sales_order",
        'REFERENCING OLD TABLE AS "before" NEW TABLE AS "after"',
        ORDER_DAY_MOVES,
    ),
    'CREATE FUNCTION "report_order_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    'DELETE FROM "order_line" WHERE "order_id" = OLD."id"; RETURN OLD; END $$',
    'CREATE TRIGGER "report_order_delete" BEFORE DELETE ON "sales_order" '
    'FOR EACH ROW EXECUTE FUNCTION "report_order_delete"()',
]


class Migration(migrations.Migration):
    """Reports at scale (issue 14): waiting units and daily sales per product kept by triggers, and the
    indexes the reports page through."""

    dependencies = [('models', '0015_perf')]

    initial = False

    operations = [DialectSQL(SQLITE, POSTGRES)]
