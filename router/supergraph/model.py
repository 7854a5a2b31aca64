"""What the router knows about a supergraph: which subgraph can resolve which type and field.

Built once from the join-spec directives when a supergraph is loaded; read-only afterwards,
so the planner can share it across requests without locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLSchema


@dataclass(frozen=True, slots=True)
class Graph:
    """A subgraph: ``id`` is its ``join__Graph`` enum value, ``name`` what humans call it."""

    id: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Key:
    """One ``@key`` of an entity in one subgraph (``fields`` is the raw field set text)."""

    graph: str
    fields: str
    resolvable: bool = True


@dataclass(frozen=True, slots=True)
class FieldPlacement:
    """How one subgraph defines a field (from ``@join__field``)."""

    graph: str
    requires: str | None = None
    provides: str | None = None
    external: bool = False
    override: str | None = None
    used_overridden: bool = False
    type: str | None = None
    """The field's type in this subgraph when it differs from the supergraph's (``type:``)."""


@dataclass(frozen=True, slots=True)
class TypePlacement:
    """How one subgraph defines a type (from ``@join__type``)."""

    graph: str
    keys: tuple[Key, ...] = ()
    extension: bool = False
    interface_object: bool = False


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """A field and the subgraphs that define it. Empty ``placements``: every graph of its type.

    ``unowned`` fields (``@join__field`` without a graph) no subgraph resolves on this type; they
    come through an ``@interfaceObject`` of one of its interfaces.
    """

    type_name: str
    name: str
    placements: tuple[FieldPlacement, ...] = ()
    unowned: bool = False


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """A composite type and the subgraphs that define it."""

    name: str
    placements: tuple[TypePlacement, ...] = ()
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For an interface or union: per subgraph, the object types that are its members there
    (``@join__implements`` / ``@join__unionMember``); they may differ between subgraphs."""

    @property
    def graphs(self) -> tuple[str, ...]:
        return tuple(p.graph for p in self.placements)

    def keys_in(self, graph: str) -> tuple[Key, ...]:
        for placement in self.placements:
            if placement.graph == graph:
                return placement.keys
        return ()

    def resolvable_keys_in(self, graph: str) -> tuple[Key, ...]:
        return tuple(k for k in self.keys_in(graph) if k.resolvable)

    def is_interface_object_in(self, graph: str) -> bool:
        """Whether ``graph`` sees this interface as an object type (``@interfaceObject``)."""
        return any(p.graph == graph and p.interface_object for p in self.placements)


@dataclass(frozen=True, slots=True)
class Supergraph:
    """A parsed supergraph: the full schema (with join machinery), the API schema and placements."""

    schema: GraphQLSchema
    api_schema: GraphQLSchema
    graphs: dict[str, Graph]
    types: dict[str, TypeInfo]

    def graph_name(self, graph_id: str) -> str:
        return self.graphs[graph_id].name

    def field_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Subgraphs that can resolve ``type_name.field_name`` themselves (not as external)."""
        info = self.types.get(type_name)
        if info is None:
            return ()
        fld = info.fields.get(field_name)
        if fld is not None and fld.unowned:
            return ()
        if fld is None or not fld.placements:
            return info.graphs
        return tuple(p.graph for p in fld.placements if not p.external and not p.used_overridden)

    def placement(self, type_name: str, field_name: str, graph: str) -> FieldPlacement | None:
        info = self.types.get(type_name)
        fld = info.fields.get(field_name) if info else None
        if fld is None:
            return None
        for placement in fld.placements:
            if placement.graph == graph:
                return placement
        return None
