"""A subgraph's types with each definition and extension gathered under its name.

In a subgraph, ``type User`` and ``extend type User`` (and ``@extends``) together describe one
type. Grouping them first lets every later step ask one question per type. Root types are
grouped under their canonical names (``Query``...), whatever the schema definition calls
them; an object type marked ``@interfaceObject`` is grouped as the interface it stands for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from graphql import (
    ConstDirectiveNode,
    ConstValueNode,
    DefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)

from schema.composition.subgraph.names import FederationNames
from schema.composition.subgraph.parse import is_protocol_type, root_type_names

TypeKind = Literal["object", "interface", "union", "enum", "input", "scalar"]
TypeNodes = TypeDefinitionNode | TypeExtensionNode
ObjectLikeNode = (
    ObjectTypeDefinitionNode
    | ObjectTypeExtensionNode
    | InterfaceTypeDefinitionNode
    | InterfaceTypeExtensionNode
)

_KINDS: tuple[tuple[type[DefinitionNode], TypeKind], ...] = (
    (ObjectTypeDefinitionNode, "object"),
    (ObjectTypeExtensionNode, "object"),
    (InterfaceTypeDefinitionNode, "interface"),
    (InterfaceTypeExtensionNode, "interface"),
    (UnionTypeDefinitionNode, "union"),
    (UnionTypeExtensionNode, "union"),
    (EnumTypeDefinitionNode, "enum"),
    (EnumTypeExtensionNode, "enum"),
    (InputObjectTypeDefinitionNode, "input"),
    (InputObjectTypeExtensionNode, "input"),
    (ScalarTypeDefinitionNode, "scalar"),
    (ScalarTypeExtensionNode, "scalar"),
)
_ROOTS = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}
_LINK_TYPES = frozenset({"link__Import", "link__Purpose", "_FieldSet"})
BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


@dataclass(frozen=True, slots=True)
class Directives:
    """Reads federation directive applications under the subgraph's local names."""

    names: FederationNames

    def of(self, node: object, spec: str) -> list[ConstDirectiveNode]:
        applied: Sequence[ConstDirectiveNode] = getattr(node, "directives", None) or ()
        return [d for d in applied if self.names.spec_name(d.name.value) == spec]

    def has(self, node: object, spec: str) -> bool:
        return bool(self.of(node, spec))


def argument(directive: ConstDirectiveNode, name: str) -> ConstValueNode | None:
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def string_argument(directive: ConstDirectiveNode, name: str) -> str | None:
    value = argument(directive, name)
    return value.value if isinstance(value, StringValueNode) else None


def named_type(type_node: TypeNode) -> str:
    while isinstance(type_node, ListTypeNode | NonNullTypeNode):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


@dataclass(slots=True)
class TypeGroup:
    name: str
    kind: TypeKind
    nodes: list[TypeNodes] = field(default_factory=list)
    is_interface_object: bool = False

    @property
    def definitions(self) -> list[TypeNodes]:
        return [n for n in self.nodes if isinstance(n, TypeDefinitionNode)]

    def field_nodes(self) -> Iterator[tuple[ObjectLikeNode, FieldDefinitionNode]]:
        for node in self.nodes:
            if isinstance(node, ObjectLikeNode):
                for field_node in node.fields or ():
                    yield node, field_node

    @property
    def interfaces(self) -> tuple[str, ...]:
        """The interfaces the definition and extensions implement, each once, in order."""
        names = [
            i.name.value
            for n in self.nodes
            if isinstance(n, ObjectLikeNode)
            for i in n.interfaces or ()
        ]
        return tuple(dict.fromkeys(names))

    def field_node(self, name: str) -> FieldDefinitionNode | None:
        return next((f for _, f in self.field_nodes() if f.name.value == name), None)


@dataclass(frozen=True, slots=True)
class SubgraphDocument:
    """The subgraph's document with its types grouped; what extraction works from."""

    document: DocumentNode
    names: FederationNames
    directives: Directives
    groups: dict[str, TypeGroup]
    renames: dict[str, str]
    subscription_type: str | None

    def canonical(self, name: str) -> str:
        return self.renames.get(name, name)

    def type_nodes(self) -> Iterator[TypeNodes]:
        """Type definitions and extensions in document order, protocol types left out."""
        for definition in self.document.definitions:
            if isinstance(definition, TypeDefinitionNode | TypeExtensionNode) and self._kept(
                definition
            ):
                yield definition

    def _kept(self, node: TypeNodes) -> bool:
        name = node.name.value
        return not (is_protocol_type(node) or name in self.names.types or name in _LINK_TYPES)


def group_types(
    document: DocumentNode, names: FederationNames
) -> tuple[SubgraphDocument, list[str]]:
    """Group the document's types; also return messages for kind conflicts within it."""
    directives = Directives(names)
    roots = root_type_names(document)
    renames = {given: _ROOTS[op] for op, given in roots.items() if given != _ROOTS[op]}
    result = SubgraphDocument(document, names, directives, {}, renames, None)
    interface_objects = {
        result.canonical(node.name.value)
        for node in result.type_nodes()
        if _kind(node) == "object" and directives.has(node, "interfaceObject")
    }
    problems: list[str] = []
    for node in result.type_nodes():
        name = result.canonical(node.name.value)
        kind = _kind(node)
        if kind == "object" and name in interface_objects:
            kind = "interface"
        group = result.groups.setdefault(
            name, TypeGroup(name, kind, is_interface_object=name in interface_objects)
        )
        if kind != group.kind:
            problems.append(f'Type "{name}" is declared both as {group.kind} and as {kind}')
            continue
        group.nodes.append(node)
    subscription = result.canonical(roots[OperationType.SUBSCRIPTION])
    return (
        SubgraphDocument(
            document,
            names,
            directives,
            result.groups,
            renames,
            subscription if subscription in result.groups else None,
        ),
        problems,
    )


def _kind(node: TypeNodes) -> TypeKind:
    return next(kind for node_type, kind in _KINDS if isinstance(node, node_type))
