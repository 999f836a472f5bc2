from tortoise import migrations
from tortoise.migrations import operations as ops
from backstock.models.ledger import MovementReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



class DropColumn(ops.RemoveField):
    """ALTER TABLE ... DROP COLUMN on both databases. On SQLite, RemoveField rebuilds the table,
    and dropping `product` with foreign keys on would cascade to (or be refused by) its children."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor:
            table = old_state.apps.get_model(f"{app_label}.{self.model_name}")._meta.db_table
            await state_editor._run_sql(f'ALTER TABLE "{table}" DROP COLUMN "{self.name}"')


class DescriptionOnly(ops.AlterField):
    """Only the enum's description changed (a new member fits the same VARCHAR): no table rebuild."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        return None


class Migration(migrations.Migration):
    """Sources, stocks and channels; existing units, reservations and orders move to `default`."""

    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Source',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=255)),
                ('enabled', fields.BooleanField(default=True)),
                ('email', fields.CharField(null=True, max_length=254)),
            ],
            options={'table': 'source', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A place that holds units: a warehouse, a shop, a dropshipper.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='sources', on_delete=OnDelete.CASCADE)),
                ('source', fields.ForeignKeyField('models.Source', source_field='source_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.RESTRICT)),
                ('sku', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'shipment_source', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where shipped units were taken from: one row per source and SKU of a shipment.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Stock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=255)),
            ],
            options={'table': 'stock', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A pool of sources, sold through the channels bound to it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Channel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('stock', fields.ForeignKeyField('models.Stock', source_field='stock_id', db_constraint=True, to_field='id', related_name='channels', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'channel', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A sales channel (a website, a market) and the one stock it sells from.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('stock', fields.ForeignKeyField('models.Stock', source_field='stock_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='stock_items', on_delete=OnDelete.CASCADE)),
                ('reserved', fields.IntField(default=0)),
                ('low_stock_alerted', fields.BooleanField(default=False)),
            ],
            options={'table': 'stock_item', 'app': 'models', 'unique_together': (('stock', 'product'),), 'pk_attr': 'id', 'table_description': 'One product in one stock: the units its orders reserve, and its low-stock latch.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('stock', fields.ForeignKeyField('models.Stock', source_field='stock_id', db_constraint=True, to_field='id', related_name='source_links', on_delete=OnDelete.CASCADE)),
                ('source', fields.OneToOneField('models.Source', source_field='source_id', db_constraint=True, to_field='id', related_name='stock_link', on_delete=OnDelete.CASCADE)),
                ('priority', fields.IntField()),
            ],
            options={'table': 'stock_source', 'app': 'models', 'pk_attr': 'id', 'table_description': "A source's place in its one stock: lower priority numbers ship first."},
            bases=['Model'],
        ),
        ops.RunSQL([
            "INSERT INTO source (code, name, enabled) VALUES ('default', 'Default source', TRUE)",
            "INSERT INTO stock (code, name) VALUES ('default', 'Default stock')",
            "INSERT INTO stock_source (stock_id, source_id, priority) SELECT stock.id, source.id, 1 FROM stock, source "
            "WHERE stock.code = 'default' AND source.code = 'default'",
            "INSERT INTO channel (code, stock_id) SELECT 'default', id FROM stock WHERE code = 'default'",
            "INSERT INTO stock_item (stock_id, product_id, reserved, low_stock_alerted) "
            "SELECT stock.id, product.id, product.reserved, product.low_stock_alerted FROM stock, product "
            "WHERE stock.code = 'default'",
            "CREATE TABLE source_item_0001 AS SELECT source_item.product_id, source_item.quantity, product.in_stock "
            "FROM source_item JOIN product ON product.id = source_item.product_id",
        ]),
        ops.DeleteModel(name='SourceItem'),
        ops.CreateModel(
            name='SourceItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='source_items', on_delete=OnDelete.CASCADE)),
                ('source', fields.ForeignKeyField('models.Source', source_field='source_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField(default=0)),
                ('in_stock', fields.BooleanField(default=True)),
                ('notify_for_quantity_below', fields.IntField(null=True)),
                ('low_stock_alerted', fields.BooleanField(default=False)),
            ],
            options={'table': 'source_item', 'app': 'models', 'unique_together': (('product', 'source'),), 'pk_attr': 'id', 'table_description': "One product at one source: units on hand (never below 0) and Magento's source item status."},
            bases=['Model'],
        ),
        ops.RunSQL([
            "INSERT INTO source_item (product_id, source_id, quantity, in_stock, low_stock_alerted) "
            "SELECT old.product_id, source.id, old.quantity, old.in_stock, FALSE FROM source_item_0001 old, source "
            "WHERE source.code = 'default'",
            "DROP TABLE source_item_0001",
        ]),
        DropColumn(model_name='Product', name='in_stock'),
        DropColumn(model_name='Product', name='low_stock_alerted'),
        DropColumn(model_name='Product', name='reserved'),
        ops.AddField(
            model_name='Order',
            name='channel',
            field=fields.CharField(db_default='default', max_length=32),
        ),
        ops.AddField(
            model_name='Order',
            name='stock',
            field=fields.ForeignKeyField('models.Stock', source_field='stock_id', null=True, db_constraint=True, to_field='id', related_name='orders', on_delete=OnDelete.RESTRICT),
        ),
        ops.RemoveIndex(
            model_name='OrderLine',
            name=None,
            fields=['product_id', 'backordered'],
        ),
        ops.RemoveIndex(
            model_name='OrderLine',
            name=None,
            fields=['product_id', 'ready'],
        ),
        ops.AddField(
            model_name='OrderLine',
            name='stock',
            field=fields.ForeignKeyField('models.Stock', source_field='stock_id', null=True, db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='OrderLine',
            index=Index(fields=['stock_id', 'product_id', 'backordered']),
        ),
        ops.AddIndex(
            model_name='OrderLine',
            index=Index(fields=['stock_id', 'product_id', 'ready']),
        ),
        ops.AddField(
            model_name='StockMovement',
            name='source',
            field=fields.ForeignKeyField('models.Source', source_field='source_id', null=True, db_constraint=True, to_field='id', related_name='movements', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='StockMovement',
            name='stock',
            field=fields.ForeignKeyField('models.Stock', source_field='stock_id', null=True, db_constraint=True, to_field='id', related_name='movements', on_delete=OnDelete.RESTRICT),
        ),
        ops.RunSQL([
            "UPDATE sales_order SET stock_id = (SELECT id FROM stock WHERE code = 'default')",
            "UPDATE order_line SET stock_id = (SELECT id FROM stock WHERE code = 'default')",
            "UPDATE stock_movement SET source_id = (SELECT id FROM source WHERE code = 'default') "
            "WHERE on_hand_delta <> 0",
            "UPDATE stock_movement SET stock_id = (SELECT id FROM stock WHERE code = 'default') "
            "WHERE reserved_delta <> 0",
        ]),
        ops.AlterModelOptions(
            name='StockMovement',
            options={'table': 'stock_movement', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An on-hand delta names its source, a reserved delta its stock: each counter sums its own rows.'},
        ),
        DescriptionOnly(
            model_name='StockMovement',
            name='reason',
            field=fields.CharEnumField(description='INITIAL_STOCK: INITIAL_STOCK\nSTOCK_COUNT: STOCK_COUNT\nADJUSTMENT: ADJUSTMENT\nCHECKOUT: CHECKOUT\nSHIPMENT: SHIPMENT\nCANCELLATION: CANCELLATION\nTRANSFER: TRANSFER', enum_type=MovementReason, max_length=20),
        ),
    ]
