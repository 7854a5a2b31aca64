"""Who may read what: ``@authenticated``, ``@requiresScopes`` and ``@policy`` in a supergraph.

Composition copies the three directives into the supergraph (on fields, object types,
interfaces, scalars and enums); the router enforces them by removing what a caller may not
read before planning (``router.planning.authorization``). This module reads them once per
supergraph into an :class:`AccessModel`, so a request only looks names up.

A ``scopes``/``policies`` argument is a list of alternatives, each a set of names that must
all be held (``[["a", "b"], ["c"]]``: a and b, or c), as Apollo Router reads it. Requirements
that meet on one field (its own, its type's, an implementation's) must all hold.

The directives may be renamed through ``@link(as:)`` or ``@link(import: [{name:, as:}])``;
only a directive that comes from the spec's link counts (another spec's ``@authenticated``
is not ours), as in Apollo Router's ``Schema::directive_name``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ConstDirectiveNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    StringValueNode,
    get_named_type,
    value_from_ast_untyped,
)

from contracts.api_schema import link_imports
from router.errors import SupergraphError
from router.supergraph.model import Supergraph

Alternatives = tuple[frozenset[str], ...]
"""One directive argument: any one set suffices; every name in that set is needed."""

_SPECS = {
    "authenticated": "authenticated",
    "requiresScopes": "requiresScopes",
    "policy": "policy",
}
"""Spec name in the ``@link`` URL -> the directive it defines (same name: ``@<prefix>``)."""
_APOLLO_SPECS = "https://specs.apollo.dev"
_SUPPORTED_VERSIONS = frozenset({"v0.1"})
"""The versions Apollo Router supports too (``>=0.1.0, <=0.1.0``)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """What a request may do: from its verified token, and the policies the hook granted."""

    authenticated: bool = False
    scopes: frozenset[str] = frozenset()
    policies: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Requirement:
    """Everything one element asks of a caller; all parts must hold (empty: nothing asked)."""

    authenticated: bool = False
    scopes: tuple[Alternatives, ...] = ()
    policies: tuple[Alternatives, ...] = ()

    def __and__(self, other: Requirement) -> Requirement:
        if not other:
            return self
        if not self:
            return other
        return Requirement(
            self.authenticated or other.authenticated,
            _union(self.scopes, other.scopes),
            _union(self.policies, other.policies),
        )

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def allows(self, caller: Caller) -> bool:
        if self.authenticated and not caller.authenticated:
            return False
        return _holds(self.scopes, caller.scopes) and _holds(self.policies, caller.policies)

    @property
    def policy_names(self) -> frozenset[str]:
        return frozenset(name for alternatives in self.policies for s in alternatives for name in s)


NO_REQUIREMENT = Requirement()


def _union(
    first: tuple[Alternatives, ...], second: tuple[Alternatives, ...]
) -> tuple[Alternatives, ...]:
    return first + tuple(a for a in second if a not in first)


def _holds(required: tuple[Alternatives, ...], held: frozenset[str]) -> bool:
    # An empty argument (``scopes: []``) asks nothing, as in Apollo Router.
    return all(not alts or any(s <= held for s in alts) for alts in required)


@dataclass(frozen=True, slots=True, eq=False)
class AccessModel:
    """What each field and type of one supergraph requires; built once, read per request.

    ``fields`` holds a field's *effective* requirement on its parent type: its own, its
    parent's, its return type's and, on an interface, those of the same field and type on
    every implementation (Apollo: a field on an interface is unauthorized when any
    implementation's field asks more). ``types`` holds a type's own requirement, checked on
    fragments' type conditions; ``implementations`` the AND of every implementation's type
    requirement of an interface, checked when a field of that interface type selects fields
    of the interface directly rather than through fragments.
    """

    fields: Mapping[tuple[str, str], Requirement] = field(default_factory=dict)
    types: Mapping[str, Requirement] = field(default_factory=dict)
    implementations: Mapping[str, Requirement] = field(default_factory=dict)
    schema: GraphQLSchema | None = None
    """The supergraph schema the model was read from (to walk operations without another).
    Compared and hashed by identity (``eq=False``): one model per loaded supergraph."""

    def __bool__(self) -> bool:
        """Whether the supergraph uses any of the directives at all (else nothing to do)."""
        return bool(self.fields or self.types)

    def field(self, parent_type: str, name: str) -> Requirement:
        return self.fields.get((parent_type, name), NO_REQUIREMENT)

    def type(self, name: str) -> Requirement:
        return self.types.get(name, NO_REQUIREMENT)

    def implementations_of(self, interface: str) -> Requirement:
        return self.implementations.get(interface, NO_REQUIREMENT)


EMPTY_ACCESS_MODEL = AccessModel()


def build_access_model(supergraph: Supergraph) -> AccessModel:
    """Read the three directives from the supergraph's full schema."""
    schema = supergraph.schema
    names = directive_names(schema)
    if not names:
        return EMPTY_ACCESS_MODEL
    reader = _Reader(names)
    own_types: dict[str, Requirement] = {}
    own_fields: dict[tuple[str, str], Requirement] = {}
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if not isinstance(
            type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLScalarType | GraphQLEnumType
        ):
            continue
        requirement = reader.requirement(_directive_nodes(type_))
        if requirement:
            own_types[type_.name] = requirement
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for name, definition in type_.fields.items():
                node = definition.ast_node
                field_requirement = reader.requirement((node.directives or ()) if node else ())
                if field_requirement:
                    own_fields[type_.name, name] = field_requirement

    def plain(parent: GraphQLObjectType | GraphQLInterfaceType, name: str) -> Requirement:
        definition = parent.fields[name]
        returned = get_named_type(definition.type).name
        return (
            own_fields.get((parent.name, name), NO_REQUIREMENT)
            & own_types.get(parent.name, NO_REQUIREMENT)
            & own_types.get(returned, NO_REQUIREMENT)
        )

    fields: dict[tuple[str, str], Requirement] = {}
    implementations: dict[str, Requirement] = {}
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(
            type_, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        implementers: list[GraphQLObjectType] = []
        if isinstance(type_, GraphQLInterfaceType):
            implementers = list(schema.get_possible_types(type_))
            combined = NO_REQUIREMENT
            for implementer in implementers:
                combined &= own_types.get(implementer.name, NO_REQUIREMENT)
            if combined:
                implementations[type_.name] = combined
        for name in type_.fields:
            requirement = plain(type_, name)
            for implementer in implementers:
                if name in implementer.fields:
                    requirement &= plain(implementer, name)
            if requirement:
                fields[type_.name, name] = requirement
    return AccessModel(fields, own_types, implementations, schema)


@dataclass(frozen=True, slots=True)
class DirectiveNames:
    """The local names of the three directives in one supergraph (None: not linked)."""

    authenticated: str | None = None
    requires_scopes: str | None = None
    policy: str | None = None

    def __bool__(self) -> bool:
        return any((self.authenticated, self.requires_scopes, self.policy))


def directive_names(schema: GraphQLSchema) -> DirectiveNames:
    """Resolve each directive's local name from the schema's ``@link``s.

    Raise ``SupergraphError`` for a version of the specs we do not know: serving it would
    leave its fields open."""
    found: dict[str, str] = {}
    nodes = [schema.ast_node, *schema.extension_ast_nodes]
    for node in nodes:
        for directive in (node.directives if node else None) or ():
            if directive.name.value != "link":
                continue
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url, alias = args.get("url"), args.get("as")
            if not isinstance(url, StringValueNode):
                continue
            head, _, version = url.value.rstrip("/").rpartition("/")
            base, _, spec = head.rpartition("/")
            directive_name = _SPECS.get(spec)
            if directive_name is None or base != _APOLLO_SPECS:
                continue
            if version not in _SUPPORTED_VERSIONS:
                # A SECURITY feature we cannot read must not be served unenforced (link spec).
                raise SupergraphError(f"unsupported {spec} spec version {version}")
            imports = dict(link_imports(args.get("import")))
            if directive_name in imports:
                found[spec] = imports[directive_name]
            else:
                # A spec's own-named directive is ``@<prefix>``, not ``@<prefix>__<name>``.
                found[spec] = alias.value if isinstance(alias, StringValueNode) else spec
    return DirectiveNames(
        found.get("authenticated"), found.get("requiresScopes"), found.get("policy")
    )


class _Reader:
    def __init__(self, names: DirectiveNames) -> None:
        self.names = names

    def requirement(self, directives: Iterable[ConstDirectiveNode]) -> Requirement:
        authenticated = False
        scopes: tuple[Alternatives, ...] = ()
        policies: tuple[Alternatives, ...] = ()
        for directive in directives:
            name = directive.name.value
            if name == self.names.authenticated:
                authenticated = True
            elif name == self.names.requires_scopes:
                scopes = _union(scopes, (_alternatives(directive, "scopes"),))
            elif name == self.names.policy:
                policies = _union(policies, (_alternatives(directive, "policies"),))
        return Requirement(authenticated, scopes, policies)


def _alternatives(directive: ConstDirectiveNode, argument: str) -> Alternatives:
    for node in directive.arguments or ():
        if node.name.value == argument:
            value: Any = value_from_ast_untyped(node.value)
            if isinstance(value, list):
                return tuple(
                    frozenset(str(name) for name in group)
                    for group in value
                    if isinstance(group, list)
                )
    return ()


def _directive_nodes(type_: GraphQLNamedType) -> list[ConstDirectiveNode]:
    nodes = [type_.ast_node, *type_.extension_ast_nodes]
    return [d for node in nodes if node is not None for d in node.directives or ()]
