from collections.abc import Callable

from tortoise import migrations

from backstock.migrations._dialect_sql import DialectSQL, postgres_trigger


# Units on hand per (stock, product), what `inventory.counters` sums over the product's items at
# the stock's enabled sources, kept by triggers in the transaction of every write that changes it:
# a source item inserted, updated (quantity, in_stock, product, source) or deleted, a source joining
# or leaving a stock, a source enabled or disabled. `items` counts the product's items at the
# stock's enabled sources (a product is in the low-stock report only where it has one). A row is
# moved by deltas and stays when it falls to zero. A source's links are deleted before the source
# (a cascade would run the link triggers after the source, and its `enabled`, are gone).
TABLE = (
    'CREATE TABLE "stock_on_hand" ("stock_id" INT NOT NULL, "product_id" INT NOT NULL, "items" INT NOT NULL, '
    '"on_hand" INT NOT NULL, PRIMARY KEY ("stock_id", "product_id"))'
)
BACKFILL = (
    'INSERT INTO "stock_on_hand" ("stock_id", "product_id", "items", "on_hand") '
    'SELECT ss."stock_id", si."product_id", COUNT(*), SUM(CASE WHEN si."in_stock" THEN si."quantity" ELSE 0 END) '
    'FROM "source_item" si JOIN "stock_source" ss ON ss."source_id" = si."source_id" '
    'JOIN "source" s ON s."id" = si."source_id" WHERE s."enabled" GROUP BY ss."stock_id", si."product_id"'
)
UPSERT = (
    'ON CONFLICT ("stock_id", "product_id") DO UPDATE SET "items" = {table}"items" + excluded."items", '
    '"on_hand" = {table}"on_hand" + excluded."on_hand"'
)
LITE_UPSERT = UPSERT.format(table="")
PG_UPSERT = UPSERT.format(table='"stock_on_hand".')
INSERT = 'INSERT INTO "stock_on_hand" ("stock_id", "product_id", "items", "on_hand") '


def units(item: str) -> str:
    return f'CASE WHEN {item}."in_stock" THEN {item}."quantity" ELSE 0 END'


def sqlite_item(row: str, sign: str) -> str:
    """One source item added (`sign` "") to or taken away ("-") from its stock's count: row triggers."""
    return (
        f'{INSERT}SELECT ss."stock_id", {row}."product_id", {sign}1, {sign}{units(row)} '
        'FROM "stock_source" ss JOIN "source" s ON s."id" = ss."source_id" '
        f'WHERE ss."source_id" = {row}."source_id" AND s."enabled" {LITE_UPSERT};'
    )


def sqlite_source(stock: str, source: str, sign: str) -> str:
    """Every item of a source added to or taken away from a stock's count (a link, `enabled`)."""
    return (
        f'{INSERT}SELECT {stock}, si."product_id", {sign}1, {sign}{units("si")} FROM "source_item" si '
        f'JOIN "source" s ON s."id" = si."source_id" WHERE si."source_id" = {source} AND s."enabled" {LITE_UPSERT};'
    )


# A source's items move when its `enabled` flips: in when it turns true, out when it turns false.
FLIP = 'CASE WHEN NEW."enabled" THEN 1 ELSE -1 END'
ITEM_CHANGED = " OR ".join(
    f'OLD."{column}" IS NOT NEW."{column}"' for column in ("quantity", "in_stock", "product_id", "source_id")
)
LINK_CHANGED = 'OLD."stock_id" IS NOT NEW."stock_id" OR OLD."source_id" IS NOT NEW."source_id"'
SQLITE = [
    TABLE,
    BACKFILL,
    f'CREATE TRIGGER "on_hand_item_insert" AFTER INSERT ON "source_item" BEGIN {sqlite_item("NEW", "")} END',
    f'CREATE TRIGGER "on_hand_item_delete" AFTER DELETE ON "source_item" BEGIN {sqlite_item("OLD", "-")} END',
    f'CREATE TRIGGER "on_hand_item_update" AFTER UPDATE ON "source_item" WHEN {ITEM_CHANGED} BEGIN '
    f"{sqlite_item('OLD', '-')} {sqlite_item('NEW', '')} END",
    'CREATE TRIGGER "on_hand_link_insert" AFTER INSERT ON "stock_source" BEGIN '
    f"{sqlite_source('NEW.stock_id', 'NEW.source_id', '')} END",
    'CREATE TRIGGER "on_hand_link_delete" AFTER DELETE ON "stock_source" BEGIN '
    f"{sqlite_source('OLD.stock_id', 'OLD.source_id', '-')} END",
    f'CREATE TRIGGER "on_hand_link_update" AFTER UPDATE ON "stock_source" WHEN {LINK_CHANGED} BEGIN '
    f"{sqlite_source('OLD.stock_id', 'OLD.source_id', '-')} {sqlite_source('NEW.stock_id', 'NEW.source_id', '')} END",
    'CREATE TRIGGER "on_hand_source_update" AFTER UPDATE OF "enabled" ON "source" '
    'WHEN OLD."enabled" IS NOT NEW."enabled" BEGIN '
    f'{INSERT}SELECT ss."stock_id", si."product_id", {FLIP}, {FLIP} * {units("si")} FROM "source_item" si '
    'JOIN "stock_source" ss ON ss."source_id" = si."source_id" WHERE si."source_id" = NEW."id" '
    f"{LITE_UPSERT}; END",
    'CREATE TRIGGER "on_hand_source_delete" BEFORE DELETE ON "source" BEGIN '
    'DELETE FROM "stock_source" WHERE "source_id" = OLD."id"; END',
]


def postgres_items(parts: list[tuple[str, int]]) -> str:
    """The source items of a statement's transition tables (`parts`: table, sign) added to their
    stocks' counts at once, in key order (rows lock in one order whatever the statement)."""
    moved = " UNION ALL ".join(
        f'SELECT ss."stock_id", i."product_id", {sign} AS "items", {sign} * {units("i")} AS "on_hand" '
        f'FROM "{table}" i JOIN "stock_source" ss ON ss."source_id" = i."source_id" '
        'JOIN "source" s ON s."id" = i."source_id" WHERE s."enabled"'
        for table, sign in parts
    )
    return _postgres_moves(moved)


def postgres_links(parts: list[tuple[str, int]]) -> str:
    """Every item of the sources of the linked or unlinked `parts` (table, sign) moved at once."""
    moved = " UNION ALL ".join(
        f'SELECT l."stock_id", si."product_id", {sign} AS "items", {sign} * {units("si")} AS "on_hand" '
        f'FROM "{table}" l JOIN "source" s ON s."id" = l."source_id" '
        'JOIN "source_item" si ON si."source_id" = l."source_id" WHERE s."enabled"'
        for table, sign in parts
    )
    return _postgres_moves(moved)


SOURCES_FLIPPED = (
    f'SELECT ss."stock_id", si."product_id", {FLIP.replace("NEW", "n")} AS "items", '
    f'{FLIP.replace("NEW", "n")} * {units("si")} AS "on_hand" '
    'FROM "after" n JOIN "before" b ON b."id" = n."id" JOIN "stock_source" ss ON ss."source_id" = n."id" '
    'JOIN "source_item" si ON si."source_id" = n."id" WHERE n."enabled" IS DISTINCT FROM b."enabled"'
)


def _postgres_moves(moved: str) -> str:
    return (
        f'{INSERT}SELECT "stock_id", "product_id", SUM("items"), SUM("on_hand") FROM ({moved}) m '
        'GROUP BY "stock_id", "product_id" HAVING SUM("items") <> 0 OR SUM("on_hand") <> 0 '
        f'ORDER BY "stock_id", "product_id" {PG_UPSERT};'
    )



BEFORE_AFTER = 'REFERENCING OLD TABLE AS "before" NEW TABLE AS "after"'


def postgres_row_triggers(prefix: str, table: str, moves: Callable[[list[tuple[str, int]]], str]) -> list[str]:
    """`table`'s insert, delete and update triggers: each moves its transition tables' rows, added
    ones counted in, removed ones out (an update: the new rows in, the old ones out)."""
    return [
        *postgres_trigger(
            f"{prefix}_insert", "INSERT", table, 'REFERENCING NEW TABLE AS "added"', moves([("added", 1)])
        ),
        *postgres_trigger(
            f"{prefix}_delete", "DELETE", table, 'REFERENCING OLD TABLE AS "removed"', moves([("removed", -1)])
        ),
        *postgres_trigger(f"{prefix}_update", "UPDATE", table, BEFORE_AFTER, moves([("after", 1), ("before", -1)])),
    ]


POSTGRES = [
    TABLE,
    BACKFILL,
    *postgres_row_triggers("on_hand_item", "source_item", postgres_items),
    *postgres_row_triggers("on_hand_link", "stock_source", postgres_links),
    *postgres_trigger("on_hand_source_update", "UPDATE", "source", BEFORE_AFTER, _postgres_moves(SOURCES_FLIPPED)),
    *(
        statement
        for table in ("source_item", "stock_source")
        for statement in postgres_trigger(
            f"on_hand_{table}_truncate", "TRUNCATE", table, "", 'DELETE FROM "stock_on_hand";'
        )
    ),
    'CREATE FUNCTION "on_hand_source_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    'DELETE FROM "stock_source" WHERE "source_id" = OLD."id"; RETURN OLD; END $$',
    'CREATE TRIGGER "on_hand_source_delete" BEFORE DELETE ON "source" '
    'FOR EACH ROW EXECUTE FUNCTION "on_hand_source_delete"()',
]


class Migration(migrations.Migration):
    """Reports at scale (issue 14): units on hand per (stock, product) kept by triggers, so the low-stock
    and demand reports read one row per product instead of summing every source item of the stock."""

    dependencies = [("models", "0016_report_counters")]

    initial = False

    operations = [DialectSQL(SQLITE, POSTGRES)]
