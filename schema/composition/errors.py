"""Composition errors and hints: values with stable codes, never exceptions.

Composition reports every problem it finds instead of stopping at the first, so each stage
returns its findings next to its output. The codes are Apollo Federation's (the same strings
``rover`` and The Guild's composer print), so a message from this composer can be looked up in
their documentation. This module is the one registry of codes: add a code here, with the
sentence that documents it, before a stage may report it.

    SchemaError                      raised, not reported: the inputs could not even be read
     └── SchemaSourceError           a subgraph's SDL file or endpoint is unavailable
    CompositionError / CompositionHint   reported as values in ``CompositionResult``
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
    """Stable codes of composition errors; the value is the code, the doc says when."""

    INVALID_GRAPHQL = "INVALID_GRAPHQL"
    INVALID_LINK_IDENTIFIER = "INVALID_LINK_IDENTIFIER"
    INVALID_LINK_DIRECTIVE_USAGE = "INVALID_LINK_DIRECTIVE_USAGE"
    UNKNOWN_FEDERATION_LINK_VERSION = "UNKNOWN_FEDERATION_LINK_VERSION"
    UNSUPPORTED_FEATURE = "UNSUPPORTED_FEATURE"
    INVALID_SUBGRAPH_NAME = "INVALID_SUBGRAPH_NAME"
    KEY_INVALID_FIELDS = "KEY_INVALID_FIELDS"
    KEY_FIELDS_HAS_ARGS = "KEY_FIELDS_HAS_ARGS"
    KEY_FIELDS_SELECT_INVALID_TYPE = "KEY_FIELDS_SELECT_INVALID_TYPE"
    INTERFACE_KEY_NOT_ON_IMPLEMENTATION = "INTERFACE_KEY_NOT_ON_IMPLEMENTATION"
    EXTERNAL_UNUSED = "EXTERNAL_UNUSED"
    EXTERNAL_MISSING_ON_BASE = "EXTERNAL_MISSING_ON_BASE"
    INTERFACE_OBJECT_USAGE_ERROR = "INTERFACE_OBJECT_USAGE_ERROR"
    REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH = "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH"
    EXTERNAL_TYPE_MISMATCH = "EXTERNAL_TYPE_MISMATCH"
    FIELD_ARGUMENT_TYPE_MISMATCH = "FIELD_ARGUMENT_TYPE_MISMATCH"
    FIELD_ARGUMENT_DEFAULT_MISMATCH = "FIELD_ARGUMENT_DEFAULT_MISMATCH"
    INPUT_FIELD_DEFAULT_MISMATCH = "INPUT_FIELD_DEFAULT_MISMATCH"
    PROVIDES_INVALID_FIELDS = "PROVIDES_INVALID_FIELDS"
    REQUIRES_INVALID_FIELDS = "REQUIRES_INVALID_FIELDS"
    NO_QUERIES = "NO_QUERIES"
    TYPE_KIND_MISMATCH = "TYPE_KIND_MISMATCH"
    FIELD_TYPE_MISMATCH = "FIELD_TYPE_MISMATCH"
    INVALID_FIELD_SHARING = "INVALID_FIELD_SHARING"
    ENUM_VALUE_MISMATCH = "ENUM_VALUE_MISMATCH"
    AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE = "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE"
    REFERENCED_INACCESSIBLE = "REFERENCED_INACCESSIBLE"
    EXTENSION_WITH_NO_BASE = "EXTENSION_WITH_NO_BASE"
    ONLY_INACCESSIBLE_CHILDREN = "ONLY_INACCESSIBLE_CHILDREN"
    LIST_SIZE_INVALID_SLICING_ARGUMENT = "LIST_SIZE_INVALID_SLICING_ARGUMENT"
    SATISFIABILITY_ERROR = "SATISFIABILITY_ERROR"
    DIRECTIVE_COMPOSITION_ERROR = "DIRECTIVE_COMPOSITION_ERROR"

    @property
    def doc(self) -> str:
        return _ERROR_DOCS[self]


_ERROR_DOCS: dict[ErrorCode, str] = {
    ErrorCode.INVALID_GRAPHQL: (
        "A subgraph schema is not valid GraphQL: it does not parse, or it breaks a rule of "
        "the type system (an unknown type, a duplicate definition, a misused directive...)."
    ),
    ErrorCode.INVALID_LINK_IDENTIFIER: "A @link url is not a valid feature url.",
    ErrorCode.INVALID_LINK_DIRECTIVE_USAGE: (
        "A @link is misused: the same feature linked twice, or an unknown element imported."
    ),
    ErrorCode.UNKNOWN_FEDERATION_LINK_VERSION: "The federation spec version is not known.",
    ErrorCode.UNSUPPORTED_FEATURE: (
        "A subgraph uses a federation feature this composer does not implement yet; it is "
        "refused rather than silently dropped from the supergraph."
    ),
    ErrorCode.INVALID_SUBGRAPH_NAME: "A subgraph name is empty or reserved.",
    ErrorCode.KEY_INVALID_FIELDS: "The fields argument of a @key does not select valid fields.",
    ErrorCode.KEY_FIELDS_HAS_ARGS: "A @key selects a field that takes arguments.",
    ErrorCode.KEY_FIELDS_SELECT_INVALID_TYPE: (
        "A @key selects a field of an interface type, whose value could be any implementation."
    ),
    ErrorCode.INTERFACE_KEY_NOT_ON_IMPLEMENTATION: (
        "An interface has a @key that one of its implementations in the same subgraph lacks."
    ),
    ErrorCode.EXTERNAL_UNUSED: (
        "A field is @external but no @key, @provides or @requires selects it and no interface"
        " needs it: the declaration has no use."
    ),
    ErrorCode.EXTERNAL_MISSING_ON_BASE: (
        "A field is @external in every subgraph that declares it: no subgraph resolves it."
    ),
    ErrorCode.INTERFACE_OBJECT_USAGE_ERROR: (
        "A type is an @interfaceObject in every subgraph that defines it: no subgraph defines"
        " the interface it stands for."
    ),
    ErrorCode.REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH: (
        "A field argument is required in one subgraph but missing in another that resolves the"
        " field."
    ),
    ErrorCode.EXTERNAL_TYPE_MISMATCH: (
        "An @external field declares another type than the field it stands for."
    ),
    ErrorCode.FIELD_ARGUMENT_TYPE_MISMATCH: (
        "A field argument has different types in different subgraphs (not just a different"
        " nullability)."
    ),
    ErrorCode.FIELD_ARGUMENT_DEFAULT_MISMATCH: (
        "A field argument has different default values in different subgraphs."
    ),
    ErrorCode.INPUT_FIELD_DEFAULT_MISMATCH: (
        "An input field has different default values in different subgraphs."
    ),
    ErrorCode.PROVIDES_INVALID_FIELDS: (
        "The fields argument of a @provides does not select valid fields of the field's type."
    ),
    ErrorCode.REQUIRES_INVALID_FIELDS: (
        "The fields argument of a @requires does not select valid fields of the parent type."
    ),
    ErrorCode.NO_QUERIES: "No subgraph defines a query root type with fields.",
    ErrorCode.TYPE_KIND_MISMATCH: (
        "A type has the same name but a different kind (object, interface, enum...) in two "
        "subgraphs."
    ),
    ErrorCode.FIELD_TYPE_MISMATCH: (
        "A field has incompatible types in different subgraphs (not just a different nullability)."
    ),
    ErrorCode.INVALID_FIELD_SHARING: (
        "A field is resolved by several subgraphs but is not marked @shareable in all of them."
    ),
    ErrorCode.ENUM_VALUE_MISMATCH: (
        "An enum used both as input and as output has different values in different subgraphs."
    ),
    ErrorCode.AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE: (
        "@authenticated, @requiresScopes or @policy is applied to an interface, an interface"
        " field or an @interfaceObject; they belong on the implementations, and composition"
        " copies them up to the interface."
    ),
    ErrorCode.EXTENSION_WITH_NO_BASE: (
        "An object type is only ever extended (extend type / @extends), never defined."
    ),
    ErrorCode.REFERENCED_INACCESSIBLE: (
        "An @inaccessible type is used by a field or argument that is not @inaccessible."
    ),
    ErrorCode.ONLY_INACCESSIBLE_CHILDREN: (
        "A type in the API schema has only @inaccessible fields (or values)."
    ),
    ErrorCode.SATISFIABILITY_ERROR: (
        "Some query the supergraph accepts cannot be resolved by the subgraphs: a field is"
        " reachable only through a subgraph that cannot be entered (no resolvable @key) or"
        " whose key, @requires or @external fields cannot be fetched from where it is needed."
    ),
    ErrorCode.LIST_SIZE_INVALID_SLICING_ARGUMENT: (
        "None of the slicingArguments of a field's @listSize is defined in every subgraph"
        " that resolves the field."
    ),
    ErrorCode.DIRECTIVE_COMPOSITION_ERROR: (
        "A directive named by @composeDirective cannot be composed: it is not defined, not"
        " imported from a linked spec, linked at different major versions or under different"
        " names across subgraphs, or its definitions share no location."
    ),
}


class HintCode(Enum):
    """Stable codes of composition hints: composition succeeded but something looks odd."""

    INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE = "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE"

    @property
    def doc(self) -> str:
        return _HINT_DOCS[self]


_HINT_DOCS: dict[HintCode, str] = {
    HintCode.INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE: (
        "A field has different but compatible types across subgraphs (one non-null, another "
        "nullable); the supergraph uses the most general one."
    ),
}


@dataclass(frozen=True, slots=True)
class CompositionError:
    """One reason composition failed. ``subgraph`` is set when one subgraph is to blame."""

    kind: ErrorCode
    message: str
    subgraph: str | None = None

    @property
    def code(self) -> str:
        return self.kind.value


@dataclass(frozen=True, slots=True)
class CompositionHint:
    """Something worth a look in a composition that succeeded."""

    kind: HintCode
    message: str
    coordinate: str | None = None

    @property
    def code(self) -> str:
        return self.kind.value


def subgraph_error(code: ErrorCode, subgraph: str, message: str) -> CompositionError:
    """An error about one subgraph; its message starts with ``[name]`` as rover prints it."""
    return CompositionError(code, f"[{subgraph}] {message}", subgraph)


def error_codes_markdown() -> str:
    """The page ``docs/composition-errors.md``, generated from this registry."""
    lines = [
        "# Composition errors and hints",
        "",
        "Generated from `schema/composition/errors.py` by `supergraph error-codes --write`;",
        "a test fails when this page and the registry disagree. The codes are Apollo",
        "Federation's, so rover's and The Guild's documentation apply too.",
        "",
        "## Errors (composition fails)",
        "",
        "| code | when |",
        "|---|---|",
    ]
    lines += [f"| `{code.value}` | {code.doc} |" for code in ErrorCode]
    lines += ["", "## Hints (composition succeeds)", "", "| code | when |", "|---|---|"]
    lines += [f"| `{code.value}` | {code.doc} |" for code in HintCode]
    return "\n".join(lines) + "\n"
