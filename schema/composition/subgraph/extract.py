"""Fold a subgraph's grouped definitions into the frozen ``Subgraph`` model.

Here the federation directives stop being syntax: ``@key`` becomes ``keys``, ``@external``
on a type becomes ``external`` on each of its fields, a Federation 1 value type's fields
become shareable, a field selected by a ``@key`` becomes ``used_as_key`` and shareable, and so
on. Problems in the field sets are reported; the rest of the SDL was validated before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graphql import (
    ConstDirectiveNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    ListValueNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    Visitor,
    print_ast,
    visit,
)

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.requirements import combine
from schema.composition.specs import federation
from schema.composition.subgraph import model
from schema.composition.subgraph.cost import cost_of, list_size_of, unsupported_cost_usage
from schema.composition.subgraph.custom_directives import custom_directives, feature_links
from schema.composition.subgraph.federation_checks import (
    interface_key_problems,
    unused_external_problems,
)
from schema.composition.subgraph.groups import (
    ObjectLikeNode,
    SubgraphDocument,
    TypeGroup,
    argument,
    named_type,
    string_argument,
)
from schema.composition.subgraph.marks import Marks, field_set_marks, field_set_text
from schema.composition.subgraph.order import CreationOrder, creation_order
from schema.composition.subgraph.parse import PROTOCOL_QUERY_FIELDS

Problem = tuple[ErrorCode, str]
"""A problem with the subgraph; its message gets the ``[subgraph]`` prefix when reported."""

_ROOT_TYPES = frozenset({"Query", "Mutation", "Subscription"})


def extract_subgraph(
    subgraph: SubgraphDocument, *, name: str, graph_id: str, url: str
) -> tuple[model.Subgraph, list[Problem | CompositionError]]:
    problems: list[Problem | CompositionError] = []
    problems.extend(_unsupported(subgraph))
    problems.extend(unsupported_cost_usage(subgraph))
    field_set_problems: list[Problem] = []
    marks = field_set_marks(subgraph, field_set_problems)
    problems.extend(field_set_problems)
    problems.extend(interface_key_problems(subgraph, marks))
    directives, directive_errors = custom_directives(subgraph, name)
    problems.extend(directive_errors)
    composed = frozenset(d.name for d in directives.values() if d.composed)
    order = creation_order(subgraph)
    builder = _Builder(subgraph, marks, order, composed)
    ranked = sorted(subgraph.groups.values(), key=lambda g: order.type_rank(g.name))
    types = {group.name: builder.build(group) for group in ranked}
    problems.extend(builder.problems)
    problems.extend(unused_external_problems(subgraph, marks))
    enum_usage = _enum_usage(subgraph)
    for type_name, usage in enum_usage.items():
        enum = types.get(type_name)
        if isinstance(enum, model.EnumType):
            types[type_name] = model.EnumType(
                enum.name, enum.values, usage.input, usage.output, enum.decorations
            )
    used = _specs_used(subgraph.document, subgraph)
    result = model.Subgraph(
        name=name,
        graph_id=graph_id,
        url=url,
        version=subgraph.names.version,
        types=types,
        subscription_type=subgraph.subscription_type,
        features=model.Features(
            tag="tag" in used,
            inaccessible="inaccessible" in used,
            authenticated="authenticated" in used,
            requires_scopes="requiresScopes" in used,
            policy="policy" in used,
            cost="cost" in used,
            list_size="listSize" in used,
        ),
        directives=directives,
        links=feature_links(subgraph),
    )
    return result, problems


class _Access(NamedTuple):
    authenticated: bool = False
    scopes: model.Requirements = ()
    policies: model.Requirements = ()


_NO_ACCESS = _Access()


class _Builder:
    def __init__(
        self,
        subgraph: SubgraphDocument,
        marks: Marks,
        order: CreationOrder,
        composed: frozenset[str],
    ):
        self.subgraph = subgraph
        self.composed = composed
        self.directives = subgraph.directives
        self.marks = marks
        self.order = order
        self.fed1 = subgraph.names.version == federation.FED1
        self.problems: list[Problem] = []

    def build(self, group: TypeGroup) -> model.NamedType:
        match group.kind:
            case "object":
                return self._object(group)
            case "interface":
                return self._interface(group)
            case "union":
                members = [t.name.value for n in group.nodes for t in _union_members(n)]
                return model.UnionType(group.name, tuple(dict.fromkeys(members)), self._deco(group))
            case "enum":
                values = {
                    v.name.value: model.EnumValue(v.name.value, self._deco_of(v))
                    for n in group.nodes
                    if isinstance(n, EnumTypeDefinitionNode | EnumTypeExtensionNode)
                    for v in n.values or ()
                }
                return model.EnumType(group.name, values, decorations=self._deco(group))
            case "input":
                fields = {
                    f.name.value: model.InputField(
                        f.name.value, print_ast(f.type), f.default_value, self._deco_of(f)
                    )
                    for n in group.nodes
                    if isinstance(n, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode)
                    for f in n.fields or ()
                }
                return model.InputObjectType(group.name, fields, self._deco(group))
            case "scalar":
                specified_by = next(
                    (
                        string_argument(d, "url")
                        for n in group.nodes
                        for d in n.directives or ()
                        if d.name.value == "specifiedBy"
                    ),
                    None,
                )
                return model.ScalarType(group.name, specified_by, self._deco(group))

    def _object(self, group: TypeGroup) -> model.ObjectType:
        extends = any(self.directives.has(n, "extends") for n in group.nodes)
        has_extension_node = any(isinstance(n, TypeExtensionNode) for n in group.nodes)
        has_definition = any(isinstance(n, TypeDefinitionNode) for n in group.nodes)
        kind: model.ExtensionKind | None = (
            "@extends" if extends else "extend" if has_extension_node else None
        )
        return model.ObjectType(
            name=group.name,
            fields=self._fields(group),
            interfaces=group.interfaces,
            keys=tuple(self.marks.keys.get(group.name, ())),
            is_definition=has_definition and not (self.fed1 and extends),
            extension=extends or has_extension_node,
            extension_kind=kind,
            shareable=any(self.directives.has(n, "shareable") for n in group.nodes),
            decorations=self._deco(group),
        )

    def _interface(self, group: TypeGroup) -> model.InterfaceType:
        extends = any(self.directives.has(n, "extends") for n in group.nodes)
        has_extension_node = any(isinstance(n, TypeExtensionNode) for n in group.nodes)
        self._refuse_access(group.nodes, group, None)
        for _, field_node in group.field_nodes():
            self._refuse_access([field_node], group, field_node.name.value)
        implemented_by = [
            other.name
            for other in self.subgraph.groups.values()
            if other.kind == "object" and group.name in other.interfaces
        ]
        return model.InterfaceType(
            name=group.name,
            fields=self._fields(group),
            interfaces=group.interfaces,
            keys=tuple(self.marks.keys.get(group.name, ())),
            is_definition=any(isinstance(n, TypeDefinitionNode) for n in group.nodes),
            extension=extends or (has_extension_node and not self.fed1),
            is_interface_object=group.is_interface_object,
            implemented_by=tuple(implemented_by),
            decorations=self._deco(group),
        )

    def _fields(self, group: TypeGroup) -> dict[str, model.Field]:
        built: dict[str, model.Field] = {}
        for node, field_node in group.field_nodes():
            if group.name == "Query" and field_node.name.value in PROTOCOL_QUERY_FIELDS:
                continue
            built[field_node.name.value] = self._field(group, node, field_node)
        rank = list(self.order.fields.get(group.name, {}))
        return dict(
            sorted(built.items(), key=lambda i: rank.index(i[0]) if i[0] in rank else len(rank))
        )

    def _field(
        self, group: TypeGroup, node: ObjectLikeNode, field_node: FieldDefinitionNode
    ) -> model.Field:
        of = self.directives.of
        coordinate = (group.name, field_node.name.value)
        in_extension = isinstance(node, TypeExtensionNode)
        external = bool(of(field_node, "external")) or (
            not self.fed1 and bool(of(node, "external"))
        )
        shareable = (
            bool(of(field_node, "shareable"))
            or bool(of(node, "shareable"))
            or (self.fed1 and (isinstance(node, TypeDefinitionNode) or group.name in _ROOT_TYPES))
            or (group.kind == "object" and coordinate in self.marks.key_anywhere)
        )
        override = next(iter(of(field_node, "override")), None)
        return model.Field(
            name=field_node.name.value,
            type=print_ast(field_node.type),
            arguments={a.name.value: self._argument(a) for a in field_node.arguments or ()},
            decorations=self._deco_of(field_node, with_access=group.kind == "object"),
            external=external,
            shareable=shareable,
            requires=field_set_text(of(field_node, "requires")),
            provides=field_set_text(of(field_node, "provides")),
            override=string_argument(override, "from") if override else None,
            override_label=string_argument(override, "label") if override else None,
            in_extension=in_extension,
            used_as_key=coordinate in self.marks.key_top_level,
            provided=coordinate in self.marks.provided,
            required=coordinate in self.marks.required,
        )

    def _argument(self, node: InputValueDefinitionNode) -> model.Argument:
        return model.Argument(
            node.name.value, print_ast(node.type), node.default_value, self._deco_of(node)
        )

    def _deco(self, group: TypeGroup) -> model.Decorations:
        described = next((n for n in group.definitions if _description(n) is not None), None)
        with_access = group.kind in ("object", "scalar", "enum")
        return model.Decorations(
            description=_description(described) if described is not None else None,
            inaccessible=any(self.directives.has(n, "inaccessible") for n in group.nodes),
            tags=tuple(self._tags(group.nodes)),
            **(self._access(group.nodes) if with_access else _NO_ACCESS)._asdict(),
            cost=cost_of(self.directives, group.nodes),
            applied=self._applied(group.nodes),
        )

    def _deco_of(self, node: object, *, with_access: bool = False) -> model.Decorations:
        deprecated = next(
            (d for d in getattr(node, "directives", None) or () if d.name.value == "deprecated"),
            None,
        )
        return model.Decorations(
            description=_description(node),
            deprecated=(
                model.Deprecation(string_argument(deprecated, "reason")) if deprecated else None
            ),
            inaccessible=self.directives.has(node, "inaccessible"),
            tags=tuple(self._tags([node])),
            **(self._access([node]) if with_access else _NO_ACCESS)._asdict(),
            cost=cost_of(self.directives, [node]),
            list_size=list_size_of(self.directives, node),
            applied=self._applied([node]),
        )

    def _applied(self, nodes: Sequence[object]) -> tuple[ConstDirectiveNode, ...]:
        """Applications of composed directives, which the supergraph keeps as written."""
        return tuple(
            d
            for n in nodes
            for d in getattr(n, "directives", None) or ()
            if d.name.value in self.composed
        )

    def _access(self, nodes: Sequence[object]) -> _Access:
        """``@authenticated``, ``@requiresScopes`` and ``@policy`` on these nodes, merged."""
        scopes: model.Requirements = ()
        policies: model.Requirements = ()
        for node in nodes:
            for applied in self.directives.of(node, "requiresScopes"):
                scopes = combine(scopes, _requirements(applied, "scopes"))
            for applied in self.directives.of(node, "policy"):
                policies = combine(policies, _requirements(applied, "policies"))
        authenticated = any(self.directives.has(n, "authenticated") for n in nodes)
        return _Access(authenticated, scopes, policies)

    def _refuse_access(
        self, nodes: Sequence[object], group: TypeGroup, field_name: str | None
    ) -> None:
        """Access requirements belong on implementations, never on interfaces."""
        for spec in ("authenticated", "requiresScopes", "policy"):
            if not any(self.directives.has(n, spec) for n in nodes):
                continue
            if field_name is not None:
                where = f'field "{group.name}.{field_name}"'
            elif group.is_interface_object:
                where = f'interface object "{group.name}"'
            else:
                where = f'interface "{group.name}"'
            self.problems.append(
                (
                    ErrorCode.AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE,
                    f"Invalid use of @{spec} on {where}: @{spec} cannot be applied on"
                    " interfaces, interface fields and interface objects",
                )
            )

    def _tags(self, nodes: Iterable[object]) -> list[str]:
        tags = [string_argument(d, "name") for n in nodes for d in self.directives.of(n, "tag")]
        return list(dict.fromkeys(t for t in tags if t is not None))


def _requirements(directive: ConstDirectiveNode, name: str) -> model.Requirements:
    value = argument(directive, name)
    if not isinstance(value, ListValueNode):
        return ()
    return tuple(
        tuple(item.value for item in group.values if isinstance(item, StringValueNode))
        for group in value.values
        if isinstance(group, ListValueNode)
    )


def _description(node: object) -> str | None:
    description = getattr(node, "description", None)
    return description.value if isinstance(description, StringValueNode) else None


def _union_members(node: object) -> Sequence[NamedTypeNode]:
    if isinstance(node, UnionTypeDefinitionNode | UnionTypeExtensionNode):
        return node.types or ()
    return ()


@dataclass(slots=True)
class _EnumUsage:
    """The first coordinate using the enum as an input and as an output."""

    input: str | None = None
    output: str | None = None


def _enum_usage(subgraph: SubgraphDocument) -> dict[str, _EnumUsage]:
    """Where each enum appears: object field arguments and input fields are inputs, field
    types are outputs (composers ignore interface field arguments here, and so do we)."""
    enums = {name for name, group in subgraph.groups.items() if group.kind == "enum"}
    usage = {name: _EnumUsage() for name in enums}
    for node in subgraph.type_nodes():
        type_name = subgraph.canonical(node.name.value)
        if isinstance(node, ObjectLikeNode):
            is_object_node = isinstance(node, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
            for field_node in node.fields or ():
                coordinate = f"{type_name}.{field_node.name.value}"
                if (output := usage.get(named_type(field_node.type))) is not None:
                    output.output = output.output or coordinate
                for arg in field_node.arguments or () if is_object_node else ():
                    if (argument_usage := usage.get(named_type(arg.type))) is not None:
                        argument_usage.input = (
                            argument_usage.input or f"{coordinate}({arg.name.value}:)"
                        )
        elif isinstance(node, InputObjectTypeDefinitionNode | InputObjectTypeExtensionNode):
            for input_field in node.fields or ():
                if (input_usage := usage.get(named_type(input_field.type))) is not None:
                    input_usage.input = input_usage.input or f"{type_name}.{input_field.name.value}"
    return usage


def _specs_used(document: DocumentNode, subgraph: SubgraphDocument) -> set[str]:
    collector = _DirectiveNames()
    visit(document, collector)
    return {
        spec for name in collector.names if (spec := subgraph.names.spec_name(name)) is not None
    }


def _unsupported(subgraph: SubgraphDocument) -> list[Problem]:
    spec_directives = federation.directives_at(subgraph.names.version)
    problems: list[Problem] = []
    for spec in sorted(_specs_used(subgraph.document, subgraph)):
        directive = spec_directives.get(spec)
        if directive is not None and not directive.supported:
            problems.append(
                (
                    ErrorCode.UNSUPPORTED_FEATURE,
                    f"@{spec} is not supported by this composer yet",
                )
            )
    return problems


class _DirectiveNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_directive(self, node: DirectiveNode, *_args: object) -> None:
        self.names.append(node.name.value)
