from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields


class Migration(migrations.Migration):
    """Customer groups and backorder caps (DESIGN.md 7.3): three nullable settings at store and product
    level, and the group each order was placed for (existing orders were all GUEST)."""

    dependencies = [('models', '0005_purchasing')]

    initial = False

    operations = [
        ops.AddField(
            model_name='StoreConfig',
            name='backorder_customer_groups',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='StoreConfig',
            name='max_backorder_quantity_per_order',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='StoreConfig',
            name='max_backorder_quantity_per_customer',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Product',
            name='backorder_customer_groups',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Product',
            name='max_backorder_quantity_per_order',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Product',
            name='max_backorder_quantity_per_customer',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Order',
            name='customer_group',
            field=fields.CharField(db_default='GUEST', max_length=32),
        ),
    ]
