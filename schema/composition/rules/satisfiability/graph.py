"""The graphs the satisfiability walk moves in: nodes are (type, subgraph), edges are moves.

Three kinds of graph are built, as the oracle builds them: one per subgraph (what it can
resolve, reachable from its roots and entities), the *merged* graph joining them with entity
moves (``@key``) and copies of nodes for ``@provides``, and the *supergraph* graph: what a
client can query, which the walk follows step by step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from schema.composition.merge.state import (
    EnumState,
    FieldState,
    InterfaceState,
    ObjectState,
    ScalarState,
    SupergraphState,
    UnionState,
)
from schema.composition.rules.satisfiability.errors import LazyError
from schema.composition.rules.satisfiability.selection import (
    SelectedItem,
    Selection,
    SelectionResolver,
    Unsupported,
)
from schema.composition.subgraph.model import bare_type

BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
ROOT_TYPES = ("Query", "Mutation", "Subscription")
SUPERGRAPH_ID = "__supergraph__"
MERGED_ID = "__mergedgraph__"

TypeState = ObjectState | InterfaceState | UnionState | EnumState | ScalarState | None


def is_entity(type_state: TypeState) -> bool:
    if isinstance(type_state, ObjectState):
        return type_state.is_entity
    if isinstance(type_state, InterfaceState):
        return any(t.keys for t in type_state.by_graph.values())
    return False


def score_key_fields(fields: str) -> int:
    """Simpler keys are tried first: one point per field, three per nested selection."""
    return fields.count(" ") + 1 + fields.count("{") * 3


class OverrideLabels:
    """Progressive ``@override`` labels decided on the way down a query path."""

    __slots__ = ("state",)

    def __init__(self, state: dict[str, bool] | None = None) -> None:
        self.state: dict[str, bool] = state if state is not None else {}

    def set(self, key: str, value: bool) -> OverrideLabels:
        self.state[key] = value
        return self

    def get(self, key: str) -> bool | None:
        return self.state.get(key)

    def matches(self, other: OverrideLabels) -> bool:
        return all(other.state.get(k) == v for k, v in self.state.items())

    def clone(self) -> OverrideLabels:
        return OverrideLabels(dict(self.state))


@dataclass(slots=True)
class Override:
    label: str | None
    value: bool
    from_graph_id: str | None


class FieldMove:
    """Resolve a field; ``provided`` when a ``@provides`` makes an external field local."""

    __slots__ = ("field_name", "override", "provided", "provides", "requires", "type_name")

    def __init__(
        self,
        type_name: str,
        field_name: str,
        requires: Selection | None = None,
        provides: Selection | None = None,
        override: Override | None = None,
        provided: bool = False,
    ) -> None:
        self.type_name = type_name
        self.field_name = field_name
        self.requires = requires
        self.provides = provides
        self.override = override
        self.provided = provided


class AbstractMove:
    """From an abstract type to a possible type (or, with a key, to an interface object)."""

    __slots__ = ("key_fields",)

    def __init__(self, key_fields: Selection | None = None) -> None:
        self.key_fields = key_fields


class EntityMove:
    """Jump to another subgraph's copy of an entity through one of its keys."""

    __slots__ = ("key_fields",)

    def __init__(self, key_fields: Selection) -> None:
        self.key_fields = key_fields


Move = FieldMove | AbstractMove | EntityMove


@dataclass(frozen=True, slots=True)
class Resolution:
    success: bool
    error: LazyError | None = None


class Node:
    """A type as one subgraph (or the supergraph) sees it."""

    __slots__ = (
        "children",
        "graph_id",
        "graph_name",
        "index",
        "is_leaf",
        "type_name",
        "type_state",
        "visited_combos",
    )

    def __init__(
        self, index: int, type_name: str, type_state: TypeState, graph_id: str, graph_name: str
    ) -> None:
        self.index = index
        self.type_name = type_name
        self.type_state = type_state
        self.graph_id = graph_id
        self.graph_name = graph_name
        self.is_leaf = type_state is None or isinstance(type_state, ScalarState | EnumState)
        self.children: dict[str, list[int]] = {}
        self.visited_combos: list[list[str]] = []

    def without_state(self) -> Node:
        self.children = {}
        self.visited_combos = []
        return self

    def add_child(self, key: str, edge_at: int) -> None:
        self.children.setdefault(key, []).append(edge_at)

    def is_graph_combo_visited(self, combo: Sequence[str]) -> bool:
        return any(all(g in combo for g in visited) for visited in self.visited_combos)

    def __repr__(self) -> str:
        return f"{self.type_name}/{self.graph_name}"


class Edge:
    __slots__ = ("head", "ignored", "move", "resolvable", "tail")

    def __init__(self, head: Node, move: Move, tail: Node) -> None:
        self.head = head
        self.move = move
        self.tail = tail
        self.resolvable: list[tuple[list[str], OverrideLabels, Resolution]] = []
        self.ignored = False

    def is_cross_graph(self) -> bool:
        return self.head.graph_id != self.tail.graph_id

    def get_resolvability(
        self, graph_names: Sequence[str], labels: OverrideLabels
    ) -> Resolution | None:
        for checked_graphs, checked_labels, result in self.resolvable:
            if all(name in graph_names for name in checked_graphs) and checked_labels.matches(
                labels
            ):
                return result
        return None

    def set_resolvable(
        self,
        success: bool,
        graph_names: list[str],
        labels: OverrideLabels,
        error: LazyError | None = None,
    ) -> Resolution:
        result = Resolution(success, None if success else error)
        self.resolvable.append((graph_names, labels, result))
        return result

    def __repr__(self) -> str:
        return f"{self.head} -({type(self.move).__name__})-> {self.tail}"


def field_move(edge: Edge) -> FieldMove | None:
    return edge.move if isinstance(edge.move, FieldMove) else None


_GraphKind = Literal["subgraph", "supergraph", "merged"]


class Graph:
    """Nodes and edges indexed by node; a port of the oracle's ``Graph``."""

    def __init__(
        self,
        graph_id: str,
        name: str,
        state: SupergraphState,
        resolver: SelectionResolver,
        kind: _GraphKind,
    ) -> None:
        self.id = graph_id
        self.name = name
        self.state = state
        self.resolver = resolver
        self.kind = kind
        self.is_subgraph = kind != "supergraph"
        self.ignore_inaccessible = kind == "supergraph"
        self.nodes: list[Node] = []
        self.edges_by_head: list[list[Edge]] = []
        self.edges_by_tail: list[list[Edge]] = []
        self.indexes_by_type: dict[str, list[int]] = {}
        self.progressive_overrides: list[Edge] = []
        self.overrides: list[Edge] = []
        self.super_edges_with_label: list[Edge] = []

    # -- building a subgraph's or the supergraph's graph

    def add_from_roots(self) -> Graph:
        for name in ROOT_TYPES:
            object_state = self.state.objects.get(name)
            if object_state is not None and (
                not self.is_subgraph or self.id in object_state.by_graph
            ):
                self.create_type(name)
        return self

    def add_from_entities(self) -> Graph:
        for object_state in self.state.objects.values():
            if object_state.is_entity and (
                not self.is_subgraph or self.id in object_state.by_graph
            ):
                self.create_type(object_state.name)
        return self

    def add_unreachable_types(self) -> Graph:
        if self.kind == "supergraph":
            return self
        for name, object_state in self.state.objects.items():
            if self.id in object_state.by_graph:
                self.create_type(name)
        for name, scalar in self.state.scalars.items():
            if self.id in scalar.by_graph:
                self._scalar(name)
        for enum in self.state.enums.values():
            if self.id in enum.by_graph:
                self._enum(enum)
        for union in self.state.unions.values():
            if self.id in union.by_graph:
                self._union(union)
        for interface in self.state.interfaces.values():
            if self.id in interface.by_graph:
                self._interface(interface)
        return self

    def add_interface_object_fields(self) -> Graph:
        """Fields an @interfaceObject adds to every implementation, in the supergraph."""
        for interface in self.state.interfaces.values():
            if not interface.has_interface_object:
                continue
            for implementation in interface.implemented_by:
                object_state = self.state.objects.get(implementation)
                if object_state is None:
                    raise Unsupported(f"no object type {implementation}")
                head = self.node_of(object_state.name)
                if head is None:
                    continue
                for name, field in interface.fields.items():
                    if name not in object_state.fields:
                        self._interface_field_edge(head, field)
        return self

    def create_type(self, name: str) -> Node:
        state = self.state
        if name in state.objects:
            return self._object(state.objects[name])
        if name in BUILTIN_SCALARS or name in state.scalars:
            return self._scalar(name)
        if name in state.enums:
            return self._enum(state.enums[name])
        if name in state.unions:
            return self._union(state.unions[name])
        if name in state.interfaces:
            return self._interface(state.interfaces[name])
        raise Unsupported(f"unknown type {name}")

    def _existing(self, name: str) -> Node | None:
        indexes = self.indexes_by_type.get(name)
        if indexes is None:
            return None
        if len(indexes) > 1:
            raise Unsupported(f"several nodes for {name}")
        return self.nodes[indexes[0]]

    def _object(self, object_state: ObjectState) -> Node:
        existing = self._existing(object_state.name)
        if existing is not None:
            return existing
        head = self._type_node(object_state.name, object_state)
        for field in object_state.fields.values():
            if not self.is_subgraph or self.id in field.by_graph:
                self._object_field_edge(head, field)
        return head

    def _scalar(self, name: str) -> Node:
        existing = self._existing(name)
        if existing is not None:
            return existing
        return self._type_node(name, self.state.scalars.get(name))

    def _enum(self, enum: EnumState) -> Node:
        existing = self._existing(enum.name)
        if existing is not None:
            return existing
        return self._type_node(enum.name, enum)

    def _union(self, union: UnionState) -> Node:
        existing = self._existing(union.name)
        if existing is not None:
            return existing
        head = self._type_node(union.name, union)
        if not self.is_subgraph:
            members: Sequence[str] = list(union.members)
        else:
            in_graph = union.by_graph.get(self.id)
            members = in_graph.members if in_graph is not None else ()
        for member in members:
            self.add_edge(Edge(head, AbstractMove(), self.create_type(member)))
        return head

    def _interface(self, interface: InterfaceState) -> Node:
        existing = self._existing(interface.name)
        if existing is not None:
            return existing
        head = self._type_node(interface.name, interface)
        if not self.is_subgraph:
            implemented_by: Sequence[str] = list(interface.implemented_by)
        else:
            in_graph = interface.by_graph.get(self.id)
            implemented_by = in_graph.implemented_by if in_graph is not None else ()
        for implementation in implemented_by:
            self.add_edge(Edge(head, AbstractMove(), self.create_type(implementation)))
        if self.is_subgraph:
            for field in interface.fields.values():
                if self.id in field.by_graph and (
                    interface.has_interface_object or self._is_leaf_field(field)
                ):
                    self._interface_field_edge(head, field)
        return head

    def _is_leaf_field(self, field: FieldState) -> bool:
        name = bare_type(field.type)
        return name in BUILTIN_SCALARS or name in self.state.scalars or name in self.state.enums

    def _interface_field_edge(self, head: Node, field: FieldState) -> None:
        if self.ignore_inaccessible and field.decorations.inaccessible:
            return
        output = bare_type(field.type)
        tail = self.create_type(output)
        in_graph = field.by_graph.get(head.graph_id)
        requires = in_graph.requires if in_graph is not None else None
        provides = in_graph.provides if in_graph is not None else None
        move = FieldMove(
            head.type_name,
            field.name,
            self.resolver.resolve(head.type_name, requires) if requires else None,
            self.resolver.resolve(output, provides) if provides else None,
        )
        self.add_edge(Edge(head, move, tail))

    def _object_field_edge(self, head: Node, field: FieldState) -> None:
        if self.ignore_inaccessible and field.decorations.inaccessible:
            return
        if not self.is_subgraph and len(field.by_graph) == 1:
            ((graph_id, only),) = field.by_graph.items()
            if only.external and self.state.subgraphs[graph_id].is_fed1:
                return
        own = field.by_graph.get(self.id)
        output = bare_type(own.type if own is not None else field.type)
        tail = self.create_type(output)
        if not self.is_subgraph:
            edge = Edge(head, FieldMove(head.type_name, field.name), tail)
            if field.override and any(f.override_label for f in field.by_graph.values()):
                self.super_edges_with_label.append(edge)
            self.add_edge(edge)
            return
        in_graph = field.by_graph[head.graph_id]
        from_id = self.state.graph_id_of(in_graph.override) if in_graph.override else None
        move = FieldMove(
            head.type_name,
            field.name,
            self.resolver.resolve(head.type_name, in_graph.requires) if in_graph.requires else None,
            self.resolver.resolve(output, in_graph.provides) if in_graph.provides else None,
            Override(in_graph.override_label, True, from_id) if from_id else None,
        )
        self.add_edge(Edge(head, move, tail))

    def _type_node(self, name: str, type_state: TypeState) -> Node:
        if name in self.indexes_by_type:
            raise Unsupported(f"node for {name} already exists")
        return self._create_node(name, type_state, self.id, self.name)

    def _create_node(
        self, name: str, type_state: TypeState, graph_id: str, graph_name: str
    ) -> Node:
        return self._register(Node(0, name, type_state, graph_id, graph_name))

    def _register(self, node: Node) -> Node:
        node.index = len(self.nodes)
        self.nodes.append(node)
        self.edges_by_head.append([])
        self.edges_by_tail.append([])
        self.indexes_by_type.setdefault(node.type_name, []).append(node.index)
        return node

    def add_edge(self, edge: Edge) -> Edge:
        head_edges = self.edges_by_head[edge.head.index]
        at = len(head_edges)
        head_edges.append(edge)
        self.edges_by_tail[edge.tail.index].append(edge)
        move = edge.move
        if isinstance(move, FieldMove):
            if move.override is not None:
                if move.override.label:
                    self.progressive_overrides.append(edge)
                else:
                    self.overrides.append(edge)
            edge.head.add_child("field:" + move.field_name, at)
        elif isinstance(move, EntityMove):
            edge.head.add_child("entity", at)
        else:
            edge.head.add_child("abstract", at)
        if edge.is_cross_graph():
            edge.head.add_child("cross", at)
        return edge

    # -- joining the subgraphs into the merged graph

    def add_subgraph(self, graph: Graph) -> None:
        for node in graph.nodes:
            self._register(node.without_state())
        for edges in graph.edges_by_head:
            for edge in edges:
                self.add_edge(edge)

    def join_subgraphs(self) -> Graph:
        to_add: list[Edge] = []
        for i in range(len(self.nodes)):
            type_node = self.nodes[i]
            type_state = type_node.type_state
            if type_state is None:
                continue
            others = self.indexes_by_type.get(type_node.type_name)
            if others is None:
                continue
            if isinstance(type_state, ObjectState | InterfaceState) and is_entity(type_state):
                self._connect_entities(i, others, to_add)
                self._connect_interface_objects(type_state, others, to_add)
            elif isinstance(type_state, UnionState | InterfaceState):
                self._connect_union_or_interface(i, others, to_add)
        while to_add:
            self.add_edge(to_add.pop())
        self._add_provided()
        return self

    def _connect_entities(self, index: int, others: list[int], to_add: list[Edge]) -> None:
        head = self.nodes[index]
        for other in others:
            if other == index:
                continue
            tail = self.nodes[other]
            tail_state = tail.type_state
            if not isinstance(tail_state, ObjectState | InterfaceState) or not is_entity(
                tail_state
            ):
                continue
            in_graph = tail_state.by_graph.get(tail.graph_id)
            keys = sorted(
                in_graph.keys if in_graph else (), key=lambda k: score_key_fields(k.fields)
            )
            for key in keys:
                if not key.resolvable:
                    continue
                selection = self.resolver.resolve(head.type_name, key.fields)
                move: Move = (
                    EntityMove(selection)
                    if isinstance(tail_state, ObjectState)
                    else AbstractMove(selection)
                )
                to_add.append(Edge(head, move, tail))

    def _connect_interface_objects(
        self, type_state: ObjectState | InterfaceState, others: list[int], to_add: list[Edge]
    ) -> None:
        """An entity can move to an @interfaceObject of its interface through the latter's key."""
        for h in others:
            head = self.nodes[h]
            for interface_name in type_state.interfaces:
                interface_nodes = self.nodes_of(interface_name)
                if not interface_nodes:
                    continue
                first = interface_nodes[0].type_state
                if not isinstance(first, InterfaceState) or not first.has_interface_object:
                    continue
                for interface_node in interface_nodes:
                    interface_state = interface_node.type_state
                    if not isinstance(interface_state, InterfaceState):
                        raise Unsupported(f"{interface_node} is not an interface")
                    in_graph = interface_state.by_graph.get(interface_node.graph_id)
                    for key in in_graph.keys if in_graph else ():
                        if key.resolvable:
                            selection = self.resolver.resolve(interface_name, key.fields)
                            to_add.append(Edge(head, AbstractMove(selection), interface_node))

    def _connect_union_or_interface(
        self, index: int, others: list[int], to_add: list[Edge]
    ) -> None:
        head = self.nodes[index]
        edges = self.edges_of_tail(head)
        if not edges:
            return
        for other in others:
            if other == index:
                continue
            tail = self.nodes[other]
            if tail is head:
                continue
            for edge in edges:
                to_add.append(Edge(edge.head, edge.move, tail))

    def _add_provided(self) -> None:
        """Copy the tail of every ``@provides`` field so the provided fields are local there."""
        for head_index in range(len(self.edges_by_head)):
            edges = self.edges_by_head[head_index]
            for edge_index in range(len(edges)):
                edge = edges[edge_index]
                move = field_move(edge)
                if edge.is_cross_graph() or move is None or move.provides is None:
                    continue
                new_tail = self.duplicate_node(edge.tail)
                new_edge = Edge(edge.head, edge.move, new_tail)
                self.replace_edge_at(head_index, edge.tail.index, new_edge, edge_index)
                queue: list[tuple[Node, Sequence[SelectedItem]]] = [
                    (new_tail, move.provides.selection_set)
                ]
                while queue:
                    head, provided = queue.pop()
                    if isinstance(head.type_state, InterfaceState):
                        self._provide_interface_fields(head, provided, queue)
                    elif isinstance(head.type_state, UnionState):
                        self._provide_union_fields(head, provided, queue)
                    else:
                        for item in provided:
                            self._provide_field(head, item, queue)

    def _abstract_edge_to(self, head: Node, indexes: list[int], type_name: str) -> tuple[int, Edge]:
        for index in indexes:
            candidate = self.edges_by_head[head.index][index]
            if candidate.tail.type_name == type_name:
                return index, candidate
        raise Unsupported(f"no abstract edge to {type_name}")

    def _provide_interface_fields(
        self,
        head: Node,
        provided: Sequence[SelectedItem],
        queue: list[tuple[Node, Sequence[SelectedItem]]],
    ) -> None:
        indexes = head.children.get("abstract")
        if not indexes:
            raise Unsupported("no abstract edges under a provided interface")
        interface_fields: list[SelectedItem] = []
        by_type: dict[str, list[SelectedItem]] = {}
        for item in provided:
            if item.type_name == head.type_name:
                interface_fields.append(item)
            else:
                by_type.setdefault(item.type_name, []).append(item)
        for type_name, items in by_type.items():
            index, edge = self._abstract_edge_to(head, indexes, type_name)
            new_tail = self.duplicate_node(edge.tail)
            self.replace_edge_at(
                edge.head.index, edge.tail.index, Edge(edge.head, edge.move, new_tail), index
            )
            queue.append((new_tail, items))
        if not interface_fields:
            return
        for index in indexes:
            edge = self.edges_by_head[head.index][index]
            if not isinstance(edge.move, AbstractMove):
                raise Unsupported("expected an abstract edge")
            if edge.is_cross_graph():
                continue
            new_tail = self.duplicate_node(edge.tail)
            self.replace_edge_at(
                edge.head.index, edge.tail.index, Edge(edge.head, AbstractMove(), new_tail), index
            )
            queue.append(
                (
                    new_tail,
                    [
                        dataclasses.replace(f, type_name=new_tail.type_name)
                        for f in interface_fields
                    ],
                )
            )

    def _provide_union_fields(
        self,
        head: Node,
        provided: Sequence[SelectedItem],
        queue: list[tuple[Node, Sequence[SelectedItem]]],
    ) -> None:
        indexes = head.children.get("abstract")
        if not indexes:
            raise Unsupported("no abstract edges under a provided union")
        by_type: dict[str, list[SelectedItem]] = {}
        for item in provided:
            if not item.is_fragment or item.selection_set is None:
                raise Unsupported("a selection on a union must be a fragment")
            by_type.setdefault(item.type_name, []).extend(item.selection_set)
        for type_name, items in by_type.items():
            index, edge = self._abstract_edge_to(head, indexes, type_name)
            new_tail = self.duplicate_node(edge.tail)
            self.replace_edge_at(
                edge.head.index, edge.tail.index, Edge(edge.head, edge.move, new_tail), index
            )
            queue.append((new_tail, items))

    def _provide_field(
        self, head: Node, item: SelectedItem, queue: list[tuple[Node, Sequence[SelectedItem]]]
    ) -> None:
        if item.is_fragment:
            queue.append((head, item.selection_set or ()))
            return
        indexes = head.children.get("field:" + (item.field_name or ""))
        if not indexes:
            raise Unsupported(f"no edge for provided field {item.type_name}.{item.field_name}")
        for index in indexes:
            edge = self.edges_by_head[head.index][index]
            move = field_move(edge)
            if move is None:
                raise Unsupported("expected a field edge")
            if edge.is_cross_graph():
                continue
            new_tail = self.duplicate_node(edge.tail)
            provided_move = FieldMove(
                move.type_name, move.field_name, move.requires, move.provides, None, True
            )
            self.replace_edge_at(
                edge.head.index, edge.tail.index, Edge(edge.head, provided_move, new_tail), index
            )
            if item.selection_set is not None:
                queue.append((new_tail, item.selection_set))

    def duplicate_node(self, original: Node) -> Node:
        node = self._create_node(
            original.type_name, original.type_state, original.graph_id, original.graph_name
        )
        for edge in self.edges_of_head(original):
            self.add_edge(Edge(node, edge.move, edge.tail))
        return node

    def replace_edge_at(self, head_index: int, tail_index: int, edge: Edge, at: int) -> None:
        """As the oracle does: the new edge is listed under the *old* tail's index."""
        self.edges_by_head[head_index][at] = edge
        kept = [e for e in self.edges_by_tail[tail_index] if e is not edge]
        kept.append(edge)
        self.edges_by_tail[tail_index] = kept

    # -- @override

    def add_overridden_fields(self) -> Graph:
        if self.kind == "supergraph":
            self._add_super_overrides()
            return self
        for edge in self.progressive_overrides:
            override = self._override_of(edge)
            for field_edge in self._overridden_edges(edge, override):
                field_edge_move = field_move(field_edge)
                assert field_edge_move is not None
                field_edge_move.override = Override(override.label, not override.value, None)
        for edge in self.overrides:
            for field_edge in self._overridden_edges(edge, self._override_of(edge)):
                field_edge.ignored = True
        return self

    @staticmethod
    def _override_of(edge: Edge) -> Override:
        move = field_move(edge)
        if move is None or move.override is None or move.override.from_graph_id is None:
            raise Unsupported("expected an @override edge")
        return move.override

    def _overridden_edges(self, edge: Edge, override: Override) -> list[Edge]:
        move = field_move(edge)
        assert move is not None
        found: list[Edge] = []
        for node in self.nodes_of(edge.head.type_name):
            if node.graph_id != override.from_graph_id:
                continue
            for field_edge in self.field_edges_of_head(node, move.field_name):
                field_edge_move = field_move(field_edge)
                if field_edge_move is not None and not field_edge_move.provided:
                    found.append(field_edge)
        return found

    def _add_super_overrides(self) -> None:
        for edge in self.super_edges_with_label:
            move = field_move(edge)
            assert move is not None
            field = self.state.objects[move.type_name].fields[move.field_name]
            for in_graph in field.by_graph.values():
                if not (in_graph.override_label and in_graph.override):
                    continue
                from_id = self.state.graph_id_of(in_graph.override)
                if from_id is None:
                    continue
                move.override = Override(in_graph.override_label, True, from_id)
                other = FieldMove(
                    move.type_name,
                    move.field_name,
                    override=Override(in_graph.override_label, False, None),
                )
                self.add_edge(Edge(edge.head, other, edge.tail))

    # -- lookups

    def nodes_of(self, type_name: str) -> list[Node]:
        return [self.nodes[i] for i in self.indexes_by_type.get(type_name, ())]

    def node_of(self, type_name: str) -> Node | None:
        indexes = self.indexes_by_type.get(type_name)
        if indexes is None:
            return None
        if len(indexes) > 1:
            raise Unsupported(f"several nodes for {type_name}")
        return self.nodes[indexes[0]]

    def _same_graph_edges(self, head: Node, indexes: list[int] | None) -> list[Edge]:
        if not indexes:
            return []
        edges = self.edges_by_head[head.index]
        return [
            edges[i]
            for i in indexes
            if not edges[i].ignored and edges[i].head.graph_name == head.graph_name
        ]

    def field_edges_of_head(self, head: Node, field_name: str) -> list[Edge]:
        return self._same_graph_edges(head, head.children.get("field:" + field_name))

    def abstract_edges_of_head(self, head: Node) -> list[Edge]:
        return self._same_graph_edges(head, head.children.get("abstract"))

    def indirect_edges_of_head(self, head: Node) -> list[Edge]:
        edges = self._same_graph_edges(head, head.children.get("cross"))
        seen = {id(e) for e in edges}
        for edge in self._same_graph_edges(head, head.children.get("abstract")):
            if id(edge) not in seen:
                seen.add(id(edge))
                edges.append(edge)
        return edges

    def edges_of_head(self, head: Node) -> list[Edge]:
        return [e for e in self.edges_by_head[head.index] if e.head is head and not e.ignored]

    def edges_of_tail(self, tail: Node) -> list[Edge]:
        return [e for e in self.edges_by_tail[tail.index] if e.tail is tail and not e.ignored]
