"""The API schema: what clients see of a supergraph, and what breaking changes are about.

It is the supergraph without the machinery of the specs it ``@link``s (``join__*``,
``link__*``, ``@tag``, ``@authenticated``... under whatever names the links give them) and
without every element marked ``@inaccessible``. Of the directives, only those a client can
use remain: the executable ones (``@lowercase on FIELD``) and the built-in ``@deprecated``,
``@specifiedBy`` and ``@oneOf``; type-system metadata such as composed directives or
``@listSize`` is the router's business, not the client's. Works on any standard supergraph.

Shared: the router validates operations against it, ``supergraph check`` compares two of them
for breaking changes, and composition uses ``EXECUTABLE_LOCATIONS`` to decide which directive
definitions reach the API schema, so all three agree on what a client sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from graphql import (
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    ValueNode,
    build_ast_schema,
)
from graphql.language import Node

_CLIENT_VISIBLE = frozenset({"deprecated", "specifiedBy", "oneOf"})
"""Type-system directives introspection shows clients."""

EXECUTABLE_LOCATIONS = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)
"""Where a directive applies in operations, not in the schema: the ones clients may send."""

_N = TypeVar("_N", bound=Node)
_Value = TypeVar("_Value", InputValueDefinitionNode, EnumValueDefinitionNode)


_SUPPORTED_JOIN = ("v0.3", "v0.4", "v0.5")


class UnusableSupergraph(ValueError):
    """The document is not a supergraph: no join spec, or a join version we do not read."""


@dataclass(frozen=True, slots=True)
class SpecNames:
    """How a supergraph names the specs it links (``as:`` and ``import:`` may rename them)."""

    join: str
    link: str = "link"
    inaccessible: str | None = None
    prefixes: tuple[str, ...] = ()
    """Namespaces of every linked spec (``join``, ``tag``, ``authenticated``...)."""
    imported: frozenset[str] = frozenset()
    """Names imported from linked specs without a namespace."""

    def owns(self, name: str) -> bool:
        """Whether ``name`` belongs to a linked spec, not to the graph's own schema."""
        if name in self.imported or name == self.link or name == self.join:
            return True
        return any(name == p or name.startswith(f"{p}__") for p in (*self.prefixes, self.link))


def read_spec_names(document: DocumentNode) -> SpecNames:
    """Read the schema's ``@link``s: which prefix each spec uses, and what it imports."""
    join = link = inaccessible = None
    prefixes: list[str] = []
    imported: set[str] = set()
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = args.get("url")
            alias = args.get("as")
            if not isinstance(url, StringValueNode):
                continue
            spec, _, version = url.value.rstrip("/").rpartition("/")
            spec_name = spec.rsplit("/", 1)[-1]
            prefix = alias.value if isinstance(alias, StringValueNode) else spec_name
            prefixes.append(prefix)
            imports = dict(link_imports(args.get("import")))
            imported.update(imports.values())
            if spec_name == "join":
                if version not in _SUPPORTED_JOIN:
                    raise UnusableSupergraph(f"unsupported join spec version {version}")
                join = prefix
            elif spec_name == "link":
                link = prefix
            elif spec_name == "inaccessible":
                inaccessible = imports.get("inaccessible", prefix)
    if join is None:
        raise UnusableSupergraph("not a supergraph: no @link to the join spec")
    return SpecNames(
        join=join,
        link=link or "link",
        inaccessible=inaccessible,
        prefixes=tuple(prefixes),
        imported=frozenset(imported),
    )


def link_imports(value: ValueNode | None) -> list[tuple[str, str]]:
    """``import:`` entries as (name in the spec, local name), without ``@``."""
    items = value.values if isinstance(value, ListValueNode) else ()
    found = []
    for item in items:
        if isinstance(item, StringValueNode):
            name = item.value.removeprefix("@")
            found.append((name, name))
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: f.value for f in item.fields}
            name_node, alias_node = fields.get("name"), fields.get("as")
            if isinstance(name_node, StringValueNode):
                name = name_node.value.removeprefix("@")
                local = alias_node.value if isinstance(alias_node, StringValueNode) else name
                found.append((name, local.removeprefix("@")))
    return found


def build_api_schema(document: DocumentNode, names: SpecNames) -> GraphQLSchema:
    """Build the client-facing schema of a parsed supergraph."""
    return build_ast_schema(api_schema_document(document, names), assume_valid_sdl=True)


def api_schema_document(supergraph: DocumentNode, names: SpecNames) -> DocumentNode:
    """The supergraph document with spec machinery and inaccessible elements removed."""
    hidden = {
        d.name.value
        for d in supergraph.definitions
        if isinstance(d, TypeDefinitionNode) and _hidden(d, names)
    }
    kept: list[DefinitionNode] = []
    for definition in supergraph.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            kept.append(_rebuild(definition, directives=()))
        elif isinstance(definition, DirectiveDefinitionNode):
            if not names.owns(definition.name.value) and _client_usable(definition):
                kept.append(definition)
        elif isinstance(definition, TypeDefinitionNode):
            if definition.name.value not in hidden:
                kept.append(_strip_type(definition, names, hidden))
        else:
            kept.append(definition)
    return DocumentNode(definitions=tuple(kept))


def _client_usable(definition: DirectiveDefinitionNode) -> bool:
    return definition.name.value in _CLIENT_VISIBLE or any(
        location.value in EXECUTABLE_LOCATIONS for location in definition.locations
    )


def _hidden(node: Node, names: SpecNames) -> bool:
    name = getattr(getattr(node, "name", None), "value", "")
    if isinstance(node, TypeDefinitionNode) and names.owns(name):
        return True
    applied: tuple[ConstDirectiveNode, ...] = getattr(node, "directives", None) or ()
    return names.inaccessible is not None and any(
        d.name.value == names.inaccessible for d in applied
    )


def _strip_type(node: TypeDefinitionNode, names: SpecNames, hidden: set[str]) -> TypeDefinitionNode:
    changes: dict[str, object] = {"directives": _directives(node, names)}
    if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        changes["interfaces"] = tuple(
            i for i in node.interfaces or () if i.name.value not in hidden
        )
        changes["fields"] = tuple(
            _strip_field(f, names) for f in node.fields or () if not _hidden(f, names)
        )
    elif isinstance(node, InputObjectTypeDefinitionNode):
        changes["fields"] = tuple(
            _strip_value(f, names) for f in node.fields or () if not _hidden(f, names)
        )
    elif isinstance(node, UnionTypeDefinitionNode):
        changes["types"] = tuple(t for t in node.types or () if t.name.value not in hidden)
    elif isinstance(node, EnumTypeDefinitionNode):
        changes["values"] = tuple(
            _strip_value(v, names) for v in node.values or () if not _hidden(v, names)
        )
    return _rebuild(node, **changes)


def _strip_field(node: FieldDefinitionNode, names: SpecNames) -> FieldDefinitionNode:
    arguments = tuple(_strip_value(a, names) for a in node.arguments or () if not _hidden(a, names))
    return _rebuild(node, directives=_directives(node, names), arguments=arguments)


def _strip_value(node: _Value, names: SpecNames) -> _Value:
    return _rebuild(node, directives=_directives(node, names))


def _directives(node: Node, names: SpecNames) -> tuple[ConstDirectiveNode, ...]:
    applied: tuple[ConstDirectiveNode, ...] = getattr(node, "directives", None) or ()
    return tuple(
        d for d in applied if d.name.value in _CLIENT_VISIBLE and not names.owns(d.name.value)
    )


def _rebuild(node: _N, **changes: object) -> _N:
    """A copy of ``node`` with some attributes replaced."""
    attributes = {key: getattr(node, key) for key in node.keys if key != "kind"}
    attributes.update(changes)
    return type(node)(**attributes)
