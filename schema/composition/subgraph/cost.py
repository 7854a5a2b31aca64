"""``@cost`` and ``@listSize`` (federation 2.9, the demand-control spec) read off a subgraph.

Routers estimate an operation's cost from these; composition only carries them over, so a
subgraph's applications become plain values here (the largest weight when a type repeats
one across its definition and extensions).
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    IntValueNode,
    ListValueNode,
    StringValueNode,
    Visitor,
    visit,
)

from schema.composition.errors import ErrorCode
from schema.composition.subgraph import model
from schema.composition.subgraph.groups import Directives, SubgraphDocument, argument

Problem = tuple[ErrorCode, str]

_SPECS = ("cost", "listSize")


def unsupported_cost_usage(subgraph: SubgraphDocument) -> list[Problem]:
    """What we do not model yet is refused, not composed differently from the reference:
    the directives under another name than their own, and on interface fields."""
    problems: list[Problem] = []
    collector = _DirectiveNames()
    visit(subgraph.document, collector)
    for local in sorted(collector.names):
        spec = subgraph.names.spec_name(local)
        if spec in _SPECS and local != spec:
            problems.append(
                (
                    ErrorCode.UNSUPPORTED_FEATURE,
                    f"@{spec} used as @{local} is not supported by this composer yet",
                )
            )
    directives = subgraph.directives
    for group in subgraph.groups.values():
        if group.kind != "interface":
            continue
        for _, field_node in group.field_nodes():
            nodes = [field_node, *(field_node.arguments or ())]
            for spec in _SPECS:
                if any(directives.has(node, spec) for node in nodes):
                    problems.append(
                        (
                            ErrorCode.UNSUPPORTED_FEATURE,
                            f'@{spec} on interface field "{group.name}.{field_node.name.value}"'
                            " is not supported by this composer yet",
                        )
                    )
    return problems


def cost_of(directives: Directives, nodes: Iterable[object]) -> int | None:
    weights = [
        int(value.value)
        for node in nodes
        for applied in directives.of(node, "cost")
        if isinstance(value := argument(applied, "weight"), IntValueNode)
    ]
    return max(weights, default=None)


def list_size_of(directives: Directives, node: object) -> model.ListSize | None:
    applied = next(iter(directives.of(node, "listSize")), None)
    if applied is None:
        return None
    assumed = argument(applied, "assumedSize")
    require_one = argument(applied, "requireOneSlicingArgument")
    return model.ListSize(
        assumed_size=int(assumed.value) if isinstance(assumed, IntValueNode) else None,
        slicing_arguments=_strings(argument(applied, "slicingArguments")),
        sized_fields=_strings(argument(applied, "sizedFields")),
        require_one_slicing_argument=not (
            isinstance(require_one, BooleanValueNode) and require_one.value is False
        ),
    )


def _strings(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, ListValueNode):
        return None
    return tuple(item.value for item in value.values if isinstance(item, StringValueNode))


class _DirectiveNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_directive(self, node: DirectiveNode, *_args: object) -> None:
        self.names.add(node.name.value)
