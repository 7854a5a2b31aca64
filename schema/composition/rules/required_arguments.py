"""REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH: a router may send a field to any subgraph that
resolves it, so an argument one subgraph requires must exist in all of them."""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            for arg in field.arguments.values():
                if not arg.type.endswith("!") or len(arg.by_graph) == len(field.by_graph):
                    continue
                required = [g for g, a in arg.by_graph.items() if a.type.endswith("!")]
                missing = [g for g in field.by_graph if g not in arg.by_graph]
                yield CompositionError(
                    ErrorCode.REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH,
                    f'Argument "{obj.name}.{field.name}({arg.name}:)" is required in some'
                    " subgraphs but does not appear in all subgraphs: it is required in"
                    f" {_subgraphs(state, required)} but does not appear in"
                    f" {_subgraphs(state, missing)}",
                )


def _subgraphs(state: SupergraphState, graphs: list[str]) -> str:
    names = '", "'.join(state.graph_name(g) for g in graphs)
    return f'subgraph{"s" if len(graphs) > 1 else ""} "{names}"'
