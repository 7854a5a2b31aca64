"""Parse stage: document text -> syntax tree, within a token budget and a nesting budget.

Both budgets are checked while reading, so a hostile document costs at most the budget, not
its full size: ``max_tokens`` is graphql-core's own early stop, and nesting is measured by a
linear scan before the recursive-descent parser runs (the parser would otherwise hit Python's
recursion limit around 200 levels). Sibling selections that are written out identically are
merged here (``{ me { id } me { id } }`` is ``{ me { id } }`` by GraphQL's field merging), so
repeating a selection thousands of times costs nothing downstream; validation's
overlapping-fields rule is quadratic in such repeats.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from router.errors import (
    BAD_REQUEST,
    GRAPHQL_PARSE_FAILED,
    MAX_RECURSION_LIMIT,
    MAX_TOKENS_LIMIT,
    RequestError,
)
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.planning.cache import BoundedCache

AST_BYTES_PER_CHAR = 70
"""Measured: a parsed document holds about 70 bytes of Python objects per character of text."""

_TOKENS = re.compile(
    r'"""(?:\\"""|[^"]|"(?!""))*"""'  # block string
    r'|"(?:\\.|[^"\\\n])*"'  # string
    r"|\.\.\.|[!$&()\[\]{}:=@|]"  # punctuators
    r"|-?[0-9][0-9.eE+-]*|[_A-Za-z][_0-9A-Za-z]*"  # numbers, names
    r"|#[^\n\r]*"  # comment: consumed, not counted
)
_OPENING = frozenset("{([")
_CLOSING = frozenset("})]")


@dataclass(frozen=True, slots=True)
class ParserLimits:
    max_tokens: int = 15_000
    """Apollo Router's default; a 15,000-token document is about 60 KB of GraphQL."""
    max_recursion: int = 100
    """Nesting of ``{`` ``(`` ``[`` together; Python's own recursion limit sits near 200."""


class ParseStage:
    """Parses ``ctx.query`` into ``ctx.document``; results and refusals are cached by text."""

    def __init__(self, limits: ParserLimits, offload: CpuOffload, cache_bytes: int) -> None:
        self.limits = limits
        self.offload = offload
        self.cache: BoundedCache[DocumentNode | RequestError] = BoundedCache(cache_bytes)

    async def __call__(self, ctx: RequestContext) -> None:
        text = ctx.query
        if not text.strip():
            raise RequestError("Request must contain a 'query' string.", BAD_REQUEST)
        cached = self.cache.get(text)
        if cached is None:
            cached = await self.offload.run(len(text), parse_document, text, self.limits)
            per_char = 1 if isinstance(cached, RequestError) else AST_BYTES_PER_CHAR
            self.cache.put(text, cached, weight=len(text) * (1 + per_char))
        if isinstance(cached, RequestError):
            raise cached
        ctx.document = cached


def parse_document(text: str, limits: ParserLimits) -> DocumentNode | RequestError:
    """The merged syntax tree of ``text``, or the coded refusal (returned, so it can be cached)."""
    tokens, depth = scan(text, limits)
    if tokens > limits.max_tokens:
        return RequestError(
            f"The document has more than {limits.max_tokens} tokens.", MAX_TOKENS_LIMIT
        )
    if depth > limits.max_recursion:
        return RequestError(
            f"The document nests deeper than {limits.max_recursion} levels.", MAX_RECURSION_LIMIT
        )
    try:
        document = parse(text, no_location=False, max_tokens=limits.max_tokens)
    except GraphQLError as exc:
        if "token limit" in exc.message.lower() or "tokens" in exc.message.lower():
            return RequestError(
                f"The document has more than {limits.max_tokens} tokens.", MAX_TOKENS_LIMIT
            )
        locations = [{"line": loc.line, "column": loc.column} for loc in exc.locations or ()]
        return RequestError(exc.message, GRAPHQL_PARSE_FAILED, locations=locations or None)
    except RecursionError:
        return RequestError("The document nests too deeply.", MAX_RECURSION_LIMIT)
    return merge_identical_selections(document)


def scan(text: str, limits: ParserLimits) -> tuple[int, int]:
    """(tokens, deepest bracket nesting) of ``text``, by one regular-expression pass that stops
    as soon as either is past its limit; about 20 times faster than the parser, so an
    oversized document is refused before the parser reads it."""
    tokens = depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == "#":
            continue
        tokens += 1
        if token in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
        elif token in _CLOSING:
            depth -= 1
        if tokens > limits.max_tokens or deepest > limits.max_recursion:
            break
    return tokens, deepest


def merge_identical_selections(document: DocumentNode) -> DocumentNode:
    """``document`` without sibling selections printed identically to an earlier sibling
    (innermost first); the same object when there are none."""

    class Merge(Visitor):
        def leave_selection_set(self, node: SelectionSetNode, *_: object) -> Any:
            selections = node.selections
            if len(selections) < 2:
                return None
            heads: dict[str, int] = {}
            for selection in selections:
                head = _head(selection)
                heads[head] = heads.get(head, 0) + 1
            if all(count == 1 for count in heads.values()):
                return None
            seen: set[str] = set()
            kept: list[SelectionNode] = []
            for selection in selections:
                if heads[_head(selection)] > 1:
                    printed = print_ast(selection)
                    if printed in seen:
                        continue
                    seen.add(printed)
                kept.append(selection)
            if len(kept) == len(selections):
                return None
            return dataclasses.replace(node, selections=tuple(kept))

    merged: DocumentNode = visit(document, Merge())
    return merged


def _head(selection: SelectionNode) -> str:
    """What two selections must share to possibly be identical (cheap to compute)."""
    if isinstance(selection, FieldNode):
        return selection.alias.value if selection.alias else selection.name.value
    if isinstance(selection, FragmentSpreadNode):
        return "..." + selection.name.value
    assert isinstance(selection, InlineFragmentNode)
    condition = selection.type_condition
    return "... on " + (condition.name.value if condition else "")
