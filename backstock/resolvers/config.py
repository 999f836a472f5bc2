"""Store-wide stock defaults: read them, and change them with validation."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from tortoise.connection import connections
from tortoise.transactions import in_transaction

from backstock import rules
from backstock.models import StoreConfig
from backstock.models.catalog import STORE_CONFIG_ID
from backstock.resolvers import promises, restate, validation
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.groups import checked_caps, terms


async def load_store_config() -> StoreConfig:
    """The saved store config, or Magento's defaults when none was ever saved (nothing is written).

    Every request reads it, so its statement is built by tortoise once per dialect (`config_read`)
    and the row becomes a model as tortoise's own select makes it: building the query anew cost a
    checkout as much CPU as its stock event."""
    connection = connections.get("default")
    rows = await connection.execute_query_dict(config_read(connection.capabilities.dialect))
    return StoreConfig._init_from_db(**rows[0]) if rows else StoreConfig(id=STORE_CONFIG_ID)


@functools.cache
def config_read(dialect: str) -> str:
    """The store config's SELECT in tortoise's SQL for the dialect (the bench's floor sends the same)."""
    return StoreConfig.filter(id=STORE_CONFIG_ID).limit(1).sql(params_inline=True)


async def update_store_config(changes: dict[str, Any], today: date) -> StoreConfig:
    """Applies the given fields (absent = unchanged) after checking the whole resulting config.

    An explicit null clears a nullable setting (backorderLeadTimeDays: unknown; the 7.3 settings: every
    group, no cap) and is refused elsewhere. A new backorderLeadTimeDays moves the dates of uncovered
    waiting units: their customers are told in the same transaction.
    """
    async with in_transaction():
        config = await StoreConfig.get_or_none(id=STORE_CONFIG_ID) or StoreConfig(id=STORE_CONFIG_ID)
        old = terms(config)
        for field, value in changes.items():
            if value is None and not StoreConfig._meta.fields_map[field].null:
                name = rules.contract_name(field)
                raise BadUserInput(f"{name} cannot be null (omit it to leave it unchanged)", field=name)
            if field == "low_stock_recipients":
                value = validation.emails(value, "lowStockRecipients")
            setattr(config, field, value)
        settings = config.stock_settings()
        validation.stock_settings({name: getattr(settings, name) for name in rules.SETTING_FIELDS}, settings)
        checked_caps(config.cap_settings(), product_level=False)
        await config.save()
        if promises.LEAD_TIME in changes:
            await promises.retell(None, settings, today)
        await restate.store_settings_changed(old, terms(config))
    return config
