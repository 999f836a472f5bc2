from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    """Pre-orders (DESIGN.md 7.2): the pre-order on its product row, which order lines were pre-ordered
    and are still held back, and the lease that elects the one worker releasing them."""

    dependencies = [('models', '0006_groups_caps')]

    initial = False

    operations = [
        ops.AddField(model_name='Product', name='preorder_release_date', field=fields.DateField(null=True)),
        ops.AddField(model_name='Product', name='preorder_max_quantity', field=fields.IntField(null=True)),
        ops.AddField(model_name='Product', name='preorder_message', field=fields.TextField(null=True)),
        ops.AddField(
            model_name='OrderLine', name='is_preorder', field=fields.BooleanField(default=False, db_default=False)
        ),
        ops.AddField(
            model_name='OrderLine', name='preorder_held', field=fields.BooleanField(default=False, db_default=False)
        ),
        ops.CreateModel(
            name='Lease',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('holder', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lease', 'app': 'models', 'pk_attr': 'name', 'table_description': 'Who leads a periodic task.'},
            bases=['Model'],
        ),
    ]
