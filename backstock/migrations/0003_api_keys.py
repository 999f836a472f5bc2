from tortoise import migrations
from tortoise.migrations import operations as ops
from backstock.models.keys import ApiKeyRole
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('role', fields.CharEnumField(description='ADMIN: ADMIN\nSTOREFRONT: STOREFRONT', enum_type=ApiKeyRole, max_length=10)),
                ('lookup', fields.CharField(unique=True, max_length=16)),
                ('salt', fields.CharField(max_length=32)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked', fields.BooleanField(default=False)),
            ],
            options={'table': 'api_key', 'app': 'models', 'pk_attr': 'id', 'table_description': "A bearer secret's record: its public lookup part and a salted hash, never the secret."},
            bases=['Model'],
        ),
    ]
