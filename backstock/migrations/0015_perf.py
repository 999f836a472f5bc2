from tortoise import migrations
from tortoise.migrations import operations as ops

from backstock.migrations._dialect_sql import DialectSQL
from tortoise import fields


# Row triggers on SQLite (it has no statement triggers). PostgreSQL counts each statement's rows
# once through its transition table (a 100,000-row COPY updates the row once, not 100,000 times),
# and TRUNCATE, which fires no DELETE trigger, sets the count to 0.
SQLITE = [
    'INSERT INTO "catalog_size" ("id", "products") SELECT 1, COUNT(*) FROM "product"',
    'CREATE TRIGGER "catalog_size_insert" AFTER INSERT ON "product" BEGIN '
    'UPDATE "catalog_size" SET "products" = "products" + 1 WHERE "id" = 1; END',
    'CREATE TRIGGER "catalog_size_delete" AFTER DELETE ON "product" BEGIN '
    'UPDATE "catalog_size" SET "products" = "products" - 1 WHERE "id" = 1; END',
]
POSTGRES = [
    'INSERT INTO "catalog_size" ("id", "products") SELECT 1, COUNT(*) FROM "product"',
    'CREATE FUNCTION "catalog_size_insert"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    'UPDATE "catalog_size" SET "products" = "products" + (SELECT COUNT(*) FROM "inserted") WHERE "id" = 1; '
    'RETURN NULL; END $$',
    'CREATE TRIGGER "catalog_size_insert" AFTER INSERT ON "product" REFERENCING NEW TABLE AS "inserted" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "catalog_size_insert"()',
    'CREATE FUNCTION "catalog_size_delete"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    'UPDATE "catalog_size" SET "products" = "products" - (SELECT COUNT(*) FROM "deleted") WHERE "id" = 1; '
    'RETURN NULL; END $$',
    'CREATE TRIGGER "catalog_size_delete" AFTER DELETE ON "product" REFERENCING OLD TABLE AS "deleted" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "catalog_size_delete"()',
    'CREATE FUNCTION "catalog_size_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
    'UPDATE "catalog_size" SET "products" = 0 WHERE "id" = 1; RETURN NULL; END $$',
    'CREATE TRIGGER "catalog_size_truncate" AFTER TRUNCATE ON "product" '
    'FOR EACH STATEMENT EXECUTE FUNCTION "catalog_size_truncate"()',
]


class Migration(migrations.Migration):
    """totalCount at scale: the number of products kept in a row by triggers, read instead of COUNT(*)."""

    dependencies = [('models', '0012_reports')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CatalogSize',
            fields=[
                ('id', fields.IntField(primary_key=True, unique=True, db_index=True)),
                ('products', fields.IntField()),
            ],
            options={'table': 'catalog_size', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        DialectSQL(SQLITE, POSTGRES),
    ]
