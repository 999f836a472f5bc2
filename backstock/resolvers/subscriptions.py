"""What a stockChanged subscription listens to, checked like any other input before it starts."""

from __future__ import annotations

from backstock.events.broker import Interest
from backstock.resolvers import validation
from backstock.resolvers.errors import BadUserInput
from backstock.resolvers.inventory import stock_of_channel


async def stock_interest(skus: list[str] | None, channel: str | None) -> Interest:
    if skus is not None and len(skus) > validation.MAX_FILTER_SKUS:
        raise BadUserInput(
            f"skus: a subscription may name at most {validation.MAX_FILTER_SKUS} SKUs, got {len(skus)}", field="skus"
        )
    if channel is not None:
        await stock_of_channel(channel)
    return Interest(None if skus is None else frozenset(skus), channel)
