from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields


class Migration(migrations.Migration):
    """Reports and supplier emails (DESIGN.md 7.4): emails carry attachments (a purchase order's CSV),
    and a partial index finds a stock's waiting order lines without reading every line of it."""

    dependencies = [('models', '0010_alerts_alternatives')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMessage',
            name='attachments',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.RunSQL([
            'CREATE INDEX "idx_order_line_waiting" ON "order_line" ("stock_id", "product_id") WHERE "backordered" > 0',
        ]),
    ]
