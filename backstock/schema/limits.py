"""What one request may cost: document depth, aliases and fields counted once per fragment,
query length, execution time, and which documents the parse and validation caches keep."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.types.graphql import OperationType

log = logging.getLogger("backstock.limits")

# Longer documents are parsed and validated anew each time rather than kept: an AST takes
# about 500 bytes per token (a 10 KB query, 1.2 MB), and the caches hold hundreds of entries.
CACHED_QUERY_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class Size:
    """A selection set once its fragments are expanded: a field in a fragment counts at every
    spread of it. Depth skips introspection fields (graphql-core's MaxIntrospectionDepthRule
    bounds those)."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0


@dataclass(slots=True)
class _Own:
    """What a definition holds itself, and where it spreads fragments (None: under introspection)."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0
    spreads: list[tuple[str, int | None]] = field(default_factory=list)


def _own(selection_set: SelectionSetNode) -> _Own:
    own = _Own()
    pending: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while pending:
        selections, depth = pending.pop()
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                own.fields += 1
                own.aliases += selection.alias is not None
                inner = None if depth is None or selection.name.value.startswith("__") else depth + 1
                own.depth = max(own.depth, inner or 0)
                if selection.selection_set:
                    pending.append((selection.selection_set, inner))
            elif isinstance(selection, InlineFragmentNode):
                pending.append((selection.selection_set, depth))
            elif isinstance(selection, FragmentSpreadNode):
                own.spreads.append((selection.name.value, depth))
    return own


class DocumentSizes:
    """Sizes of a document's definitions, each fragment measured once.

    Spreading a fragment twice doubles its size but not the work here: a fragment's size is
    kept by name, so 24 fragments that each spread the next twice take 24 steps, not 2^24.
    The walk keeps its own stack (long fragment chains would pass Python's recursion limit);
    a spread that closes a cycle, or names no fragment, adds nothing (graphql-core's
    NoFragmentCycles and KnownFragmentNames rules report those).
    """

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.owns: dict[str, _Own] = {}
        self.sizes: dict[str, Size] = {}

    def of(self, operation: OperationDefinitionNode) -> Size:
        own = _own(operation.selection_set)
        for name, _ in own.spreads:
            self._measure(name)
        return self._combine(own)

    def _own_of(self, name: str) -> _Own:
        if name not in self.owns:
            self.owns[name] = _own(self.fragments[name].selection_set)
        return self.owns[name]

    def _measure(self, root: str) -> None:
        active: set[str] = set()
        pending: list[tuple[str, bool]] = [(root, False)]
        while pending:
            name, expanded = pending.pop()
            if name in self.sizes or name not in self.fragments:
                continue
            if expanded:
                self.sizes[name] = self._combine(self._own_of(name))
                active.discard(name)
            elif name not in active:
                active.add(name)
                pending.append((name, True))
                pending.extend((spread, False) for spread, _ in self._own_of(name).spreads if spread not in active)

    def _combine(self, own: _Own) -> Size:
        depth, fields, aliases = own.depth, own.fields, own.aliases
        for name, at in own.spreads:
            size = self.sizes.get(name, Size())
            fields += size.fields
            aliases += size.aliases
            if at is not None:
                depth = max(depth, at + size.depth)
        return Size(depth, fields, aliases)


def _count(number: int) -> str:
    """Expanded counts grow exponentially: a 1 KB document can select 2^600 fields."""
    return str(number) if number < 10**9 else "more than 10^9"


def document_limits(*, max_depth: int, max_aliases: int, max_cost: int) -> type[ValidationRule]:
    """One validation rule for the depth of each operation and the aliases and fields (the cost)
    of the whole document, all counted with fragments expanded.

    Build it once per schema: ValidationCache is keyed by the rule classes.
    """

    class DocumentLimits(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            """A document over a limit stops validation here: graphql-core's own rules, which
            would come next, take seconds on some 10 KB documents (overlapping fields)."""
            sizes = DocumentSizes(node)
            errors: list[GraphQLError] = []
            fields = aliases = 0
            for operation in (d for d in node.definitions if isinstance(d, OperationDefinitionNode)):
                size = sizes.of(operation)
                fields += size.fields
                aliases += size.aliases
                if size.depth > max_depth:
                    errors.append(
                        ValidationAbortedError(
                            f"The operation is {size.depth} fields deep; the limit is {max_depth} "
                            "(BACKSTOCK_MAX_QUERY_DEPTH).",
                            operation,
                        )
                    )
            if aliases > max_aliases:
                errors.append(
                    ValidationAbortedError(
                        f"The document has {_count(aliases)} aliases once fragments are expanded; the limit is "
                        f"{max_aliases} (BACKSTOCK_MAX_ALIASES)."
                    )
                )
            if fields > max_cost:
                errors.append(
                    ValidationAbortedError(
                        f"The document selects {_count(fields)} fields once fragments are expanded; the limit is "
                        f"{max_cost} (BACKSTOCK_MAX_QUERY_COST)."
                    )
                )
            if errors:
                for error in errors[:-1]:
                    self.report_error(error)
                raise errors[-1]

    return DocumentLimits


class QueryLengthLimit(SchemaExtension):
    """Refuses a long query before it is parsed, so neither the parser nor its cache sees it."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def on_operation(self) -> Iterator[None]:
        length = len(self.execution_context.query or "")
        if length > self.max_length:
            raise GraphQLError(
                f"The query is {length} characters long; the limit is {self.max_length} (BACKSTOCK_MAX_QUERY_LENGTH).",
                extensions={"code": "BAD_USER_INPUT"},
            )
        yield


class ExecutionTimeLimit(SchemaExtension):
    """Stops executing at the deadline. The time limit acts where a resolver awaits (the database,
    a DataLoader); parsing and validation are synchronous, and the document limits keep them short.
    A transaction cut short rolls back as on any other error. Subscriptions are meant to last: they
    are not limited (the validation limits still apply to their documents)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def on_execute(self) -> AsyncIterator[None]:
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        try:
            async with asyncio.timeout(self.seconds):
                yield
        except TimeoutError:
            log.warning("a request was stopped at the %g s execution time limit", self.seconds)
            raise GraphQLError(
                f"The request took longer than the limit of {self.seconds:g} s (BACKSTOCK_REQUEST_TIMEOUT) "
                "and was stopped.",
                extensions={"code": "BAD_USER_INPUT"},
            ) from None


def _cacheable(extension: SchemaExtension) -> bool:
    return len(extension.execution_context.query or "") <= CACHED_QUERY_LENGTH


class SmallDocumentParserCache(ParserCache):
    """strawberry's ParserCache, for documents of up to CACHED_QUERY_LENGTH characters."""

    def on_parse(self) -> Iterator[None]:
        if _cacheable(self):
            yield from super().on_parse()
        else:
            yield


class SmallDocumentValidationCache(ValidationCache):
    """strawberry's ValidationCache, for documents of up to CACHED_QUERY_LENGTH characters."""

    def on_validate(self) -> Iterator[None]:
        if _cacheable(self):
            yield from super().on_validate()
        else:
            yield
