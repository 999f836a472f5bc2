from tortoise import migrations
from tortoise.migrations import operations as ops
from backstock.models.alerts import StockAlertStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    """Back-in-stock alerts with a per-email counter of active ones, product alternatives, and the
    unsubscribe token an outbox email carries (DESIGN.md 7.2)."""

    dependencies = [('models', '0009_preorders')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProductAlternative',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='alternative_links', on_delete=OnDelete.CASCADE)),
                ('alternative', fields.ForeignKeyField('models.Product', source_field='alternative_id', db_constraint=True, to_field='id', related_name='alternative_of', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
            ],
            options={'table': 'product_alternative', 'app': 'models', 'unique_together': (('product', 'position'), ('product', 'alternative')), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockAlert',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('models.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='stock_alerts', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('status', fields.CharEnumField(default=StockAlertStatus.ACTIVE, description='ACTIVE: ACTIVE\nNOTIFIED: NOTIFIED\nUNSUBSCRIBED: UNSUBSCRIBED', enum_type=StockAlertStatus, max_length=12)),
                ('active_key', fields.CharField(null=True, unique=True, max_length=280)),
                ('token', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stock_alert', 'app': 'models', 'indexes': [Index(fields=['product_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StockAlertEmail',
            fields=[
                ('email', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=254)),
                ('active', fields.IntField(default=0)),
            ],
            options={'table': 'stock_alert_email', 'app': 'models', 'pk_attr': 'email'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='unsubscribe_token',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
