"""Read a Federation 2 supergraph (link/v1.0 + join/v0.3-v0.5) into a :class:`Supergraph`.

The join directives say, per subgraph, which types (``@join__type``) and fields
(``@join__field``) it defines; ``@join__graph`` on the ``join__Graph`` enum names each subgraph
and its URL. Spec names may be renamed through ``@link(as:)``; we honour that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    build_ast_schema,
    parse,
)
from graphql.error import GraphQLError

from contracts.api_schema import SpecNames, UnusableSupergraph, build_api_schema, read_spec_names
from router.errors import SupergraphError
from router.supergraph.model import (
    FieldInfo,
    FieldPlacement,
    Graph,
    Key,
    Supergraph,
    TypeInfo,
    TypePlacement,
)


def parse_supergraph(sdl: str) -> Supergraph:
    """Parse supergraph SDL; raise ``SupergraphError`` if it is not a usable supergraph."""
    try:
        document = parse(sdl)
    except GraphQLError as exc:
        raise SupergraphError(f"supergraph SDL does not parse: {exc.message}") from exc
    try:
        names = read_spec_names(document)
    except UnusableSupergraph as exc:
        raise SupergraphError(str(exc)) from exc
    try:
        schema = build_ast_schema(document, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as exc:
        raise SupergraphError(f"supergraph SDL does not build: {exc}") from exc
    graphs = _graphs(document, names)
    types = _types(document, names)
    return Supergraph(
        schema=schema,
        api_schema=build_api_schema(document, names),
        graphs=graphs,
        types=types,
    )


def _graphs(document: DocumentNode, names: SpecNames) -> dict[str, Graph]:
    enum_name = f"{names.join}__Graph"
    graphs: dict[str, Graph] = {}
    for definition in document.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == enum_name:
            for value in definition.values or ():
                for directive in _directives(value.directives, f"{names.join}__graph"):
                    args = _arguments(directive)
                    graphs[value.name.value] = Graph(
                        id=value.name.value, name=str(args["name"]), url=str(args.get("url", ""))
                    )
    if not graphs:
        raise SupergraphError(f"not a supergraph: enum {enum_name} has no graphs")
    return graphs


@dataclass
class _TypeBuilder:
    placements: list[TypePlacement]
    fields: dict[str, FieldInfo]


def _types(document: DocumentNode, names: SpecNames) -> dict[str, TypeInfo]:
    builders: dict[str, _TypeBuilder] = {}
    join_type, join_field = f"{names.join}__type", f"{names.join}__field"
    join_implements, join_member = f"{names.join}__implements", f"{names.join}__unionMember"
    members: dict[str, dict[str, list[str]]] = {}
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        name = definition.name.value
        builder = builders.setdefault(name, _TypeBuilder([], {}))
        if isinstance(definition, ObjectTypeDefinitionNode):
            for directive in _directives(definition.directives, join_implements):
                args = _arguments(directive)
                implementers = members.setdefault(str(args["interface"]), {})
                implementers.setdefault(str(args["graph"]), []).append(name)
        for directive in _directives(definition.directives, join_member):
            args = _arguments(directive)
            members.setdefault(name, {}).setdefault(str(args["graph"]), []).append(
                str(args["member"])
            )
        by_graph: dict[str, list[Key]] = {}
        flags: dict[str, tuple[bool, bool]] = {}
        for directive in _directives(definition.directives, join_type):
            args = _arguments(directive)
            graph = str(args["graph"])
            keys = by_graph.setdefault(graph, [])
            if "key" in args and args["key"] is not None:
                keys.append(Key(graph, str(args["key"]), bool(args.get("resolvable", True))))
            extension, interface_object = flags.get(graph, (False, False))
            flags[graph] = (
                extension or bool(args.get("extension", False)),
                interface_object or bool(args.get("isInterfaceObject", False)),
            )
        for graph, keys in by_graph.items():
            extension, interface_object = flags[graph]
            builder.placements.append(
                TypePlacement(graph, tuple(keys), extension, interface_object)
            )
        if isinstance(
            definition,
            ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode,
        ):
            for field_node in definition.fields or ():
                directives = _directives(field_node.directives, join_field)
                found = (_field_placement(d) for d in directives)
                placements = tuple(p for p in found if p is not None)
                unowned = bool(directives) and not placements
                builder.fields[field_node.name.value] = FieldInfo(
                    name, field_node.name.value, placements, unowned
                )
    return {
        name: TypeInfo(
            name,
            tuple(b.placements),
            dict(b.fields),
            {graph: tuple(types) for graph, types in members.get(name, {}).items()},
        )
        for name, b in builders.items()
    }


def _field_placement(directive: DirectiveNode) -> FieldPlacement | None:
    args = _arguments(directive)
    if args.get("graph") is None:
        return None
    return FieldPlacement(
        graph=str(args["graph"]),
        requires=_optional_str(args.get("requires")),
        provides=_optional_str(args.get("provides")),
        external=bool(args.get("external", False)),
        override=_optional_str(args.get("override")),
        used_overridden=bool(args.get("usedOverridden", False)),
        type=_optional_str(args.get("type")),
    )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _directives(nodes: Any, name: str) -> list[DirectiveNode]:
    return [d for d in nodes or () if d.name.value == name]


def _arguments(directive: DirectiveNode) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for argument in directive.arguments or ():
        node = argument.value
        if isinstance(node, StringValueNode | EnumValueNode | BooleanValueNode):
            values[argument.name.value] = node.value
        else:
            values[argument.name.value] = None
    return values


def load_supergraph(path: str) -> Supergraph:
    """Read and parse a supergraph file."""
    with open(path, encoding="utf-8") as handle:
        return parse_supergraph(handle.read())
