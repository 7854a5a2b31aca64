"""The supergraph while it is being merged: each type with what every subgraph says of it.

Every ``*State`` keeps ``by_graph`` (graph id -> that subgraph's frozen element) next to the
merged view, because the join directives are about exactly that difference: which subgraph
defines what, and how. Mutable on purpose and private to composition: merging fills it,
validation rules read it, the emitter turns it into the supergraph document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ConstDirectiveNode, ConstValueNode

from schema.composition.graphs import Graph
from schema.composition.merge.cost import max_weight, merge_list_size
from schema.composition.requirements import combine
from schema.composition.subgraph import model


@dataclass(slots=True)
class DecorationsState:
    """Merged descriptions, deprecations, tags and ``@inaccessible`` of one element."""

    description: str | None = None
    deprecated: model.Deprecation | None = None
    inaccessible: bool = False
    tags: dict[str, None] = field(default_factory=dict)
    authenticated: bool = False
    scopes: model.Requirements = ()
    policies: model.Requirements = ()
    cost: int | None = None
    list_size: model.ListSize | None = None
    applied: list[ConstDirectiveNode] = field(default_factory=list)

    def absorb(self, decorations: model.Decorations) -> None:
        if self.description is None:
            self.description = decorations.description
        if self.deprecated is None:
            self.deprecated = decorations.deprecated
        self.inaccessible = self.inaccessible or decorations.inaccessible
        self.tags.update(dict.fromkeys(decorations.tags))
        self.absorb_access(decorations.authenticated, decorations.scopes, decorations.policies)
        self.cost = max_weight(self.cost, decorations.cost)
        self.list_size = merge_list_size(self.list_size, decorations.list_size)
        self.applied.extend(decorations.applied)

    def absorb_access(
        self, authenticated: bool, scopes: model.Requirements, policies: model.Requirements
    ) -> None:
        """Both sides' requirements apply: authenticated if either is, scopes combined."""
        self.authenticated = self.authenticated or authenticated
        self.scopes = combine(self.scopes, scopes)
        self.policies = combine(self.policies, policies)


@dataclass(slots=True)
class ArgumentState:
    name: str
    type: str
    default: ConstValueNode | None = None
    decorations: DecorationsState = field(default_factory=DecorationsState)
    by_graph: dict[str, model.Argument] = field(default_factory=dict)


@dataclass(slots=True)
class FieldState:
    """``type`` is the merged type; ``override`` the last ``@override(from:)`` seen."""

    name: str
    type: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    arguments: dict[str, ArgumentState] = field(default_factory=dict)
    by_graph: dict[str, model.Field] = field(default_factory=dict)
    used_as_key: bool = False
    override: str | None = None
    seen_non_external: bool = False


@dataclass(slots=True)
class ObjectState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    fields: dict[str, FieldState] = field(default_factory=dict)
    interfaces: dict[str, None] = field(default_factory=dict)
    by_graph: dict[str, model.ObjectType] = field(default_factory=dict)
    has_definition: bool = False
    is_entity: bool = False


@dataclass(slots=True)
class InterfaceState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    fields: dict[str, FieldState] = field(default_factory=dict)
    interfaces: dict[str, None] = field(default_factory=dict)
    implemented_by: dict[str, None] = field(default_factory=dict)
    by_graph: dict[str, model.InterfaceType] = field(default_factory=dict)
    has_interface_object: bool = False


@dataclass(slots=True)
class UnionState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    members: dict[str, None] = field(default_factory=dict)
    by_graph: dict[str, model.UnionType] = field(default_factory=dict)


@dataclass(slots=True)
class EnumValueState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    graphs: dict[str, None] = field(default_factory=dict)


@dataclass(slots=True)
class EnumState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    values: dict[str, EnumValueState] = field(default_factory=dict)
    by_graph: dict[str, model.EnumType] = field(default_factory=dict)
    input_reference: str | None = None
    output_reference: str | None = None


@dataclass(slots=True)
class InputFieldState:
    name: str
    type: str
    default: ConstValueNode | None = None
    decorations: DecorationsState = field(default_factory=DecorationsState)
    by_graph: dict[str, model.InputField] = field(default_factory=dict)


@dataclass(slots=True)
class InputState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    fields: dict[str, InputFieldState] = field(default_factory=dict)
    by_graph: dict[str, model.InputObjectType] = field(default_factory=dict)


@dataclass(slots=True)
class ScalarState:
    name: str
    decorations: DecorationsState = field(default_factory=DecorationsState)
    specified_by: str | None = None
    by_graph: dict[str, model.ScalarType] = field(default_factory=dict)


@dataclass(slots=True)
class DirectiveArgumentState:
    """``type`` is the first type seen, made non-null if any subgraph's is."""

    name: str
    type: str
    default: ConstValueNode | None = None
    by_graph: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class DirectiveState:
    """A subgraph-defined directive that may reach the supergraph (see
    ``subgraph/custom_directives.py``), with every location any subgraph gives it."""

    name: str
    locations: dict[str, None] = field(default_factory=dict)
    arguments: dict[str, DirectiveArgumentState] = field(default_factory=dict)
    repeatable: bool = False
    executable: bool = False
    composed: bool = False
    by_graph: dict[str, model.DirectiveDefinition] = field(default_factory=dict)


@dataclass(slots=True)
class SupergraphState:
    """All types by kind, each in the order composers first met it."""

    graphs: dict[str, Graph]
    subgraphs: dict[str, model.Subgraph]
    objects: dict[str, ObjectState] = field(default_factory=dict)
    interfaces: dict[str, InterfaceState] = field(default_factory=dict)
    unions: dict[str, UnionState] = field(default_factory=dict)
    enums: dict[str, EnumState] = field(default_factory=dict)
    inputs: dict[str, InputState] = field(default_factory=dict)
    scalars: dict[str, ScalarState] = field(default_factory=dict)
    directives: dict[str, DirectiveState] = field(default_factory=dict)

    def graph_id_of(self, name: str) -> str | None:
        return next((g.id for g in self.graphs.values() if g.name == name), None)

    def graph_name(self, graph_id: str) -> str:
        return self.graphs[graph_id].name

    @property
    def uses_tag(self) -> bool:
        return any(s.features.tag for s in self.subgraphs.values())

    @property
    def uses_inaccessible(self) -> bool:
        return any(s.features.inaccessible for s in self.subgraphs.values())

    @property
    def uses_authenticated(self) -> bool:
        return any(s.features.authenticated for s in self.subgraphs.values())

    @property
    def uses_requires_scopes(self) -> bool:
        return any(s.features.requires_scopes for s in self.subgraphs.values())

    @property
    def uses_policy(self) -> bool:
        return any(s.features.policy for s in self.subgraphs.values())

    @property
    def uses_cost(self) -> bool:
        """``@cost`` or ``@listSize``: both come with the one cost spec."""
        return any(s.features.cost or s.features.list_size for s in self.subgraphs.values())

    @property
    def uses_list_size(self) -> bool:
        return any(s.features.list_size for s in self.subgraphs.values())

    @property
    def version(self) -> tuple[int, int]:
        return max((s.version for s in self.subgraphs.values()), default=(1, 0))
