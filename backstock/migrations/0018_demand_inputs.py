from tortoise import migrations

from backstock.migrations._dialect_sql import DialectSQL, postgres_trigger


# Every input of a product's reorder suggestion but its window's sales, one narrow row per stock item
# (stock, product), so the demand report reads one row per candidate instead of meeting the product,
# stock item, on-hand, waiting, alert, purchase order and supplier rows of each (DESIGN.md 7.4, issue 14):
# SKU, units on hand (`stock_on_hand`), reserved (`stock_item`), waiting (`report_waiting`), incoming
# on OPEN purchase orders at the stock's sources, the product's supplier and its active back-in-stock
# alerts. A row is inserted and deleted with its stock item. Every other write that moves an input
# sets that input again from its source, computed from scratch for the rows it touches (so the order
# in which cascades and chained triggers run does not matter), in the write's transaction:
# row triggers on SQLite, statement triggers with transition tables on PostgreSQL.
INPUTS = '"demand_inputs"'
KEY = f'{INPUTS}."stock_id"', f'{INPUTS}."product_id"'


def _at(table: str, alias: str) -> str:
    """`alias` of `table` on the kept row's (stock, product)."""
    return f'"{table}" {alias} WHERE {alias}."stock_id" = {KEY[0]} AND {alias}."product_id" = {KEY[1]}'


FRESH = {
    "on_hand": f'COALESCE((SELECT h."on_hand" FROM {_at("stock_on_hand", "h")}), 0)',
    "reserved": f'COALESCE((SELECT st."reserved" FROM {_at("stock_item", "st")}), 0)',
    "waiting": f'COALESCE((SELECT w."units" FROM {_at("report_waiting", "w")}), 0)',
    "incoming": 'COALESCE((SELECT SUM(pol."quantity_ordered" - pol."quantity_received") FROM "purchase_order_line" pol '
    'JOIN "purchase_order" po ON po."id" = pol."purchase_order_id" '
    'JOIN "stock_source" ss ON ss."source_id" = po."source_id" '
    f'WHERE ss."stock_id" = {KEY[0]} AND pol."product_id" = {KEY[1]} AND po."status" = \'OPEN\' '
    'AND pol."quantity_received" < pol."quantity_ordered"), 0)',
    "supplier_id": f'(SELECT p."supplier_id" FROM "product" p WHERE p."id" = {KEY[1]})',
    "subscribers": f'(SELECT COUNT(*) FROM "stock_alert" a WHERE a."product_id" = {KEY[1]} AND a."status" = \'ACTIVE\')',
}
COLUMNS = tuple(FRESH)

TABLE = (
    f'CREATE TABLE {INPUTS} ("stock_id" INT NOT NULL, "product_id" INT NOT NULL, "sku" VARCHAR(64) {{sku}} NOT NULL, '
    '"on_hand" INT NOT NULL, "reserved" INT NOT NULL, "waiting" INT NOT NULL, "incoming" INT NOT NULL, '
    '"supplier_id" INT, "subscribers" INT NOT NULL, PRIMARY KEY ("stock_id", "product_id")){rowid}'
)


def refresh(columns: tuple[str, ...], keys: str) -> str:
    """`columns` set again from their sources on the kept rows whose (stock, product) `keys` selects."""
    assignments = ", ".join(f'"{column}" = {FRESH[column]}' for column in columns)
    return f'UPDATE {INPUTS} SET {assignments} WHERE ("stock_id", "product_id") IN ({keys});'


def added(rows: str) -> list[str]:
    """Kept rows for the stock items `rows` selects (stock_id, product_id), every input set from scratch
    (`WHERE TRUE`: SQLite's parser needs a WHERE before an upsert's ON CONFLICT)."""
    names = ", ".join(f'"{column}"' for column in COLUMNS)
    zeros = ", ".join("0" for _ in COLUMNS)
    return [
        f'INSERT INTO {INPUTS} ("stock_id", "product_id", "sku", {names}) '
        f'SELECT r."stock_id", r."product_id", p."sku", {zeros} FROM ({rows}) r '
        'JOIN "product" p ON p."id" = r."product_id" WHERE TRUE ORDER BY 1, 2 ON CONFLICT DO NOTHING;',
        refresh(COLUMNS, f'SELECT "stock_id", "product_id" FROM ({rows}) r'),
    ]


# What moves which inputs: (table, the columns it moves, the (stock, product) keys a written row
# `{r}` touches, the SQLite trigger's column list for updates).
PER_STOCK = 'SELECT {r}."stock_id", {r}."product_id"'
EVERY_STOCK = 'SELECT s."id", {r}."product_id" FROM "stock" s'
SOURCES = [
    ("stock_on_hand", ("on_hand",), PER_STOCK, ""),
    ("report_waiting", ("waiting",), PER_STOCK, ""),
    ("purchase_order_line", ("incoming",), EVERY_STOCK, ""),
    (
        "purchase_order",
        ("incoming",),
        'SELECT s."id", pol."product_id" FROM "stock" s, "purchase_order_line" pol '
        'WHERE pol."purchase_order_id" = {r}."id"',
        ' OF "status", "source_id"',
    ),
    (
        "stock_source",
        ("incoming",),
        'SELECT {r}."stock_id", pol."product_id" FROM "purchase_order_line" pol '
        'JOIN "purchase_order" po ON po."id" = pol."purchase_order_id" WHERE po."source_id" = {r}."source_id"',
        "",
    ),
    ("product", ("supplier_id",), 'SELECT s."id", {r}."id" FROM "stock" s', ' OF "supplier_id"'),
    ("stock_alert", ("subscribers",), EVERY_STOCK, ""),
]
RESERVED = ("stock_item", ("reserved",), PER_STOCK, ' OF "reserved"')
BACKFILL = added('SELECT "stock_id", "product_id" FROM "stock_item"')


def sqlite_triggers() -> list[str]:
    statements = []
    for table, columns, keys, update_of in [*SOURCES, RESERVED]:
        moves = {
            "insert": refresh(columns, keys.format(r="NEW")),
            "delete": refresh(columns, keys.format(r="OLD")),
            # Two statements, not one over `OLD UNION NEW`: SQLite finds a compound's keys by scanning every
            # kept row (100,000 at the bench's size, ~14 ms per checkout write), a plain list by primary key.
            "update": f"{refresh(columns, keys.format(r='OLD'))} {refresh(columns, keys.format(r='NEW'))}",
        }
        if table == "stock_item":  # its insert and delete add and remove the kept row
            moves = {"update": moves["update"]}
        for event, body in moves.items():
            of = update_of if event == "update" else ""
            statements.append(
                f'CREATE TRIGGER "demand_{table}_{event}" AFTER {event.upper()}{of} ON "{table}" BEGIN {body} END'
            )
    return [
        *statements,
        'CREATE TRIGGER "demand_stock_item_insert" AFTER INSERT ON "stock_item" BEGIN '
        f"{' '.join(added('SELECT NEW.stock_id AS stock_id, NEW.product_id AS product_id'))} END",
        'CREATE TRIGGER "demand_stock_item_delete" AFTER DELETE ON "stock_item" BEGIN '
        f'DELETE FROM {INPUTS} WHERE "stock_id" = OLD."stock_id" AND "product_id" = OLD."product_id"; END',
    ]



def _rows_of(keys: str, *tables: str) -> str:
    """`keys` for every row of the transition `tables`."""
    return " UNION ".join(f'SELECT k.* FROM "{t}" r, LATERAL ({keys.format(r="r")}) k' for t in tables)


def postgres_triggers() -> list[str]:
    statements = []
    for table, columns, keys, _ in [*SOURCES, RESERVED]:
        events = {
            "insert": ('REFERENCING NEW TABLE AS "added"', ("added",)),
            "delete": ('REFERENCING OLD TABLE AS "removed"', ("removed",)),
            "update": ('REFERENCING OLD TABLE AS "before" NEW TABLE AS "after"', ("before", "after")),
        }
        if table == "stock_item":
            events = {"update": events["update"]}
        for event, (tables, names) in events.items():
            body = refresh(columns, _rows_of(keys, *names))
            statements += postgres_trigger(f"demand_{table}_{event}", event.upper(), table, tables, body)
        if table != "stock_item":  # a TRUNCATE leaves nothing to read: every row set from scratch
            every = f'SELECT "stock_id", "product_id" FROM {INPUTS}'
            statements += postgres_trigger(f"demand_{table}_truncate", "TRUNCATE", table, "", refresh(columns, every))
    return [
        *statements,
        *postgres_trigger(
            "demand_stock_item_insert",
            "INSERT",
            "stock_item",
            'REFERENCING NEW TABLE AS "added"',
            " ".join(added('SELECT "stock_id", "product_id" FROM "added"')),
        ),
        *postgres_trigger(
            "demand_stock_item_delete",
            "DELETE",
            "stock_item",
            'REFERENCING OLD TABLE AS "removed"',
            f'DELETE FROM {INPUTS} WHERE ("stock_id", "product_id") IN (SELECT "stock_id", "product_id" FROM "removed");',
        ),
        *postgres_trigger("demand_stock_item_truncate", "TRUNCATE", "stock_item", "", f"DELETE FROM {INPUTS};"),
    ]


SQLITE = [TABLE.format(sku="", rowid=" WITHOUT ROWID"), *BACKFILL, *sqlite_triggers()]
POSTGRES = [TABLE.format(sku='COLLATE "C"', rowid=""), *BACKFILL, *postgres_triggers()]


class Migration(migrations.Migration):
    """Reports at scale (issue 14): the demand report's per-product inputs kept by triggers, one row per stock item."""

    dependencies = [("models", "0017_stock_on_hand")]

    initial = False

    operations = [DialectSQL(SQLITE, POSTGRES)]
