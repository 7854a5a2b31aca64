"""Directives a subgraph defines itself, and which of them reach the supergraph.

Two kinds do. Directives usable in operations (``directive @lowercase on FIELD``) are kept so
clients may send them and routers forward them. Directives the subgraph names with
``@composeDirective`` keep their definition and every application, so the supergraph still
says what the subgraph said; such a directive must come from a linked spec (a "core feature")
so that its meaning has a name. Links to specs other than federation's travel to the
supergraph too.
"""

from __future__ import annotations

from graphql import (
    DirectiveDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    print_ast,
    specified_directives,
)

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.specs import federation
from schema.composition.specs.link import Link
from schema.composition.subgraph import model
from schema.composition.subgraph.groups import SubgraphDocument, string_argument

_BUILT_IN = frozenset(d.name for d in specified_directives) | {"link", "oneOf"}

_COMPOSE_DIRECTIVE_SINCE: federation.FederationVersion = (2, 1)


def feature_links(subgraph: SubgraphDocument) -> tuple[model.FeatureLink, ...]:
    """The subgraph's links to specs other than federation's that import a directive."""
    return tuple(
        model.FeatureLink(
            link.identity,
            f"v{link.version[0]}.{link.version[1]}" if link.version else None,
            tuple((i.name, i.alias) for i in link.imports),
        )
        for link in _directive_links(subgraph)
    )


def _directive_links(subgraph: SubgraphDocument) -> list[Link]:
    return [
        link
        for link in subgraph.names.links
        if link.identity != federation.URL_IDENTITY and any(i.is_directive for i in link.imports)
    ]


def custom_directives(
    subgraph: SubgraphDocument, subgraph_name: str
) -> tuple[dict[str, model.DirectiveDefinition], list[CompositionError]]:
    """The subgraph's own directive definitions that may reach the supergraph, and the
    problems with its ``@composeDirective`` applications."""
    defined = {
        node.name.value: node
        for node in subgraph.document.definitions
        if isinstance(node, DirectiveDefinitionNode)
        and node.name.value not in _BUILT_IN
        and subgraph.names.spec_name(node.name.value) is None
    }
    composed, errors = _composed_names(subgraph, subgraph_name, frozenset(defined))
    definitions: dict[str, model.DirectiveDefinition] = {}
    for name, node in defined.items():
        definition = model.DirectiveDefinition(
            name=name,
            locations=tuple(location.value for location in node.locations),
            arguments={
                arg.name.value: model.Argument(
                    arg.name.value, print_ast(arg.type), arg.default_value
                )
                for arg in node.arguments or ()
            },
            repeatable=node.repeatable,
            composed=name in composed,
        )
        if definition.composed or definition.executable:
            definitions[name] = definition
    return definitions, errors


def _composed_names(
    subgraph: SubgraphDocument, subgraph_name: str, defined: frozenset[str]
) -> tuple[set[str], list[CompositionError]]:
    if subgraph.names.version < _COMPOSE_DIRECTIVE_SINCE:
        return set(), []
    linked = {
        i.local_name for link in _directive_links(subgraph) for i in link.imports if i.is_directive
    }
    composed: set[str] = set()
    errors: list[CompositionError] = []
    for node in subgraph.document.definitions:
        if not isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            continue
        for applied in subgraph.directives.of(node, "composeDirective"):
            requested = string_argument(applied, "name")
            if requested is None:
                continue
            name = requested.removeprefix("@")
            if name not in defined:
                errors.append(
                    _error(
                        "Could not find matching directive definition for argument to"
                        f' @composeDirective "@{name}" in subgraph "{subgraph_name}".',
                        subgraph_name,
                    )
                )
            elif name not in linked:
                errors.append(
                    _error(
                        f'Directive "@{name}" in subgraph "{subgraph_name}" cannot be composed'
                        " because it is not a member of a core feature",
                        subgraph_name,
                    )
                )
            else:
                composed.add(name)
    return composed, errors


def _error(message: str, subgraph_name: str) -> CompositionError:
    return CompositionError(ErrorCode.DIRECTIVE_COMPOSITION_ERROR, message, subgraph_name)
