from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backstock.models.ledger import MovementReason
from backstock.models.orders import PaymentKind
from backstock.models.outbox import OutboxStatus
from backstock.rules import BackorderMode
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Order',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('customer_email', fields.CharField(max_length=254)),
                ('customer_name', fields.CharField(null=True, max_length=255)),
                ('grand_total', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=255)),
                ('request_fingerprint', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sales_order', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=40)),
                ('reference', fields.CharField(max_length=100)),
                ('recipients', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('subject', fields.CharField(max_length=255)),
                ('text_body', fields.TextField(unique=False)),
                ('html_body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=OutboxStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=OutboxStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_message', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='CAPTURE: CAPTURE\nREFUND: REFUND', enum_type=PaymentKind, max_length=10)),
                ('amount', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One money movement of an order: the capture at checkout, then any refunds.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Product',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sku', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=255)),
                ('price', fields.DecimalField(max_digits=12, decimal_places=2)),
                ('in_stock', fields.BooleanField(default=True)),
                ('reserved', fields.IntField(default=0)),
                ('low_stock_alerted', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('manage_stock', fields.BooleanField(null=True)),
                ('backorders', fields.CharEnumField(null=True, description='NO_BACKORDERS: NO_BACKORDERS\nALLOW_QTY_BELOW_ZERO: ALLOW_QTY_BELOW_ZERO\nALLOW_QTY_BELOW_ZERO_AND_NOTIFY: ALLOW_QTY_BELOW_ZERO_AND_NOTIFY', enum_type=BackorderMode, max_length=40)),
                ('out_of_stock_threshold', fields.IntField(null=True)),
                ('only_x_left_threshold', fields.IntField(null=True)),
                ('notify_for_quantity_below', fields.IntField(null=True)),
                ('min_sale_quantity', fields.IntField(null=True)),
                ('max_sale_quantity', fields.IntField(null=True)),
                ('quantity_increments', fields.IntField(null=True)),
            ],
            options={'table': 'product', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A sellable item. Each setting column is an override: NULL follows the store default.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='order_lines', on_delete=OnDelete.RESTRICT)),
                ('sku', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=255)),
                ('price', fields.DecimalField(max_digits=12, decimal_places=2)),
                ('ordered', fields.IntField()),
                ('ready', fields.IntField(default=0)),
                ('backordered', fields.IntField(default=0)),
                ('shipped', fields.IntField(default=0)),
                ('cancelled', fields.IntField(default=0)),
                ('backorder_message', fields.TextField(null=True, unique=False)),
                ('stock_tracked', fields.BooleanField(default=True)),
            ],
            options={'table': 'order_line', 'app': 'models', 'indexes': [Index(fields=['product_id', 'backordered']), Index(fields=['product_id', 'ready'])], 'pk_attr': 'id', 'table_description': 'Unit counts of one line: ordered = shipped + cancelled + ready + backordered always holds.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=40)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'shipment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('models.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.CASCADE)),
                ('sku', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'shipment_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SourceItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='source_items', on_delete=OnDelete.CASCADE)),
                ('source_code', fields.CharField(default='default', max_length=64)),
                ('quantity', fields.IntField(default=0)),
            ],
            options={'table': 'source_item', 'app': 'models', 'unique_together': (('product', 'source_code'),), 'pk_attr': 'id', 'table_description': 'Units physically held at one source. Only the `default` source exists for now.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockMovement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='movements', on_delete=OnDelete.CASCADE)),
                ('on_hand_delta', fields.IntField(default=0)),
                ('reserved_delta', fields.IntField(default=0)),
                ('reason', fields.CharEnumField(description='INITIAL_STOCK: INITIAL_STOCK\nSTOCK_COUNT: STOCK_COUNT\nADJUSTMENT: ADJUSTMENT\nCHECKOUT: CHECKOUT\nSHIPMENT: SHIPMENT\nCANCELLATION: CANCELLATION', enum_type=MovementReason, max_length=20)),
                ('note', fields.CharField(null=True, max_length=255)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='movements', on_delete=OnDelete.SET_NULL)),
                ('shipment', fields.ForeignKeyField('models.Shipment', source_field='shipment_id', null=True, db_constraint=True, to_field='id', related_name='movements', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'stock_movement', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoreConfig',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manage_stock', fields.BooleanField(default=True)),
                ('backorders', fields.CharEnumField(default=BackorderMode.NO_BACKORDERS, description='NO_BACKORDERS: NO_BACKORDERS\nALLOW_QTY_BELOW_ZERO: ALLOW_QTY_BELOW_ZERO\nALLOW_QTY_BELOW_ZERO_AND_NOTIFY: ALLOW_QTY_BELOW_ZERO_AND_NOTIFY', enum_type=BackorderMode, max_length=40)),
                ('out_of_stock_threshold', fields.IntField(default=0)),
                ('only_x_left_threshold', fields.IntField(default=0)),
                ('notify_for_quantity_below', fields.IntField(default=1)),
                ('min_sale_quantity', fields.IntField(default=1)),
                ('max_sale_quantity', fields.IntField(default=10000)),
                ('quantity_increments', fields.IntField(default=1)),
                ('low_stock_recipients', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'store_config', 'app': 'models', 'pk_attr': 'id', 'table_description': "The one row of store-wide defaults (id 1), absent until first saved, while Magento's defaults apply."},
            bases=['Model'],
        ),
    ]
