from tortoise import migrations
from tortoise.migrations import operations as ops
from backstock.rules.projection import PurchaseOrderStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_events_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Supplier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=255)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('lead_time_days', fields.IntField(null=True)),
            ],
            options={'table': 'supplier', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who a purchase order is placed with (`lead_time_days` null: unknown).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseOrder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=64)),
                ('supplier', fields.ForeignKeyField('models.Supplier', source_field='supplier_id', null=True, db_constraint=True, to_field='id', related_name='purchase_orders', on_delete=OnDelete.RESTRICT)),
                ('source', fields.ForeignKeyField('models.Source', source_field='source_id', db_constraint=True, to_field='id', related_name='purchase_orders', on_delete=OnDelete.RESTRICT)),
                ('expected_date', fields.DateField()),
                ('status', fields.CharEnumField(default=PurchaseOrderStatus.DRAFT, description='DRAFT: DRAFT\nOPEN: OPEN\nRECEIVED: RECEIVED\nCANCELED: CANCELED', enum_type=PurchaseOrderStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'purchase_order', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Units expected at `source` on `expected_date`, counted in projections only while OPEN.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseOrderLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase_order', fields.ForeignKeyField('models.PurchaseOrder', source_field='purchase_order_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='purchase_order_lines', on_delete=OnDelete.RESTRICT)),
                ('quantity_ordered', fields.IntField()),
                ('quantity_received', fields.IntField(default=0)),
            ],
            options={'table': 'purchase_order_line', 'app': 'models', 'unique_together': (('purchase_order', 'product'),), 'pk_attr': 'id', 'table_description': 'One SKU of a purchase order: units due = ordered - received.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OrderLine',
            name='told_ship_date',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Product',
            name='backorder_lead_time_days',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Product',
            name='supplier',
            field=fields.ForeignKeyField('models.Supplier', source_field='supplier_id', null=True, db_constraint=True, to_field='id', related_name='products', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='StoreConfig',
            name='backorder_lead_time_days',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='StoreConfig',
            name='customers_may_cancel_backorders',
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
