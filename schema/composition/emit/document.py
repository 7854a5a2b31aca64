"""Assemble the supergraph document: the spec preamble, ``join__Graph``, then every type.

Order follows the composers: schema definition with its ``@link``s, join and link spec
definitions, optional specs (``@tag``, ``@cost``, ``@inaccessible``...), the graph enum,
directives the subgraphs define themselves, then scalars, object types, interfaces, unions,
enums and input objects, each in the order first met.
"""

from __future__ import annotations

from typing import NamedTuple

from graphql import (
    ConstDirectiveNode,
    ConstListValueNode,
    DefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    OperationType,
    OperationTypeDefinitionNode,
    SchemaDefinitionNode,
    parse,
)

from schema.composition.emit.directives import directive_definitions, feature_links
from schema.composition.emit.join import join_graph
from schema.composition.emit.nodes import Argument, directive, enum, name, named_type, string
from schema.composition.emit.objects import object_node
from schema.composition.emit.requires_usage import requires_usage
from schema.composition.emit.types import (
    enum_node,
    input_node,
    interface_node,
    scalar_node,
    union_node,
)
from schema.composition.merge.state import SupergraphState
from schema.composition.specs import cost, join

_ROOTS = (
    (OperationType.QUERY, "Query"),
    (OperationType.MUTATION, "Mutation"),
    (OperationType.SUBSCRIPTION, "Subscription"),
)


def supergraph_document(state: SupergraphState) -> DocumentNode:
    version = state.version
    preamble = join.join_definitions(version) + join.LINK_DEFINITIONS
    preamble += "".join(spec.definition for spec in _specs(state) if spec.used)
    usage = requires_usage(state)
    definitions: list[DefinitionNode] = [
        _schema_definition(state),
        *parse(preamble).definitions,
        _graph_enum(state),
        *directive_definitions(state),
        *(scalar_node(s) for s in state.scalars.values()),
        *(object_node(state, usage, o) for o in state.objects.values()),
        *(interface_node(state, i) for i in state.interfaces.values()),
        *(union_node(u) for u in state.unions.values()),
        *(enum_node(e) for e in state.enums.values()),
        *(input_node(i) for i in state.inputs.values()),
    ]
    return DocumentNode(definitions=tuple(definitions))


def _schema_definition(state: SupergraphState) -> SchemaDefinitionNode:
    links: list[ConstDirectiveNode] = [
        _link(join.LINK_URL),
        _link(join.join_url(state.version), "EXECUTION"),
    ]
    links.extend(_link(s.url, s.purpose, s.imports) for s in _specs(state) if s.used)
    links.extend(feature_links(state))
    return SchemaDefinitionNode(
        directives=tuple(links),
        operation_types=tuple(
            OperationTypeDefinitionNode(operation=operation, type=named_type(type_name))
            for operation, type_name in _ROOTS
            if type_name in state.objects
        ),
    )


class _Spec(NamedTuple):
    url: str
    purpose: str | None
    definition: str
    used: bool
    imports: tuple[str, ...] = ()


def _specs(state: SupergraphState) -> list[_Spec]:
    """The optional specs, in the composers' order, and whether any subgraph uses each."""
    return [
        _Spec(join.TAG_URL, None, join.TAG_DEFINITION, state.uses_tag),
        _Spec(
            cost.COST_URL,
            None,
            cost.COST_DEFINITION,
            state.uses_cost,
            cost.cost_imports(state.uses_list_size),
        ),
        _Spec(
            join.INACCESSIBLE_URL, "SECURITY", join.INACCESSIBLE_DEFINITION, state.uses_inaccessible
        ),
        _Spec(join.POLICY_URL, "SECURITY", join.POLICY_DEFINITION, state.uses_policy),
        _Spec(
            join.REQUIRES_SCOPES_URL,
            "SECURITY",
            join.REQUIRES_SCOPES_DEFINITION,
            state.uses_requires_scopes,
        ),
        _Spec(
            join.AUTHENTICATED_URL,
            "SECURITY",
            join.AUTHENTICATED_DEFINITION,
            state.uses_authenticated,
        ),
    ]


def _link(
    url: str, purpose: str | None = None, imports: tuple[str, ...] = ()
) -> ConstDirectiveNode:
    arguments: list[Argument] = [("url", string(url))]
    if imports:
        arguments.append(("import", ConstListValueNode(values=tuple(string(i) for i in imports))))
    return directive("link", arguments + ([("for", enum(purpose))] if purpose else []))


def _graph_enum(state: SupergraphState) -> EnumTypeDefinitionNode:
    return EnumTypeDefinitionNode(
        name=name("join__Graph"),
        values=tuple(
            EnumValueDefinitionNode(
                name=name(graph.id), directives=(join_graph(graph.name, graph.url),)
            )
            for graph in state.graphs.values()
        ),
    )
