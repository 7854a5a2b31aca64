"""Path search in the merged graph: how a subgraph can reach a field or a type.

``PathFinder`` looks for a field (or a possible type) directly in the path's current subgraph,
or indirectly by jumping to other subgraphs through entity keys; ``MoveValidator`` decides if
one move is allowed: the key fields or ``@requires`` fields must themselves be reachable,
which is the same search again, with the subgraphs and field sets already tried excluded so
that it ends. A port of the oracle's ``finder.js`` and ``move-validator.js``, kept close to
it on purpose: which path is found first decides which errors are reported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from schema.composition.merge.state import InterfaceState, ObjectState
from schema.composition.rules.satisfiability import errors as err
from schema.composition.rules.satisfiability.errors import LazyErrors, SatisfiabilityError
from schema.composition.rules.satisfiability.graph import (
    AbstractMove,
    Edge,
    EntityMove,
    FieldMove,
    Graph,
    Node,
    OverrideLabels,
    Resolution,
)
from schema.composition.rules.satisfiability.paths import OperationPath
from schema.composition.rules.satisfiability.selection import SelectedItem, Selection


@dataclass(frozen=True, slots=True)
class Found:
    """``success`` with the paths found (possibly none: an abstract type with no match)."""

    success: bool
    paths: list[OperationPath]
    errors: LazyErrors


def _found(paths: list[OperationPath]) -> Found:
    return Found(True, paths, LazyErrors())


def _failed(errors: LazyErrors) -> Found:
    return Found(False, [], errors)


def _with(items: list[str], item: str) -> list[str]:
    return items if item in items else [*items, item]


def _with_fields(items: list[Selection], item: Selection) -> list[Selection]:
    return items if any(f.equals(item) for f in items) else [*items, item]


QueueItem = tuple[list[str], list[Selection], OperationPath]


class PathFinder:
    def __init__(self, graph: Graph, validator: MoveValidator) -> None:
        self.graph = graph
        self.validator = validator

    def find_direct_paths(
        self,
        path: OperationPath,
        type_name: str,
        field_name: str | None,
        visited_edges: Sequence[Edge],
        labels: OverrideLabels,
    ) -> Found:
        """Within the path's current subgraph, without leaving it."""
        next_paths: list[OperationPath] = []
        errors = LazyErrors()
        tail = path.tail()
        edges = (
            self.graph.field_edges_of_head(tail, field_name)
            if field_name is not None
            else self.graph.abstract_edges_of_head(tail)
        )
        for edge in edges:
            if any(p.tail() is edge.tail for p in next_paths):
                continue
            if edge.is_cross_graph() or edge in visited_edges:
                continue
            move = edge.move
            if field_name is None:
                if isinstance(move, AbstractMove) and edge.tail.type_name == type_name:
                    next_paths.append(path.clone().move(edge))
                continue
            if isinstance(move, FieldMove) and move.field_name == field_name:
                resolvable = self.validator.is_edge_resolvable(edge, path, [], [], [], labels)
                if not resolvable.success:
                    if resolvable.error is not None:
                        errors.add(resolvable.error)
                    continue
                next_paths.append(path.clone().move(edge))
        if next_paths:
            return _found(next_paths)
        if not errors.is_empty():
            return _failed(errors)
        if field_name is None:
            state = tail.type_state
            if isinstance(state, InterfaceState) and state.has_interface_object:
                in_graph = state.by_graph.get(tail.graph_id)
                if in_graph is not None and in_graph.is_interface_object:
                    return _failed(
                        LazyErrors().add(
                            err.lazy(
                                lambda: err.for_no_implementation(tail.graph_name, tail.type_name)
                            )
                        )
                    )
            return _found([])
        field = field_name
        errors.add(err.lazy(lambda: err.for_missing_field(tail.graph_name, type_name, field)))
        errors.add(lambda: self._no_key_errors(tail, type_name, field))
        return _failed(errors)

    def _no_key_errors(
        self, tail: Node, type_name: str, field_name: str
    ) -> list[SatisfiabilityError]:
        """Subgraphs that have the field but no key to enter them by."""
        found: list[SatisfiabilityError] = []
        for node in self.graph.nodes_of(type_name):
            for edge in self.graph.field_edges_of_head(node, field_name):
                move = edge.move
                if not isinstance(move, FieldMove) or move.field_name != field_name:
                    continue
                if self.validator.is_external(edge):
                    continue
                state = edge.head.type_state
                in_graph = (
                    state.by_graph.get(edge.head.graph_id)
                    if isinstance(state, ObjectState)
                    else None
                )
                keys = [k for k in in_graph.keys if k.resolvable] if in_graph else []
                if not keys:
                    found.append(
                        err.for_no_key(tail.graph_name, edge.tail.graph_name, type_name, field_name)
                    )
        return found

    def find_indirect_paths(
        self,
        path: OperationPath,
        type_name: str,
        field_name: str | None,
        visited_edges: Sequence[Edge],
        visited_graphs: list[str],
        visited_fields: list[Selection],
        labels: OverrideLabels,
    ) -> Found:
        """Through other subgraphs, entering them by entity keys (or abstract moves)."""
        errors = LazyErrors()
        source_graph_name = path.tail().graph_name
        queue: list[QueueItem] = [(visited_graphs, visited_fields, path)]
        final_paths: list[OperationPath] = []
        resolved_graphs: list[str] = []
        while queue:
            graphs, fields, current = queue.pop()
            for edge in self.graph.indirect_edges_of_head(current.tail()):
                if edge.tail.graph_name in graphs:
                    continue
                if edge in visited_edges:
                    continue
                if edge.tail.graph_name == source_graph_name and not isinstance(
                    edge.move, AbstractMove
                ):
                    continue
                if field_name is not None:
                    self._field_indirectly(
                        current,
                        type_name,
                        field_name,
                        visited_edges,
                        graphs,
                        fields,
                        labels,
                        errors,
                        final_paths,
                        queue,
                        resolved_graphs,
                        edge,
                    )
                else:
                    self._type_indirectly(
                        current,
                        type_name,
                        graphs,
                        fields,
                        final_paths,
                        queue,
                        resolved_graphs,
                        edge,
                    )
        if not final_paths:
            return _failed(errors)
        return _found(final_paths)

    def _field_indirectly(
        self,
        path: OperationPath,
        type_name: str,
        field_name: str,
        visited_edges: Sequence[Edge],
        visited_graphs: list[str],
        visited_fields: list[Selection],
        labels: OverrideLabels,
        errors: LazyErrors,
        final_paths: list[OperationPath],
        queue: list[QueueItem],
        resolved_graphs: list[str],
        edge: Edge,
    ) -> None:
        move = edge.move
        if isinstance(move, FieldMove):
            return
        if edge.tail.graph_name in resolved_graphs:
            return
        tail_state = edge.tail.type_state
        if isinstance(tail_state, InterfaceState):
            field = tail_state.fields.get(field_name)
            if field is None or edge.tail.graph_id not in field.by_graph:
                return
        key_fields = move.key_fields
        if key_fields is not None and any(f.equals(key_fields) for f in visited_fields):
            return
        if isinstance(move, AbstractMove):
            last = path.edge()
            if last is not None and isinstance(last.move, AbstractMove) and key_fields is None:
                return
            if not edge.is_cross_graph():
                queue.append((visited_graphs, visited_fields, path.clone().move(edge)))
                return
        resolvable = self.validator.is_edge_resolvable(
            edge, path, [*visited_edges, edge], visited_graphs, visited_fields, labels
        )
        if not resolvable.success:
            if resolvable.error is not None:
                errors.add(resolvable.error)
            return
        new_path = path.clone().move(edge)
        direct = self.find_direct_paths(new_path, type_name, field_name, [edge], labels)
        resolved_graphs.append(edge.tail.graph_name)
        if direct.success:
            final_paths.extend(direct.paths)
            return
        errors.add(direct.errors)
        queue.append(
            (
                _with(visited_graphs, edge.tail.graph_name),
                _with_fields(visited_fields, key_fields) if key_fields else visited_fields,
                new_path,
            )
        )

    def _type_indirectly(
        self,
        path: OperationPath,
        type_name: str,
        visited_graphs: list[str],
        visited_fields: list[Selection],
        final_paths: list[OperationPath],
        queue: list[QueueItem],
        resolved_graphs: list[str],
        edge: Edge,
    ) -> None:
        move = edge.move
        if not isinstance(move, AbstractMove):
            return
        if edge.tail.graph_name in resolved_graphs:
            return
        key_fields = move.key_fields
        if key_fields is not None and any(f.equals(key_fields) for f in visited_fields):
            return
        new_path = path.clone().move(edge)
        if edge.tail.type_name == type_name:
            resolved_graphs.append(edge.tail.graph_name)
            final_paths.append(new_path)
        else:
            queue.append(
                (
                    visited_graphs,
                    _with_fields(visited_fields, key_fields) if key_fields else visited_fields,
                    new_path,
                )
            )


@dataclass(slots=True)
class _Requirement:
    selection: SelectedItem
    paths: list[OperationPath]


def _on(type_name: str, items: tuple[SelectedItem, ...] | None) -> tuple[SelectedItem, ...] | None:
    """An abstract type's selections, read on one of its object types."""
    if items is None:
        return None
    return tuple(
        item if item.is_fragment else SelectedItem(type_name, item.field_name, item.selection_set)
        for item in items
    )


class MoveValidator:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.finder = PathFinder(graph, self)

    def can_resolve_selection_set(
        self,
        selection_set: Sequence[SelectedItem],
        path: OperationPath,
        visited_edges: list[Edge],
        visited_graphs: list[str],
        visited_fields: list[Selection],
        labels: OverrideLabels,
    ) -> bool:
        requirements: deque[_Requirement] = deque()
        for selection in selection_set:
            requirements.appendleft(_Requirement(selection, [path.clone()]))
        while requirements:
            requirement = requirements.pop()
            inner = self._validate_requirement(
                requirement, visited_edges, visited_graphs, visited_fields, labels
            )
            if inner is None:
                return False
            for item in inner:
                requirements.appendleft(item)
        return True

    def _validate_requirement(
        self,
        requirement: _Requirement,
        visited_edges: list[Edge],
        visited_graphs: list[str],
        visited_fields: list[Selection],
        labels: OverrideLabels,
    ) -> list[_Requirement] | None:
        """The requirements it leads to, or None when it cannot be met."""
        selection = requirement.selection
        if selection.is_fragment:
            first_tail = requirement.paths[0].edge()
            if first_tail is not None and first_tail.tail.type_name == selection.type_name:
                return [_Requirement(s, requirement.paths) for s in selection.selection_set or ()]
            if first_tail is not None and self._is_abstract(selection.type_name):
                return self._abstract_fragment(requirement, first_tail.tail.type_name)
            if first_tail is not None and not self._is_abstract(first_tail.tail.type_name):
                return []  # ``... on Qux`` where the value is a ``Baz``: never applies
        next_paths: list[OperationPath] = []
        for path in requirement.paths:
            direct = self.finder.find_direct_paths(
                path, selection.type_name, selection.field_name, visited_edges, labels
            )
            if direct.success:
                next_paths.extend(direct.paths)
        for path in requirement.paths:
            indirect = self.finder.find_indirect_paths(
                path,
                selection.type_name,
                selection.field_name,
                visited_edges,
                visited_graphs,
                visited_fields,
                labels,
            )
            if indirect.success:
                next_paths.extend(indirect.paths)
        if not next_paths:
            return None
        if not selection.selection_set:
            return []
        return [_Requirement(s, list(next_paths)) for s in selection.selection_set]

    def _is_abstract(self, type_name: str) -> bool:
        return type_name in self.graph.state.unions or type_name in self.graph.state.interfaces

    def _possible(self, type_name: str) -> set[str]:
        state = self.graph.state
        if type_name in state.unions:
            return set(state.unions[type_name].members)
        if type_name in state.interfaces:
            return set(state.interfaces[type_name].implemented_by)
        return {type_name}

    def _abstract_fragment(self, requirement: _Requirement, here: str) -> list[_Requirement]:
        """``... on Bar`` (an interface or union) where the path is at another type: the
        fragment holds for each object type both allow, so require it there.

        The oracle tries to move to ``Bar`` itself, finds no such move from an interface, and
        calls satisfiable ``@requires`` with nested abstract fragments unsatisfiable (Apollo's
        composer accepts them; see the audit's requires-with-fragments suite)."""
        selection = requirement.selection
        if not self._is_abstract(here):
            if here not in self._possible(selection.type_name):
                return []
            return [_Requirement(s, requirement.paths) for s in selection.selection_set or ()]
        targets = sorted(self._possible(selection.type_name) & self._possible(here))
        return [
            _Requirement(SelectedItem(t, None, _on(t, selection.selection_set)), requirement.paths)
            for t in targets
        ]

    def is_external(self, edge: Edge) -> bool:
        move = edge.move
        if not isinstance(move, FieldMove) or move.provided:
            return False
        state = edge.head.type_state
        if not isinstance(state, ObjectState):
            return False
        field = state.fields.get(move.field_name)
        if field is None:
            return False
        type_in_graph = state.by_graph.get(edge.head.graph_id)
        field_in_graph = field.by_graph.get(edge.head.graph_id)
        if field_in_graph is None or type_in_graph is None:
            return False
        if not field_in_graph.external:
            return False
        fed1 = self.graph.state.subgraphs[edge.head.graph_id].is_fed1
        if fed1 and type_in_graph.extension and field.used_as_key:
            return False
        if not field_in_graph.used_as_key:
            return True
        return not type_in_graph.extension

    @staticmethod
    def _override_allows(move: FieldMove, labels: OverrideLabels) -> bool:
        override = move.override
        if override is None:
            return True
        if not override.label:
            return override.value
        value = labels.get(override.label)
        return value is not None and value == override.value

    def is_edge_resolvable(
        self,
        edge: Edge,
        path: OperationPath,
        visited_edges: list[Edge],
        visited_graphs: list[str],
        visited_fields: list[Selection],
        labels: OverrideLabels,
    ) -> Resolution:
        move = edge.move
        if isinstance(move, FieldMove):
            if not self._override_allows(move, labels):
                return Resolution(
                    False,
                    err.lazy(
                        lambda: err.for_missing_field(
                            edge.tail.graph_name, move.type_name, move.field_name
                        )
                    ),
                )
            if self.is_external(edge):
                return Resolution(
                    False,
                    err.lazy(
                        lambda: err.for_external(
                            edge.head.graph_name, move.type_name, move.field_name
                        )
                    ),
                )
        cached = edge.get_resolvability(_with(visited_graphs, edge.tail.graph_name), labels)
        if cached is not None:
            return cached
        if isinstance(move, FieldMove):
            if move.requires is None:
                return edge.set_resolvable(True, visited_graphs, labels)
            graphs = (
                _with(visited_graphs, edge.tail.graph_name)
                if edge.is_cross_graph()
                else visited_graphs
            )
            fields = _with_fields(visited_fields, move.requires)
            if self.can_resolve_selection_set(
                move.requires.selection_set,
                path.clone(),
                [*visited_edges, edge],
                graphs,
                fields,
                labels,
            ):
                return edge.set_resolvable(True, graphs, labels)
            return Resolution(
                False,
                err.lazy(
                    lambda: err.for_require(edge.head.graph_name, move.type_name, move.field_name)
                ),
            )
        assert isinstance(move, AbstractMove | EntityMove)
        key_fields = move.key_fields
        if key_fields is None:
            return edge.set_resolvable(True, visited_graphs, labels)
        graphs = _with(visited_graphs, edge.tail.graph_name)
        fields = _with_fields(visited_fields, key_fields)
        if self.can_resolve_selection_set(
            key_fields.selection_set, path, [*visited_edges, edge], graphs, fields, labels
        ):
            return edge.set_resolvable(True, graphs, labels)
        return edge.set_resolvable(
            False,
            graphs,
            labels,
            err.lazy(
                lambda: err.for_key(
                    edge.head.graph_name, edge.tail.graph_name, edge.head.type_name, str(key_fields)
                )
            ),
        )
