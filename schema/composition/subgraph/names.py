"""Which local names a subgraph gives the federation directives and types.

Resolved once from the subgraph's ``@link``s, so extraction can ask "is this directive
application a ``@key``?" whatever the subgraph imported ``@key`` as (``@key``, ``@primaryKey``
or ``@federation__key``). Also writes the definitions of those names, so a subgraph that
does not define them (Strawberry does not) still validates as SDL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graphql import DocumentNode

from schema.composition.errors import ErrorCode
from schema.composition.specs import federation
from schema.composition.specs.federation import FED1, FederationVersion
from schema.composition.specs.link import Link, LinkProblem, parse_link, schema_links

_LINK_DEFINITIONS = {
    "link": "directive @link(url: String, as: String, for: link__Purpose,"
    " import: [link__Import]) repeatable on SCHEMA",
    "link__Import": "scalar link__Import",
    "link__Purpose": "enum link__Purpose { SECURITY EXECUTION }",
}
"""The link spec's elements; subgraph libraries (Apollo's among them) often print them in the
SDL they serve, so each is added only when the subgraph does not define it."""

_SECURITY_SPECS = {
    "https://specs.apollo.dev/tag": "tag",
    "https://specs.apollo.dev/inaccessible": "inaccessible",
}
"""Specs a subgraph may link on their own instead of through federation's imports."""


@dataclass(frozen=True, slots=True)
class FederationNames:
    """``directives`` and ``types`` map local names to spec names; ``links`` are all the
    subgraph's ``@link``s, federation's included."""

    version: FederationVersion
    directives: Mapping[str, str]
    types: Mapping[str, str]
    links: tuple[Link, ...] = ()

    def spec_name(self, local_directive: str) -> str | None:
        return self.directives.get(local_directive)

    def definitions_sdl(self, defined: frozenset[str]) -> str:
        """SDL defining every local name, except the ``defined`` ones the subgraph has."""
        spec_directives = federation.directives_at(self.version)
        local_type = {spec: local for local, spec in self.types.items()}
        placeholders = {name: local_type.get(name, name) for name in ("Scope", "Policy")}
        placeholders["FieldSet"] = local_type.get("FieldSet", federation.FED1_FIELD_SET)
        placeholders["ContextFieldValue"] = local_type.get("ContextFieldValue", "String")
        lines = [
            definition
            for name, definition in _LINK_DEFINITIONS.items()
            if self.version != FED1 and name not in defined
        ]
        for local, spec in self.directives.items():
            if local in defined or spec not in spec_directives:
                continue
            signature = spec_directives[spec].signature.format(**placeholders)
            lines.append(f"directive @{local} {signature}")
        scalars = set(self.types) | {federation.FED1_FIELD_SET}
        lines.extend(f"scalar {name}" for name in sorted(scalars) if name not in defined)
        return "\n".join(lines)


def resolve_names(document: DocumentNode) -> FederationNames | list[LinkProblem]:
    """Read the subgraph's ``@link``s; return its federation names or what is wrong."""
    problems: list[LinkProblem] = []
    links: list[Link] = []
    seen: set[str] = set()
    for directive in schema_links(document):
        parsed = parse_link(directive)
        if isinstance(parsed, LinkProblem):
            problems.append(parsed)
            continue
        if parsed.identity in seen:
            problems.append(
                LinkProblem(
                    ErrorCode.INVALID_LINK_DIRECTIVE_USAGE,
                    f"Duplicate inclusion of feature {parsed.identity}",
                )
            )
        seen.add(parsed.identity)
        links.append(parsed)
    federation_link = next((k for k in links if k.identity == federation.URL_IDENTITY), None)
    names = _fed1_names() if federation_link is None else _fed2_names(federation_link, problems)
    if problems or names is None:
        return problems
    extra = _security_spec_names(links)
    directives = {**names.directives, **extra}
    return FederationNames(names.version, directives, names.types, tuple(links))


def _fed1_names() -> FederationNames:
    directives = {name: name for name in federation.directives_at(FED1)}
    return FederationNames(FED1, directives, {federation.FED1_FIELD_SET: "FieldSet"})


def _fed2_names(link: Link, problems: list[LinkProblem]) -> FederationNames | None:
    version = link.version
    if version is None:
        problems.append(
            LinkProblem(
                ErrorCode.INVALID_LINK_IDENTIFIER,
                f"Missing version in feature url '{link.url}'",
            )
        )
        return None
    if version not in federation.KNOWN_VERSIONS:
        problems.append(
            LinkProblem(
                ErrorCode.UNKNOWN_FEDERATION_LINK_VERSION,
                f"Invalid version {federation.format_version(version)} for the federation"
                " feature in @link directive on schema",
            )
        )
        return None
    spec_directives = federation.directives_at(version)
    spec_types = federation.types_at(version)
    prefix = link.prefix or "federation"
    directives = {f"{prefix}__{name}": name for name in spec_directives}
    types = {f"{prefix}__{name}": name for name in spec_types}
    for imported in link.imports:
        known = spec_directives if imported.is_directive else spec_types
        if imported.spec_name not in known:
            problems.append(
                LinkProblem(
                    ErrorCode.INVALID_LINK_DIRECTIVE_USAGE,
                    f'Cannot import unknown element "{imported.name}".',
                )
            )
            continue
        target = directives if imported.is_directive else types
        target[imported.local_name] = imported.spec_name
    return FederationNames(version, directives, types)


def _security_spec_names(links: list[Link]) -> dict[str, str]:
    names: dict[str, str] = {}
    for link in links:
        spec = _SECURITY_SPECS.get(link.identity)
        if spec is None:
            continue
        imported = next((i for i in link.imports if i.spec_name == spec), None)
        local = imported.local_name if imported else (link.alias or spec)
        names[local] = spec
    return names
