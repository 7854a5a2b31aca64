"""One subgraph as composition sees it: its types with their federation metadata resolved.

Extraction (``extract.py``) folds a subgraph's definitions and extensions into these frozen
values and turns directive applications, whatever local names the subgraph imported them
under, into plain attributes (``external``, ``shareable``, ``keys``...). Later stages never
look at the subgraph's AST again.

Types are kept as printed type references (``"[String!]!"``); default values as GraphQL
value nodes so they print exactly as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from graphql import ConstDirectiveNode, ConstValueNode

from contracts.api_schema import EXECUTABLE_LOCATIONS
from schema.composition.specs.federation import FED1, FederationVersion

ExtensionKind = Literal["extend", "@extends"]


def bare_type(type_reference: str) -> str:
    """The named type of a printed type reference: ``[User!]!`` -> ``User``."""
    return type_reference.replace("!", "").replace("[", "").replace("]", "")


@dataclass(frozen=True, slots=True)
class Deprecation:
    reason: str | None


Requirements = tuple[tuple[str, ...], ...]
"""``@requiresScopes`` / ``@policy`` values: any one inner group suffices, all of its items
are needed (``[["read", "write"], ["admin"]]``: read and write, or admin)."""


@dataclass(frozen=True, slots=True)
class ListSize:
    """``@listSize``: how big a list field's result is assumed to be, or which arguments
    (``slicing_arguments``) or which fields of the result (``sized_fields``) say so."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] | None = None
    sized_fields: tuple[str, ...] | None = None
    require_one_slicing_argument: bool = True


@dataclass(frozen=True, slots=True)
class Decorations:
    """What schema elements carry into the supergraph: documentation, visibility, the
    access requirements the router enforces and the cost it estimates."""

    description: str | None = None
    deprecated: Deprecation | None = None
    inaccessible: bool = False
    tags: tuple[str, ...] = ()
    authenticated: bool = False
    scopes: Requirements = ()
    policies: Requirements = ()
    cost: int | None = None
    list_size: ListSize | None = None
    applied: tuple[ConstDirectiveNode, ...] = ()
    """Applications of the subgraph's ``@composeDirective``-named directives, as written."""


@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    type: str
    default: ConstValueNode | None = None
    decorations: Decorations = Decorations()


@dataclass(frozen=True, slots=True)
class Key:
    """One ``@key``: the field set as written and whether this subgraph resolves it."""

    fields: str
    resolvable: bool = True


@dataclass(frozen=True, slots=True)
class Field:
    """An object or interface field with what the federation directives say about it.

    ``used_as_key``: a top-level field of one of the type's keys. ``provided``: selected by
    some ``@provides`` of this subgraph. ``required``: selected by some ``@requires``.
    ``in_extension``: declared inside ``extend type``.
    """

    name: str
    type: str
    arguments: Mapping[str, Argument] = field(default_factory=dict)
    decorations: Decorations = Decorations()
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    in_extension: bool = False
    used_as_key: bool = False
    provided: bool = False
    required: bool = False


@dataclass(frozen=True, slots=True)
class ObjectType:
    """``is_definition``: declared with ``type`` (not only ``extend type``) and, in a
    Federation 1 subgraph, without ``@extends``. ``extension``: declared with ``extend type``
    or ``@extends`` somewhere in the subgraph."""

    name: str
    fields: Mapping[str, Field]
    interfaces: tuple[str, ...] = ()
    keys: tuple[Key, ...] = ()
    is_definition: bool = True
    extension: bool = False
    extension_kind: ExtensionKind | None = None
    shareable: bool = False
    decorations: Decorations = Decorations()
    kind: Literal["object"] = "object"


@dataclass(frozen=True, slots=True)
class InterfaceType:
    """An interface, or an object type marked ``@interfaceObject`` standing in for one."""

    name: str
    fields: Mapping[str, Field]
    interfaces: tuple[str, ...] = ()
    keys: tuple[Key, ...] = ()
    is_definition: bool = True
    extension: bool = False
    is_interface_object: bool = False
    implemented_by: tuple[str, ...] = ()
    decorations: Decorations = Decorations()
    kind: Literal["interface"] = "interface"


@dataclass(frozen=True, slots=True)
class UnionType:
    name: str
    members: tuple[str, ...]
    decorations: Decorations = Decorations()
    kind: Literal["union"] = "union"


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str
    decorations: Decorations = Decorations()


@dataclass(frozen=True, slots=True)
class EnumType:
    """Where the enum is used as an input and as an output decides how its values merge;
    the references are the first such use (``Query.search(kind:)``, ``User.role``)."""

    name: str
    values: Mapping[str, EnumValue]
    input_reference: str | None = None
    output_reference: str | None = None
    decorations: Decorations = Decorations()
    kind: Literal["enum"] = "enum"

    @property
    def used_as_input(self) -> bool:
        return self.input_reference is not None

    @property
    def used_as_output(self) -> bool:
        return self.output_reference is not None


@dataclass(frozen=True, slots=True)
class InputField:
    name: str
    type: str
    default: ConstValueNode | None = None
    decorations: Decorations = Decorations()


@dataclass(frozen=True, slots=True)
class InputObjectType:
    name: str
    fields: Mapping[str, InputField]
    decorations: Decorations = Decorations()
    kind: Literal["input"] = "input"


@dataclass(frozen=True, slots=True)
class ScalarType:
    name: str
    specified_by: str | None = None
    decorations: Decorations = Decorations()
    kind: Literal["scalar"] = "scalar"


NamedType = ObjectType | InterfaceType | UnionType | EnumType | InputObjectType | ScalarType

KIND_LABELS: Mapping[str, str] = {
    "object": "Object Type",
    "interface": "Interface Type",
    "union": "Union Type",
    "enum": "Enum Type",
    "input": "Input Object Type",
    "scalar": "Scalar Type",
}
"""How error messages name a kind of type (Apollo's wording)."""


@dataclass(frozen=True, slots=True)
class DirectiveDefinition:
    """A directive the subgraph defines itself that may reach the supergraph: one usable in
    operations (``executable``), or one named by ``@composeDirective`` (``composed``)."""

    name: str
    locations: tuple[str, ...]
    arguments: Mapping[str, Argument]
    repeatable: bool = False
    composed: bool = False

    @property
    def executable(self) -> bool:
        return any(location in EXECUTABLE_LOCATIONS for location in self.locations)


@dataclass(frozen=True, slots=True)
class FeatureLink:
    """A ``@link`` to a spec other than federation's that imports directives: the supergraph
    links it too, so the directives it names keep their meaning for routers."""

    identity: str
    version: str | None
    imports: tuple[tuple[str, str | None], ...]
    """(name, alias) of every imported element, directives with their ``@``."""


@dataclass(frozen=True, slots=True)
class Features:
    """Which optional specs a subgraph uses; each one used adds a ``@link`` to the supergraph."""

    tag: bool = False
    inaccessible: bool = False
    authenticated: bool = False
    requires_scopes: bool = False
    policy: bool = False
    cost: bool = False
    list_size: bool = False


@dataclass(frozen=True, slots=True)
class Subgraph:
    """A subgraph ready to merge. ``types`` is in the order composers create them."""

    name: str
    graph_id: str
    url: str
    version: FederationVersion
    types: Mapping[str, NamedType]
    subscription_type: str | None = None
    features: Features = Features()
    directives: Mapping[str, DirectiveDefinition] = field(default_factory=dict)
    links: tuple[FeatureLink, ...] = ()

    @property
    def is_fed1(self) -> bool:
        return self.version == FED1
