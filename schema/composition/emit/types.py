"""Interfaces, unions, enums, input objects and scalars in the supergraph.

Simpler than object types: a ``@join__type`` per subgraph defining the type, then per member
(interface field, union member, enum value, input field) which subgraphs have it.
"""

from __future__ import annotations

from graphql import (
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    UnionTypeDefinitionNode,
)

from schema.composition.emit.arguments import argument_nodes
from schema.composition.emit.join import (
    JoinField,
    JoinType,
    join_enum_value,
    join_implements,
    join_union_member,
)
from schema.composition.emit.nodes import (
    applied_directives,
    decoration_directives,
    description,
    directive,
    name,
    named_type,
    string,
    type_reference,
)
from schema.composition.merge.state import (
    EnumState,
    InputState,
    InterfaceState,
    ScalarState,
    SupergraphState,
    UnionState,
)
from schema.composition.specs.federation import FED1


def interface_node(
    state: SupergraphState, interface: InterfaceState
) -> InterfaceTypeDefinitionNode:
    join_types: list[JoinType] = []
    for graph, in_graph in interface.by_graph.items():
        if in_graph.keys and state.subgraphs[graph].version != FED1:
            join_types.extend(
                JoinType(
                    graph,
                    key.fields,
                    in_graph.extension,
                    key.resolvable,
                    in_graph.is_interface_object,
                )
                for key in in_graph.keys
            )
        else:
            join_types.append(JoinType(graph))
    fields: list[FieldDefinitionNode] = []
    for merged in interface.fields.values():
        joins: list[JoinField] = []
        external_somewhere = any(f.external for f in merged.by_graph.values())
        if len(merged.by_graph) != len(interface.by_graph) or external_somewhere:
            # Apollo's form: an @interfaceObject's @external field is not resolved there, and
            # the router must know (the oracle leaves these joins out when all graphs have it).
            joins = [
                JoinField(
                    graph,
                    type=field.type if field.type != merged.type else None,
                    override=field.override,
                    provides=field.provides,
                    requires=field.requires,
                    external=field.external,
                )
                for graph, field in merged.by_graph.items()
            ]
        fields.append(
            FieldDefinitionNode(
                description=description(merged.decorations.description),
                name=name(merged.name),
                arguments=argument_nodes(merged),
                type=type_reference(merged.type),
                directives=(
                    *applied_directives(merged.decorations),
                    *(j.node() for j in joins),
                    *decoration_directives(merged.decorations),
                ),
            )
        )
    implements = [
        join_implements(graph, parent)
        for graph, in_graph in interface.by_graph.items()
        for parent in in_graph.interfaces
    ]
    return InterfaceTypeDefinitionNode(
        description=description(interface.decorations.description),
        name=name(interface.name),
        interfaces=tuple(named_type(i) for i in interface.interfaces),
        directives=(
            *applied_directives(interface.decorations),
            *(j.node() for j in join_types),
            *implements,
            *decoration_directives(interface.decorations),
        ),
        fields=tuple(fields),
    )


def union_node(union: UnionState) -> UnionTypeDefinitionNode:
    members = [
        join_union_member(graph, member)
        for graph, in_graph in union.by_graph.items()
        for member in in_graph.members
    ]
    return UnionTypeDefinitionNode(
        description=description(union.decorations.description),
        name=name(union.name),
        directives=(
            *applied_directives(union.decorations),
            *(JoinType(graph).node() for graph in union.by_graph),
            *members,
            *decoration_directives(union.decorations),
        ),
        types=tuple(named_type(m) for m in union.members),
    )


def enum_node(enum: EnumState) -> EnumTypeDefinitionNode:
    """Values of an input-only enum are those every subgraph accepts; otherwise all values."""
    input_only = enum.input_reference is not None and enum.output_reference is None
    values = [
        value
        for value in enum.values.values()
        if not input_only or len(value.graphs) == len(enum.by_graph)
    ]
    return EnumTypeDefinitionNode(
        description=description(enum.decorations.description),
        name=name(enum.name),
        directives=(
            *applied_directives(enum.decorations),
            *(JoinType(graph).node() for graph in enum.by_graph),
            *decoration_directives(enum.decorations),
        ),
        values=tuple(
            EnumValueDefinitionNode(
                description=description(value.decorations.description),
                name=name(value.name),
                directives=(
                    *applied_directives(value.decorations),
                    *(join_enum_value(graph) for graph in value.graphs),
                    *decoration_directives(value.decorations),
                ),
            )
            for value in values
        ),
    )


def input_node(input_type: InputState) -> InputObjectTypeDefinitionNode:
    """Only fields every subgraph accepts; a default only if every subgraph has one."""
    fields: list[InputValueDefinitionNode] = []
    for merged in input_type.fields.values():
        if len(merged.by_graph) != len(input_type.by_graph):
            continue
        in_graphs = merged.by_graph.items()
        joins = []
        if any(f.type != merged.type for _, f in in_graphs):
            joins = [JoinField(graph, type=f.type) for graph, f in in_graphs]
        has_default = all(f.default is not None for _, f in in_graphs)
        fields.append(
            InputValueDefinitionNode(
                description=description(merged.decorations.description),
                name=name(merged.name),
                type=type_reference(merged.type),
                default_value=merged.default if has_default else None,
                directives=(
                    *applied_directives(merged.decorations),
                    *(j.node() for j in joins),
                    *decoration_directives(merged.decorations),
                ),
            )
        )
    return InputObjectTypeDefinitionNode(
        description=description(input_type.decorations.description),
        name=name(input_type.name),
        directives=(
            *applied_directives(input_type.decorations),
            *(JoinType(graph).node() for graph in input_type.by_graph),
            *decoration_directives(input_type.decorations),
        ),
        fields=tuple(fields),
    )


def scalar_node(scalar: ScalarState) -> ScalarTypeDefinitionNode:
    specified_by = (
        [directive("specifiedBy", [("url", string(scalar.specified_by))])]
        if scalar.specified_by
        else []
    )
    return ScalarTypeDefinitionNode(
        description=description(scalar.decorations.description),
        name=name(scalar.name),
        directives=(
            *applied_directives(scalar.decorations),
            *(JoinType(graph).node() for graph in scalar.by_graph),
            *decoration_directives(scalar.decorations),
            *specified_by,
        ),
    )
