"""EXTENSION_WITH_NO_BASE: an object type extended somewhere is defined somewhere.

``extend type Product`` (or ``@extends``) adds to a type another subgraph defines; if no
subgraph defines it, the extension most likely has a typo in its name. Root types are
exempt, and so are types every subgraph extends with Federation 1's ``@extends``, the old
way of declaring an entity owned by a service outside the graph.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode, subgraph_error
from schema.composition.merge.state import SupergraphState

_ROOTS = frozenset({"Query", "Mutation", "Subscription"})


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        if obj.name in _ROOTS or obj.has_definition:
            continue
        fed1_extends_everywhere = len(obj.by_graph) > 1 and all(
            state.subgraphs[g].is_fed1 and t.extension_kind == "@extends"
            for g, t in obj.by_graph.items()
        )
        if fed1_extends_everywhere:
            continue
        for graph in obj.by_graph:
            yield subgraph_error(
                ErrorCode.EXTENSION_WITH_NO_BASE,
                state.graph_name(graph),
                f'Type "{obj.name}" is an extension type, but there is no type definition for'
                f' "{obj.name}" in any subgraph.',
            )
