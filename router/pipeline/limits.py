"""Operation limits stage: measure the operation's shape and refuse what is past a limit.

It runs before validation on purpose: validation is the costliest step for a hostile document
(graphql-core's overlapping-fields rule is quadratic), and everything measured here is
linear. Each fragment is measured once and its totals reused for every spread, so a fragment
bomb (each fragment spreading the next twice) is measured in time linear in its text while the
numbers say what expanding it would cost. The merged response tree (for height and root
fields) is walked only after the expanded size is known to be within ``max_selections``.

Not validated yet means unknown fragments and fragment cycles can appear: they count as empty
here and validation reports them next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from router.errors import (
    MAX_ALIASES_LIMIT,
    MAX_DEPTH_LIMIT,
    MAX_DIRECTIVES_LIMIT,
    MAX_FIELD_MERGES_LIMIT,
    MAX_HEIGHT_LIMIT,
    MAX_ROOT_FIELDS_LIMIT,
    MAX_SELECTIONS_LIMIT,
    RequestError,
)
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.pipeline.parse import DocumentCache
from router.planning.cache import BoundedCache


@dataclass(frozen=True, slots=True)
class OperationLimits:
    """Defaults and the reasoning behind each are in docs/configuration.md."""

    max_depth: int = 50
    max_height: int = 200
    max_aliases: int = 30
    max_root_fields: int = 20
    max_selections: int = 10_000
    max_directives: int = 50
    max_field_merges: int = 5_000


@dataclass(frozen=True, slots=True)
class OperationMeasure:
    """The shape of one operation; ``height`` and ``root_fields`` count the merged response
    tree (fields merged by response key), the others the expanded operation."""

    depth: int
    selections: int
    aliases: int
    directives: int
    root_fields: int
    height: int
    field_merges: int
    """Pairs of field selections that share a response key in one merged selection set:
    what validation's overlapping-fields rule compares, one by one."""


@dataclass(frozen=True, slots=True)
class _Totals:
    selections: int = 0
    aliases: int = 0
    directives: int = 0
    depth: int = 0


_EMPTY = _Totals()


def measure(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    *,
    max_selections: int,
    measurer: _Measurer | None = None,
) -> OperationMeasure:
    """The operation's shape; ``root_fields`` and ``height`` are 0 when the expanded
    ``selections`` exceed ``max_selections`` or fragments form a cycle (they are not walked
    then)."""
    measurer = measurer or _Measurer(document)
    totals = measurer.totals(operation.selection_set)
    directives = totals.directives + len(operation.directives or ())
    root_fields = height = merges = 0
    if totals.selections <= max_selections and not measurer.cyclic:
        root_fields = len(measurer.merged([operation.selection_set]))
        height, merges = measurer.merged_tree([operation.selection_set])
    return OperationMeasure(
        depth=totals.depth,
        selections=totals.selections,
        aliases=totals.aliases,
        directives=directives,
        root_fields=root_fields,
        height=height,
        field_merges=merges,
    )


def check(measured: OperationMeasure, limits: OperationLimits) -> RequestError | None:
    """The first limit ``measured`` exceeds, as a coded refusal."""
    checks = (
        (measured.depth, limits.max_depth, "depth", MAX_DEPTH_LIMIT),
        (
            measured.selections,
            limits.max_selections,
            "expanded field selections",
            MAX_SELECTIONS_LIMIT,
        ),
        (measured.aliases, limits.max_aliases, "aliases", MAX_ALIASES_LIMIT),
        (measured.directives, limits.max_directives, "directives", MAX_DIRECTIVES_LIMIT),
        (measured.root_fields, limits.max_root_fields, "root fields", MAX_ROOT_FIELDS_LIMIT),
        (measured.height, limits.max_height, "distinct fields (height)", MAX_HEIGHT_LIMIT),
        (measured.field_merges, limits.max_field_merges, "field merges", MAX_FIELD_MERGES_LIMIT),
    )
    for value, limit, what, code in checks:
        if value > limit:
            return RequestError(f"The operation exceeds the limit of {limit} {what}.", code)
    return None


class OperationLimitsStage:
    """Refuses a document any of whose operations is past a limit; verdicts cached by text.

    Every operation is measured, not only the one the request names: validation, which comes
    next, reads the whole document, so a costly operation beside a cheap one would otherwise
    cost the router its full price while the request names the cheap one."""

    def __init__(
        self, limits: OperationLimits, offload: CpuOffload, documents: DocumentCache
    ) -> None:
        self.limits = limits
        self.offload = offload
        self.documents = documents
        self.cache: BoundedCache[bool] = BoundedCache(documents.entries.capacity)

    async def __call__(self, ctx: RequestContext) -> None:
        if self.cache.get(ctx.query):
            return
        document = ctx.require_document()
        verdict = await self.offload.run(len(ctx.query), self._verdict, document)
        if isinstance(verdict, RequestError):
            self.documents.refuse(ctx.query, verdict)
            raise verdict.again()
        self.cache.put(ctx.query, verdict, weight=len(ctx.query) + 64)

    def _verdict(self, document: DocumentNode) -> RequestError | bool:
        """Each operation against the limits; their expanded fields together against
        ``max_selections`` too, so many operations cannot add up to what one may not do."""
        measurer = _Measurer(document)  # fragments measured once for every operation
        budget = self.limits.max_selections
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            measured = measure(document, definition, max_selections=budget, measurer=measurer)
            refusal = check(measured, self.limits)
            if refusal is not None:
                return refusal
            budget -= measured.selections
            if budget < 0:
                return RequestError(
                    f"The document's operations select more than {self.limits.max_selections} "
                    "expanded fields together.",
                    MAX_SELECTIONS_LIMIT,
                )
        return True


class _Measurer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, _Totals] = {}
        self._visiting: set[str] = set()
        self.cyclic = False
        """A fragment spreads itself (directly or not); validation will refuse the document."""

    def totals(self, selection_set: SelectionSetNode | None) -> _Totals:
        if selection_set is None:
            return _EMPTY
        selections = aliases = directives = depth = 0
        for node in selection_set.selections:
            directives += len(node.directives or ())
            if isinstance(node, FieldNode):
                inner = self.totals(node.selection_set)
                selections += 1 + inner.selections
                aliases += (1 if node.alias else 0) + inner.aliases
                depth = max(depth, 1 + inner.depth)
            else:
                if isinstance(node, InlineFragmentNode):
                    inner = self.totals(node.selection_set)
                else:
                    assert isinstance(node, FragmentSpreadNode)
                    inner = self._fragment(node.name.value)
                selections += inner.selections
                aliases += inner.aliases
                depth = max(depth, inner.depth)
            directives += inner.directives
        return _Totals(selections, aliases, directives, depth)

    def _fragment(self, name: str) -> _Totals:
        totals = self._memo.get(name)
        if totals is not None:
            return totals
        fragment = self.fragments.get(name)
        if fragment is None or name in self._visiting:
            self.cyclic = self.cyclic or fragment is not None
            return _EMPTY  # unknown or cyclic: validation refuses the document next
        self._visiting.add(name)
        inner = self.totals(fragment.selection_set)
        own = len(fragment.directives or ())
        totals = _Totals(inner.selections, inner.aliases, inner.directives + own, inner.depth)
        self._visiting.discard(name)
        self._memo[name] = totals
        return totals

    def merged(self, selection_sets: list[SelectionSetNode]) -> dict[str, _Group]:
        """Fields under ``selection_sets`` merged by response key, with their sub-selections."""
        groups: dict[str, _Group] = {}
        visiting: set[str] = set()

        def collect(selection_set: SelectionSetNode) -> None:
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    group = groups.get(key)
                    if group is None:
                        group = groups[key] = _Group()
                    group.fields += 1
                    if node.selection_set is not None:
                        group.subsets.append(node.selection_set)
                elif isinstance(node, InlineFragmentNode):
                    collect(node.selection_set)
                elif isinstance(node, FragmentSpreadNode):
                    fragment = self.fragments.get(node.name.value)
                    if fragment is not None and node.name.value not in visiting:
                        visiting.add(node.name.value)
                        collect(fragment.selection_set)
                        visiting.discard(node.name.value)

        for selection_set in selection_sets:
            collect(selection_set)
        return groups

    def merged_tree(self, selection_sets: list[SelectionSetNode]) -> tuple[int, int]:
        """(fields, merge pairs) of the merged response tree under ``selection_sets``."""
        height = merges = 0
        for group in self.merged(selection_sets).values():
            height += 1
            merges += group.fields * (group.fields - 1) // 2
            if group.subsets:
                inner_height, inner_merges = self.merged_tree(group.subsets)
                height += inner_height
                merges += inner_merges
        return height, merges


@dataclass(slots=True)
class _Group:
    """The field selections merged under one response key."""

    fields: int = 0
    subsets: list[SelectionSetNode] = field(default_factory=list)
