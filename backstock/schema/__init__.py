"""The strawberry schema: thin types over resolvers, with limits and error masking."""

from __future__ import annotations

from functools import partial

from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter

from backstock.schema.errors import Schema, masking
from backstock.schema.execution import PlainFieldExecutor
from backstock.schema.limits import (
    ExecutionTimeLimit,
    QueryLengthLimit,
    SmallDocumentParserCache,
    SmallDocumentValidationCache,
    document_limits,
)
from backstock.schema.mutation import Mutation
from backstock.schema.query import Query
from backstock.schema.subscriptions import Subscription
from backstock.settings import Settings


def build_schema(settings: Settings) -> Schema:
    """Extensions go in as factories: strawberry makes one per request (instances would be shared).

    The validation rules are built once and re-added per request as the same classes: rule
    classes built per request would miss ValidationCache (keyed by the rules) and re-validate
    every document.
    """
    rules: list[type[ASTValidationRule]] = [
        document_limits(
            max_depth=settings.max_query_depth, max_aliases=settings.max_aliases, max_cost=settings.max_query_cost
        )
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            partial(QueryLengthLimit, settings.max_query_length),
            partial(AddValidationRules, rules),
            partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
            partial(SmallDocumentParserCache, maxsize=256),
            partial(SmallDocumentValidationCache, maxsize=256),
            partial(ExecutionTimeLimit, settings.request_timeout),
            masking,
        ],
        execution_context_class=PlainFieldExecutor,
    )
