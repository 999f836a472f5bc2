"""The strawberry schema: thin types over resolvers, with limits and error masking."""

from __future__ import annotations

from functools import partial

from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from backstock.schema.errors import Schema, masking
from backstock.schema.mutation import Mutation
from backstock.schema.query import Query
from backstock.settings import Settings


def build_schema(settings: Settings) -> Schema:
    """Extensions go in as factories: strawberry makes one per request (instances would be shared).

    The depth and alias limits are built once and re-added per request as the same rule
    classes: a limiter built per request makes new rule classes each time, which misses
    ValidationCache (keyed by the rules) and re-validates every document.
    """
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    return Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            partial(AddValidationRules, limits),
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
            partial(ParserCache, maxsize=256),
            partial(ValidationCache, maxsize=256),
            masking,
        ],
    )
