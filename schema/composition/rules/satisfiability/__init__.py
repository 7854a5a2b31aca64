"""Satisfiability: every query a client can write against the supergraph can be planned.

Merging checks each element on its own; this rule checks that the subgraphs together can
resolve every field at every place a query can reach it: that a subgraph without a field can
jump, through an entity key it can provide, to one that has it; that ``@requires`` fields can
be fetched; that ``@external`` fields are only read where ``@provides`` makes them local.

It ports the oracle's (``@theguild/federation-composition``) algorithm: graphs of (type,
subgraph) nodes (``graph``), a search for paths between them (``finder``), a depth-first walk
of the supergraph's query paths (``walker``) and the report of dead ends (``messages``). Like
the oracle it runs only when the other rules found nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState
from schema.composition.rules.satisfiability.graph import (
    MERGED_ID,
    SUPERGRAPH_ID,
    FieldMove,
    Graph,
)
from schema.composition.rules.satisfiability.messages import satisfiability_message
from schema.composition.rules.satisfiability.selection import SelectionResolver, Unsupported
from schema.composition.rules.satisfiability.walker import Walker, WalkTracker

_RECURSION_LIMIT = 20_000
"""The walk and the graph building recurse once per step of a query path; deep schemas need
more than Python's default of 1000 frames."""


def check(state: SupergraphState) -> list[CompositionError]:
    # Raised, never lowered back: lowering could cut short a composition in another thread.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), _RECURSION_LIMIT))
    try:
        return [
            CompositionError(ErrorCode.SATISFIABILITY_ERROR, one_line(message))
            for message in messages(state)
        ]
    except Unsupported:
        # Something earlier stages should have refused (an unknown type in a field set...):
        # better silent than a guess.
        return []


def dead_ends(state: SupergraphState) -> list[WalkTracker]:
    """The query paths no combination of subgraphs can resolve, in the walk's order."""
    resolver = SelectionResolver(state)
    merged = Graph(MERGED_ID, "merged", state, resolver, "merged")
    for graph_id in state.subgraphs:
        subgraph = Graph(graph_id, state.graph_name(graph_id), state, resolver, "subgraph")
        merged.add_subgraph(subgraph.add_from_roots().add_from_entities().add_unreachable_types())
    merged.join_subgraphs().add_overridden_fields()
    supergraph = Graph(SUPERGRAPH_ID, "supergraph", state, resolver, "supergraph")
    supergraph.add_from_roots().add_overridden_fields().add_interface_object_fields()
    return Walker(supergraph, merged).walk()


def one_line(message: str) -> str:
    """The oracle's message on one line: reports are one ``CODE message`` line each."""
    return " ".join(line.strip() for line in message.splitlines())


def messages(state: SupergraphState) -> Iterator[str]:
    """The oracle's multi-line message for each dead end, in the oracle's order."""
    by_coordinate: dict[str, list[WalkTracker]] = {}
    for dead_end in dead_ends(state):
        edge = dead_end.super_path.edge()
        if edge is None:
            continue
        move = edge.move
        coordinate = (
            f"{move.type_name}.{move.field_name}"
            if isinstance(move, FieldMove)
            else edge.head.type_name
        )
        by_coordinate.setdefault(coordinate, []).append(dead_end)
    # Reported in the order the oracle's visitor meets the coordinates.
    coordinates: list[str] = []
    for object_state in state.objects.values():
        coordinates.append(object_state.name)
        coordinates += [f"{object_state.name}.{f}" for f in object_state.fields]
    for interface in state.interfaces.values():
        coordinates += [interface.name, *interface.implemented_by]
        for field in interface.fields:
            coordinates.append(f"{interface.name}.{field}")
            coordinates += [f"{i}.{field}" for i in interface.implemented_by]
    for coordinate in coordinates:
        for dead_end in by_coordinate.get(coordinate, ()):
            message = satisfiability_message(
                state, dead_end.super_path.steps(), dead_end.list_errors()
            )
            if message is not None:
                yield message
