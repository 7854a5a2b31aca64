"""A path through a graph: a start node and the edges taken since."""

from __future__ import annotations

from dataclasses import dataclass

from schema.composition.rules.satisfiability.graph import Edge, FieldMove, Node


@dataclass(frozen=True, slots=True)
class Step:
    """A query step: a field (``field_name`` set) or a type condition."""

    type_name: str
    field_name: str | None = None


class OperationPath:
    __slots__ = ("edges", "root")

    def __init__(self, root: Node, edges: list[Edge] | None = None) -> None:
        self.root = root
        self.edges: list[Edge] = edges if edges is not None else []

    def move(self, edge: Edge) -> OperationPath:
        self.edges.append(edge)
        return self

    def clone(self) -> OperationPath:
        return OperationPath(self.root, list(self.edges))

    def depth(self) -> int:
        return len(self.edges)

    def edge(self) -> Edge | None:
        return self.edges[-1] if self.edges else None

    def tail(self) -> Node:
        """The node the path ends at (its root when no edge was taken yet)."""
        return self.edges[-1].tail if self.edges else self.root

    def steps(self) -> list[Step]:
        return [
            Step(e.move.type_name, e.move.field_name)
            if isinstance(e.move, FieldMove)
            else Step(e.tail.type_name)
            for e in self.edges
        ]

    def is_visited_edge(self, edge: Edge) -> bool:
        return edge in self.edges  # identity: Edge has no __eq__

    def __repr__(self) -> str:
        return " -> ".join([repr(self.root), *(repr(e.tail) for e in self.edges)])
