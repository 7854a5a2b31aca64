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
    MAX_ALIASES_LIMIT,
    MAX_DIRECTIVES_LIMIT,
    MAX_RECURSION_LIMIT,
    MAX_TOKENS_LIMIT,
    RequestError,
)
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.planning.cache import BoundedCache

AST_BYTES_PER_CHAR = 50
"""Measured without locations: 21 to 57 bytes of Python objects per character of text (more
for short documents). With locations it is twice that, and twice the objects for the garbage
collector to walk, so cached trees are parsed without them (validation re-parses a document it
refuses to point at the error)."""

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
    max_tokens: int = 5_000
    """A third of Apollo Router's 15,000: graphql-core parses about 150 tokens per millisecond
    here, so 5,000 bound the worst parse to about 35 ms of one core; GraphiQL's introspection
    query has 163 tokens."""
    max_recursion: int = 100
    """Nesting of ``{`` ``(`` ``[`` together; Python's own recursion limit sits near 200."""
    max_aliases: int | None = None
    """The operation limits' (``OperationLimits``), screened lexically; None: not screened."""
    max_directives: int | None = None


class DocumentCache:
    """Parsed documents and refusals by text, shared by the stages that judge a document.

    A stage that refuses a whole document (limits, validation) replaces its tree with the
    refusal: hostile documents then cost the cache only their text, and the next copy is
    refused at the parse stage.
    """

    def __init__(self, capacity: int) -> None:
        self.entries: BoundedCache[DocumentNode | RequestError] = BoundedCache(capacity)

    def get(self, text: str) -> DocumentNode | RequestError | None:
        return self.entries.get(text)

    def put(self, text: str, value: DocumentNode | RequestError) -> None:
        per_char = 1 if isinstance(value, RequestError) else AST_BYTES_PER_CHAR
        self.entries.put(text, value, weight=len(text) * (1 + per_char))

    def refuse(self, text: str, refusal: RequestError) -> None:
        self.put(text, refusal)


class ParseStage:
    """Parses ``ctx.query`` into ``ctx.document``; results and refusals are cached by text."""

    def __init__(self, limits: ParserLimits, offload: CpuOffload, cache: DocumentCache) -> None:
        self.limits = limits
        self.offload = offload
        self.documents = cache
        self.cache = cache.entries

    async def __call__(self, ctx: RequestContext) -> None:
        text = ctx.query
        if not text.strip():
            raise RequestError("Request must contain a 'query' string.", BAD_REQUEST)
        cached = self.documents.get(text)
        if cached is None:
            cached = await self.offload.run(len(text), parse_document, text, self.limits)
            self.documents.put(text, cached)
        if isinstance(cached, RequestError):
            raise cached.again()
        ctx.document = cached


def parse_document(
    text: str, limits: ParserLimits, *, with_locations: bool = False
) -> DocumentNode | RequestError:
    """The merged syntax tree of ``text``, or the coded refusal (returned, so it can be cached);
    without source locations unless asked (syntax errors have theirs either way)."""
    lexed = scan(text, limits)
    refusal = lexed.refusal(limits)
    if refusal is not None:
        return refusal
    try:
        document = parse(text, no_location=not with_locations, max_tokens=limits.max_tokens)
    except GraphQLError as exc:
        locations = [{"line": loc.line, "column": loc.column} for loc in exc.locations or ()]
        return RequestError(exc.message, GRAPHQL_PARSE_FAILED, locations=locations or None)
    except RecursionError:
        return RequestError("The document nests too deeply.", MAX_RECURSION_LIMIT)
    return merge_identical_selections(document)


@dataclass(frozen=True, slots=True)
class Scan:
    """What one lexical pass tells about a document before it is parsed.

    ``aliases`` and ``directives`` count the ``:`` and ``@`` outside parentheses (inside them
    are arguments, variable definitions and values); in a document with one operation, every
    such alias and directive is part of that operation at least once (an unused fragment is a
    validation error anyway), so a count past an operation limit is refused here, before the
    parser spends 10 µs a token on it.
    """

    tokens: int
    depth: int
    operations: int
    aliases: int
    directives: int

    def refusal(self, limits: ParserLimits) -> RequestError | None:
        if self.tokens > limits.max_tokens:
            return RequestError(
                f"The document has more than {limits.max_tokens} tokens.", MAX_TOKENS_LIMIT
            )
        if self.depth > limits.max_recursion:
            return RequestError(
                f"The document nests deeper than {limits.max_recursion} levels.",
                MAX_RECURSION_LIMIT,
            )
        if self.operations != 1:
            return None
        if limits.max_aliases is not None and self.aliases > limits.max_aliases:
            return RequestError(
                f"The operation exceeds the limit of {limits.max_aliases} aliases.",
                MAX_ALIASES_LIMIT,
            )
        if limits.max_directives is not None and self.directives > limits.max_directives:
            return RequestError(
                f"The operation exceeds the limit of {limits.max_directives} directives.",
                MAX_DIRECTIVES_LIMIT,
            )
        return None


def scan(text: str, limits: ParserLimits) -> Scan:
    """One regular-expression pass over ``text`` (about 20 times faster than the parser) that
    stops as soon as the tokens or the nesting are past their budget."""
    tokens = depth = deepest = parens = operations = aliases = directives = 0
    starting = True  # the next token at depth 0 starts a definition
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == "#":
            continue
        tokens += 1
        if starting and depth == 0:
            starting = False
            operations += token != "fragment"
        if token in _OPENING:
            depth += 1
            parens += token != "{"
            deepest = max(deepest, depth)
        elif token in _CLOSING:
            depth -= 1
            parens -= token != "}"
            starting = depth == 0 and token == "}"
        elif parens == 0:
            aliases += token == ":"
            directives += token == "@"
        if tokens > limits.max_tokens or deepest > limits.max_recursion:
            break
    return Scan(tokens, deepest, operations, aliases, directives)


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
