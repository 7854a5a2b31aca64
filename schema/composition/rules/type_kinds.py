"""TYPE_KIND_MISMATCH: a type name means one kind of type in every subgraph.

A ``User`` that is an object type in one subgraph and an interface in another cannot be
merged. An ``@interfaceObject`` counts as the interface it stands for.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState
from schema.composition.subgraph.model import KIND_LABELS


def check(state: SupergraphState) -> Iterator[CompositionError]:
    kinds: dict[str, dict[str, list[str]]] = {}
    for graph_id, subgraph in state.subgraphs.items():
        for named in subgraph.types.values():
            by_kind = kinds.setdefault(named.name, {})
            by_kind.setdefault(named.kind, []).append(state.graph_name(graph_id))
    for name, by_kind in kinds.items():
        if len(by_kind) < 2:
            continue
        groups = [
            f"{KIND_LABELS[kind]} in subgraph{'s' if len(graphs) > 1 else ''} "
            + ", ".join(f'"{g}"' for g in graphs)
            for kind, graphs in by_kind.items()
        ]
        first, second, *rest = groups
        extra = "".join(f" and {group}" for group in rest)
        yield CompositionError(
            ErrorCode.TYPE_KIND_MISMATCH,
            f'Type "{name}" has mismatched kind: it is defined as {first} but {second}{extra}',
        )
