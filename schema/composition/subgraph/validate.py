"""Is a subgraph valid GraphQL SDL, once the federation names it uses are defined?

Runs graphql-core's SDL rules over the subgraph's document preceded by definitions of the
federation directives and types under the subgraph's local names. Two rules are left out:
type extensions without a base type are normal in federation (the base lives in another
subgraph), and unknown type names get their own check for a message that names the type.
If the SDL rules pass, the schema is built and checked as a whole.
"""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    Visitor,
    build_ast_schema,
    parse,
    validate_schema,
    visit,
)
from graphql.validation.rules.known_type_names import KnownTypeNamesRule
from graphql.validation.rules.possible_type_extensions import PossibleTypeExtensionsRule
from graphql.validation.specified_rules import specified_sdl_rules
from graphql.validation.validate import validate_sdl

from schema.composition.subgraph.groups import BUILT_IN_SCALARS
from schema.composition.subgraph.names import FederationNames

_NO_QUERY_ROOT = "Query root type must be provided."
_DEFINITION_OF: dict[type[TypeExtensionNode], type[TypeDefinitionNode]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
    ScalarTypeExtensionNode: ScalarTypeDefinitionNode,
}
_RULES = tuple(
    rule
    for rule in specified_sdl_rules
    if rule not in (KnownTypeNamesRule, PossibleTypeExtensionsRule)
)


def sdl_problems(document: DocumentNode, names: FederationNames) -> list[str]:
    """Messages for every way the document breaks the GraphQL type system rules."""
    defined = defined_names(document)
    preamble = parse(names.definitions_sdl(defined))
    combined = DocumentNode(definitions=(*preamble.definitions, *document.definitions))
    messages = [error.message for error in validate_sdl(combined, rules=_RULES)]
    known = defined | BUILT_IN_SCALARS | {d.name.value for d in _type_nodes(preamble)}
    messages.extend(f"Unknown type {name}" for name in unknown_type_names(document, known))
    return messages or _schema_problems(combined)


def _schema_problems(document: DocumentNode) -> list[str]:
    """Build the subgraph's schema and check it (interfaces implemented, defaults valid...).

    A subgraph may extend types it does not define and may have no query type at all;
    both are normal in federation, so extensions stand in for missing definitions here and
    the missing query root is not a problem."""
    try:
        schema = build_ast_schema(_with_definitions(document), assume_valid_sdl=True)
    except (GraphQLError, TypeError) as error:
        return [str(error)]
    return [e.message for e in validate_schema(schema) if e.message != _NO_QUERY_ROOT]


def _with_definitions(document: DocumentNode) -> DocumentNode:
    defined = {d.name.value for d in _type_nodes(document)}
    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, TypeExtensionNode) and definition.name.value not in defined:
            defined.add(definition.name.value)
            definition = _as_definition(definition)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


def _as_definition(extension: TypeExtensionNode) -> TypeDefinitionNode:
    definition_class = _DEFINITION_OF[type(extension)]
    attributes = {key: getattr(extension, key) for key in extension.keys if key != "kind"}
    return definition_class(**attributes)


def defined_names(document: DocumentNode) -> frozenset[str]:
    return frozenset(
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode | TypeExtensionNode | DirectiveDefinitionNode)
    )


def unknown_type_names(document: DocumentNode, known: frozenset[str]) -> list[str]:
    """Names referenced but never defined, each once, in the order first referenced."""
    collector = _NamedTypes()
    visit(document, collector)
    return [name for name in dict.fromkeys(collector.names) if name not in known]


def _type_nodes(document: DocumentNode) -> list[TypeDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, TypeDefinitionNode)]


class _NamedTypes(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_named_type(self, node: NamedTypeNode, *_args: object) -> None:
        self.names.append(node.name.value)
