"""The link spec (https://specs.apollo.dev/link/v1.0): how a schema names the specs it uses.

``@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", {name: "@shareable",
as: "@share"}])`` says: this schema uses federation 2.9, calls its ``@key`` directive ``@key``
and its ``@shareable`` directive ``@share``; every other element of the spec is reachable as
``@federation__<name>`` (or ``@<as>__<name>`` when the link says ``as:``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

from graphql import (
    DirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

from schema.composition.errors import ErrorCode

_VERSION = re.compile(r"^v(\d+)\.(\d+)$")


@dataclass(frozen=True, slots=True)
class Import:
    """An imported element: ``name`` keeps its ``@`` for directives; ``alias`` is the ``as``."""

    name: str
    alias: str | None = None

    @property
    def is_directive(self) -> bool:
        return self.name.startswith("@")

    @property
    def local_name(self) -> str:
        return (self.alias or self.name).removeprefix("@")

    @property
    def spec_name(self) -> str:
        return self.name.removeprefix("@")


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    identity: str
    name: str | None
    version: tuple[int, int] | None
    imports: tuple[Import, ...] = ()
    alias: str | None = None

    @property
    def prefix(self) -> str | None:
        """Namespace of the non-imported elements: ``federation`` in ``@federation__key``."""
        return self.alias or self.name


@dataclass(frozen=True, slots=True)
class LinkProblem:
    code: ErrorCode
    message: str


def schema_links(document: DocumentNode) -> list[DirectiveNode]:
    """Every ``@link`` applied to the schema definition or its extensions."""
    found: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            found.extend(d for d in definition.directives or () if d.name.value == "link")
    return found


def parse_link(directive: DirectiveNode) -> Link | LinkProblem:
    arguments = {a.name.value: a.value for a in directive.arguments or ()}
    url_value = arguments.get("url")
    if not isinstance(url_value, StringValueNode):
        return LinkProblem(ErrorCode.INVALID_LINK_IDENTIFIER, "@link requires a url string")
    url = url_value.value
    identity, name, version_text = _split_url(url)
    version: tuple[int, int] | None = None
    if version_text is not None:
        matched = _VERSION.match(version_text)
        if matched is None:
            return LinkProblem(
                ErrorCode.INVALID_LINK_IDENTIFIER,
                f"Expected a version string (of the form v1.2), got {version_text}",
            )
        version = (int(matched.group(1)), int(matched.group(2)))
    imports = _imports(arguments.get("import"))
    if isinstance(imports, LinkProblem):
        return imports
    alias_value = arguments.get("as")
    alias = alias_value.value if isinstance(alias_value, StringValueNode) else None
    return Link(url, identity, name, version, imports, alias)


def _split_url(url: str) -> tuple[str, str | None, str | None]:
    """Return (identity, name, version) the way the link spec reads a feature url."""
    parsed = urlparse(url)
    if not parsed.scheme or not parsed.netloc:
        return url, None, None
    origin = f"{parsed.scheme}://{parsed.netloc}"
    parts = [p for p in parsed.path.split("/") if p]
    if not parts:
        return origin, None, None
    last = parts[-1]
    is_version = re.match(r"^v\d+", last, re.IGNORECASE) is not None
    if is_version and len(parts) >= 2:
        return "/".join([origin, *parts[:-1]]), parts[-2], last
    if is_version:
        return origin, None, last
    return "/".join([origin, *parts]), last, None


def _imports(value: ValueNode | None) -> tuple[Import, ...] | LinkProblem:
    if value is None:
        return ()
    items = value.values if isinstance(value, ListValueNode) else (value,)
    imports: list[Import] = []
    for item in items:
        if isinstance(item, StringValueNode):
            imports.append(Import(item.value))
            continue
        if isinstance(item, ObjectValueNode):
            fields = {f.name.value: f.value for f in item.fields}
            name, alias = fields.get("name"), fields.get("as")
            if isinstance(name, StringValueNode) and (
                alias is None or isinstance(alias, StringValueNode)
            ):
                imported = Import(name.value, alias.value if alias is not None else None)
                if alias is not None and imported.is_directive != alias.value.startswith("@"):
                    return LinkProblem(
                        ErrorCode.INVALID_LINK_DIRECTIVE_USAGE,
                        f"Invalid @link import renaming: {name.value} and {alias.value} must"
                        " both be directives or both be types",
                    )
                imports.append(imported)
                continue
        return LinkProblem(
            ErrorCode.INVALID_LINK_DIRECTIVE_USAGE,
            "Invalid sub-value for @link(import:) argument: values should be either strings"
            " or input object values of the form { name: <importedElement>, as: <alias> }.",
        )
    return tuple(imports)
