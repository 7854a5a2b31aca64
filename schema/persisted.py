"""The persisted query manifest: the client operations of ``schema/operations/`` in Apollo's
persisted query manifest format, which the router's safelist loads.

``supergraph check`` validates those operations against the new API schema and reports the
committed manifest as drift when it no longer matches them; ``supergraph publish`` writes it.
So the operations CI guards are exactly the ones a safelisting router accepts.

Each operation becomes one entry whose ``body`` is the operation followed by the fragments it
uses (sorted by name), printed by graphql-core, and whose ``id`` is the SHA-256 of that body
(what Apollo's manifest generator does). Clients send the body character for character, or
only the id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
    print_ast,
)
from graphql.language import Node, Visitor, visit

from contracts.persisted import MANIFEST_FORMAT, MANIFEST_VERSION, query_hash

MANIFEST_PATH = "schema/registry/persisted-queries.json"


class ManifestProblem(ValueError):
    """The operations cannot be listed: one does not parse, has no name, or shares one."""


def build_manifest(operations: Mapping[str, str]) -> dict[str, Any]:
    """The manifest of every operation in ``operations`` (file name -> document), in file
    name order and then document order."""
    entries: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    for file_name, text in sorted(operations.items()):
        try:
            document = parse(text)
        except GraphQLError as exc:
            raise ManifestProblem(f"{file_name}: {exc.message}") from exc
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            if definition.name is None:
                raise ManifestProblem(f"{file_name}: an operation has no name")
            name = definition.name.value
            if name in seen:
                raise ManifestProblem(f"{file_name}: operation {name} is also in {seen[name]}")
            seen[name] = file_name
            used = _fragments_used(definition, fragments)
            body = print_ast(DocumentNode(definitions=(definition, *used)))
            entries.append(
                {
                    "id": query_hash(body),
                    "name": name,
                    "type": definition.operation.value,
                    "body": body,
                }
            )
    return {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "operations": entries}


def manifest_text(operations: Mapping[str, str]) -> str:
    """The manifest file's exact text (stable, so drift is a string comparison)."""
    return json.dumps(build_manifest(operations), indent=2, ensure_ascii=False) + "\n"


def _fragments_used(
    root: Node, fragments: Mapping[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    found: dict[str, FragmentDefinitionNode] = {}
    pending = [root]
    while pending:
        for name in _spread_names(pending.pop()):
            fragment = fragments.get(name)
            if fragment is not None and name not in found:
                found[name] = fragment
                pending.append(fragment)
    return [found[name] for name in sorted(found)]


def _spread_names(node: Node) -> list[str]:
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.append(spread.name.value)

    visit(node, Spreads())
    return names
