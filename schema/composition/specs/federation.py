"""The federation spec a subgraph links: its directives and types, each with the version
that introduced it.

A Federation 2 subgraph uses an element under the name it imported it as, or namespaced as
``federation__<name>``; a Federation 1 subgraph (no ``@link``) uses the bare names of the
Federation 1 directives, plus ``@tag`` and ``@inaccessible``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FederationVersion = tuple[int, int]
"""(major, minor) of the federation spec a subgraph links; (1, 0) when it links none."""

FED1: FederationVersion = (1, 0)

URL_IDENTITY = "https://specs.apollo.dev/federation"

KNOWN_VERSIONS: tuple[FederationVersion, ...] = tuple((2, minor) for minor in range(12))
"""Federation 2.0 up to 2.11 (composition of 2.10 and 2.11 subgraphs adds nothing we emit)."""


@dataclass(frozen=True, slots=True)
class SpecDirective:
    """``signature`` is the definition after ``directive @<name>``, with ``{FieldSet}`` and
    the other spec types as placeholders for their local names."""

    name: str
    signature: str
    since: FederationVersion
    supported: bool = True


@dataclass(frozen=True, slots=True)
class SpecType:
    name: str
    since: FederationVersion


_FIELDS = "fields: {FieldSet}!"
_TAG_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM"
    " | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA"
)
_INACCESSIBLE_LOCATIONS = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM"
    " | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"

DIRECTIVES: tuple[SpecDirective, ...] = (
    SpecDirective(
        "key", f"({_FIELDS}, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE", (1, 0)
    ),
    SpecDirective("requires", f"({_FIELDS}) on FIELD_DEFINITION", (1, 0)),
    SpecDirective("provides", f"({_FIELDS}) on FIELD_DEFINITION", (1, 0)),
    SpecDirective("external", "(reason: String) on OBJECT | FIELD_DEFINITION", (1, 0)),
    SpecDirective("extends", "on OBJECT | INTERFACE", (1, 0)),
    SpecDirective("tag", f"(name: String!) repeatable on {_TAG_LOCATIONS}", (1, 0)),
    SpecDirective("inaccessible", f"on {_INACCESSIBLE_LOCATIONS}", (1, 0)),
    SpecDirective("shareable", "repeatable on OBJECT | FIELD_DEFINITION", (2, 0)),
    SpecDirective("override", "(from: String!, label: String) on FIELD_DEFINITION", (2, 0)),
    SpecDirective("composeDirective", "(name: String!) repeatable on SCHEMA", (2, 1)),
    SpecDirective("interfaceObject", "on OBJECT", (2, 3)),
    SpecDirective("authenticated", f"on {_AUTH_LOCATIONS}", (2, 5)),
    SpecDirective(
        "requiresScopes",
        f"(scopes: [[{{Scope}}!]!]!) on {_AUTH_LOCATIONS}",
        (2, 5),
    ),
    SpecDirective("policy", f"(policies: [[{{Policy}}!]!]!) on {_AUTH_LOCATIONS}", (2, 6)),
    SpecDirective(
        "context", "(name: String!) repeatable on INTERFACE | OBJECT | UNION", (2, 8), False
    ),
    SpecDirective(
        "fromContext", "(field: {ContextFieldValue}) on ARGUMENT_DEFINITION", (2, 8), False
    ),
    SpecDirective(
        "cost",
        "(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION"
        " | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
        (2, 9),
    ),
    SpecDirective(
        "listSize",
        "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],"
        " requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION",
        (2, 9),
    ),
)

TYPES: tuple[SpecType, ...] = (
    SpecType("FieldSet", (2, 0)),
    SpecType("Scope", (2, 5)),
    SpecType("Policy", (2, 6)),
    SpecType("ContextFieldValue", (2, 8)),
)

FED1_DIRECTIVES = frozenset({"key", "requires", "provides", "external", "extends", "tag"})
"""Federation 1 has no imports: these (and ``@inaccessible``) go by their bare names."""

FED1_FIELD_SET = "_FieldSet"


def directives_at(version: FederationVersion) -> Mapping[str, SpecDirective]:
    """The spec's directives as of ``version``, by spec name."""
    if version == FED1:
        names = FED1_DIRECTIVES | {"inaccessible", "override"}
        return {d.name: d for d in DIRECTIVES if d.name in names}
    return {d.name: d for d in DIRECTIVES if d.since <= version}


def types_at(version: FederationVersion) -> Mapping[str, SpecType]:
    if version == FED1:
        return {}
    return {t.name: t for t in TYPES if t.since <= version}


def format_version(version: FederationVersion) -> str:
    return f"v{version[0]}.{version[1]}"
