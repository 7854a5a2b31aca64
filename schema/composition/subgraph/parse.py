"""Parse a subgraph's SDL and recognise what the subgraph spec adds for the router's sake.

A subgraph serves ``_service { sdl }`` and ``_entities(representations:)``, with the types
``_Any``, ``_Entity`` and ``_Service``; Strawberry prints them in its SDL. They are the
protocol between router and subgraph, not part of the graph: extraction skips them (they stay
in the document, where they are valid GraphQL, so SDL validation can still run on it).
"""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DocumentNode,
    GraphQLSyntaxError,
    ObjectTypeDefinitionNode,
    OperationType,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    UnionTypeDefinitionNode,
    parse,
)

PROTOCOL_QUERY_FIELDS = frozenset({"_service", "_entities"})

_PROTOCOL_TYPES: dict[str, type[DefinitionNode]] = {
    "_Any": ScalarTypeDefinitionNode,
    "_Entity": UnionTypeDefinitionNode,
    "_Service": ObjectTypeDefinitionNode,
}


def parse_sdl(sdl: str) -> DocumentNode | GraphQLSyntaxError:
    try:
        return parse(sdl)
    except GraphQLSyntaxError as error:
        return error


def is_protocol_type(definition: DefinitionNode) -> bool:
    """``scalar _Any``, ``union _Entity`` or ``type _Service``."""
    name = getattr(getattr(definition, "name", None), "value", None)
    expected = _PROTOCOL_TYPES.get(name or "")
    return expected is not None and isinstance(definition, expected)


def root_type_names(document: DocumentNode) -> dict[OperationType, str]:
    """The root operation types the schema definition names (``Query`` etc. by default)."""
    names = {
        OperationType.QUERY: "Query",
        OperationType.MUTATION: "Mutation",
        OperationType.SUBSCRIPTION: "Subscription",
    }
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for operation in definition.operation_types or ():
                names[operation.operation] = operation.type.name.value
    return names
