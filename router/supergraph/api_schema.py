"""The API schema: what clients see of a supergraph.

It is the supergraph minus the federation machinery (``@link``, ``join__*``, ``link__*``) and
minus everything marked ``@inaccessible``. Clients validate and introspect against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    REMOVE,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLSchema,
    Node,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    Visitor,
    build_ast_schema,
    visit,
)
from graphql.language import NamedTypeNode


@dataclass(frozen=True, slots=True)
class SpecNames:
    """The prefixes the supergraph uses for the specs it links (``as:`` may rename them)."""

    join: str
    link: str = "link"
    inaccessible: str | None = None


def build_api_schema(document: DocumentNode, names: SpecNames) -> GraphQLSchema:
    """Strip federation machinery and ``@inaccessible`` elements, then build the schema."""
    machinery = _machinery_prefixes(names)
    inaccessible_types = _inaccessible_type_names(document, names)
    stripped = visit(document, _Stripper(machinery, names.inaccessible, inaccessible_types))
    return build_ast_schema(stripped, assume_valid_sdl=True)


def _machinery_prefixes(names: SpecNames) -> tuple[str, ...]:
    return (f"{names.join}__", f"{names.link}__")


def _is_inaccessible(node: Any, inaccessible: str | None) -> bool:
    if inaccessible is None:
        return False
    return any(d.name.value == inaccessible for d in getattr(node, "directives", None) or ())


def _inaccessible_type_names(document: DocumentNode, names: SpecNames) -> frozenset[str]:
    return frozenset(
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode | TypeExtensionNode)
        and _is_inaccessible(d, names.inaccessible)
    )


class _Stripper(Visitor):
    """Removes spec directives and types, and inaccessible elements, from the supergraph AST."""

    def __init__(
        self, machinery: tuple[str, ...], inaccessible: str | None, hidden_types: frozenset[str]
    ) -> None:
        super().__init__()
        self.machinery = machinery
        self.inaccessible = inaccessible
        self.hidden_types = hidden_types
        self.spec_directives = {"link", "inaccessible", "tag"} | (
            {inaccessible} if inaccessible else set()
        )

    def _is_spec_name(self, name: str) -> bool:
        return name.startswith(self.machinery) or name in self.spec_directives

    def enter_schema_definition(self, node: SchemaDefinitionNode, *_: Any) -> Any:
        return None

    def enter_directive_definition(self, node: DirectiveDefinitionNode, *_: Any) -> Any:
        name = node.name.value
        return REMOVE if self._is_spec_name(name) or name.startswith("federation__") else None

    def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
        return REMOVE if self._is_spec_name(node.name.value) else None

    def enter(self, node: Node, *_: Any) -> Any:
        if isinstance(node, ScalarTypeDefinitionNode | EnumTypeDefinitionNode) and (
            node.name.value.startswith(self.machinery)
        ):
            return REMOVE
        if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
            if node.name.value in self.hidden_types:
                return REMOVE
        elif _is_inaccessible(node, self.inaccessible):
            return REMOVE
        if isinstance(node, NamedTypeNode) and node.name.value in self.hidden_types:
            return REMOVE  # a union member or implemented interface that is inaccessible
        return None
