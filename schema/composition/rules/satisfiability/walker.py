"""The walk: every query path of the supergraph, followed in the subgraphs at the same time.

Depth first from the root types; at each step the set of merged-graph paths that can
resolve the query so far is advanced by one field (or type condition). A step no path can
take is a dead end and ends up reported. Supergraph nodes remember which combinations of
subgraphs they were reached from, so a type is explored again only from a new combination.
"""

from __future__ import annotations

from collections.abc import Callable

from schema.composition.rules.satisfiability.errors import (
    LazyError,
    LazyErrors,
    SatisfiabilityError,
)
from schema.composition.rules.satisfiability.finder import MoveValidator, PathFinder
from schema.composition.rules.satisfiability.graph import (
    ROOT_TYPES,
    AbstractMove,
    Edge,
    FieldMove,
    Graph,
    Node,
    OverrideLabels,
)
from schema.composition.rules.satisfiability.paths import OperationPath


class WalkTracker:
    """Where the walk is: the query path so far and the subgraph paths that resolve it."""

    __slots__ = ("errors", "labels", "paths", "super_path")

    def __init__(
        self, super_path: OperationPath, paths: list[OperationPath], labels: OverrideLabels
    ) -> None:
        self.super_path = super_path
        self.paths = paths
        self.labels = labels
        self.errors = LazyErrors()

    def move(self, edge: Edge) -> WalkTracker:
        labels = self.labels.clone()
        move = edge.move
        if isinstance(move, FieldMove) and move.override is not None and move.override.label:
            labels.set(move.override.label, move.override.value)
        return WalkTracker(self.super_path.clone().move(edge), [], labels)

    def add_path(self, path: OperationPath) -> None:
        self.paths.append(path)
        self.errors = LazyErrors()

    def add_error(self, errors: LazyError | LazyErrors) -> None:
        self.errors.add(errors)

    def is_possible(self) -> bool:
        return bool(self.paths)

    def gives_empty_result(self) -> bool:
        """No possible type of an abstract type is reachable: the answer is just empty."""
        last = self.super_path.edge()
        return (
            not self.paths
            and self.errors.is_empty()
            and last is not None
            and isinstance(last.move, AbstractMove)
        )

    def list_errors(self) -> list[SatisfiabilityError]:
        unique: dict[str, SatisfiabilityError] = {}
        for error in self.errors.to_list():
            unique.setdefault(error.message, error)
        return list(unique.values())


OnStep = Callable[[WalkTracker, Edge], None]


class Walker:
    def __init__(self, supergraph: Graph, merged: Graph) -> None:
        self.supergraph = supergraph
        self.merged = merged
        self.finder = PathFinder(merged, MoveValidator(merged))

    def walk(self) -> list[WalkTracker]:
        """The dead ends, in the order the depth-first walk meets them."""
        unreachable: list[WalkTracker] = []
        labels = OverrideLabels()
        for name in ROOT_TYPES:
            root = self.supergraph.node_of(name)
            if root is None:
                continue
            paths = [OperationPath(n) for n in self.merged.nodes_of(name)]
            self._dfs(root, WalkTracker(OperationPath(root), paths, labels), unreachable)
        return unreachable

    def _dfs(self, super_tail: Node, state: WalkTracker, unreachable: list[WalkTracker]) -> None:
        if super_tail.is_leaf:
            return

        def on_step(next_state: WalkTracker, super_edge: Edge) -> None:
            if next_state.is_possible():
                self._dfs(super_edge.tail, next_state, unreachable)
            elif not next_state.gives_empty_result():
                unreachable.append(next_state)

        self._next_step(state, super_tail, on_step)

    def _next_step(self, state: WalkTracker, super_tail: Node, on_step: OnStep) -> None:
        combo = list(dict.fromkeys(self._combo_key(p) for p in state.paths))
        if super_tail.is_graph_combo_visited(combo):
            return
        super_tail.visited_combos.append(combo)
        for super_edge in self.supergraph.edges_of_head(super_tail):
            if state.super_path.is_visited_edge(super_edge):
                continue
            move = super_edge.move
            if isinstance(move, FieldMove) and move.override is not None and move.override.label:
                value = state.labels.get(move.override.label)
                if value is not None and value != move.override.value:
                    continue
            next_state = state.move(super_edge)
            if isinstance(move, FieldMove):
                type_name, field_name = move.type_name, move.field_name
            else:
                type_name, field_name = super_edge.tail.type_name, None
            shortest: dict[Node, OperationPath] = {}
            for path in state.paths:
                direct = self.finder.find_direct_paths(
                    path, type_name, field_name, [], next_state.labels
                )
                if direct.success and not direct.paths:
                    continue
                if direct.success:
                    _keep_shortest(shortest, direct.paths)
                else:
                    next_state.add_error(direct.errors)
                if direct.success and super_edge.tail.is_leaf:
                    break
                indirect = self.finder.find_indirect_paths(
                    path, type_name, field_name, [], [], [], next_state.labels
                )
                if indirect.success:
                    _keep_shortest(shortest, indirect.paths)
                else:
                    next_state.add_error(indirect.errors)
            for path in shortest.values():
                next_state.add_path(path)
            on_step(next_state, super_edge)

    @staticmethod
    def _combo_key(path: OperationPath) -> str:
        edge = path.edge()
        graph_name = path.tail().graph_name
        if edge is not None and isinstance(edge.move, FieldMove) and edge.move.provides:
            return f"{graph_name}#provides"
        return graph_name


def _keep_shortest(shortest: dict[Node, OperationPath], paths: list[OperationPath]) -> None:
    for path in paths:
        tail = path.tail()
        known = shortest.get(tail)
        if known is None or known.depth() > path.depth():
            shortest[tail] = path
