"""``supergraph check``: everything that must hold before a schema change lands.

Checks are pure: they take what was read (drifted subgraphs, the composition result, the
committed and published supergraphs) and return findings as values; the CLI does the I/O.
Breaking and dangerous changes compare API schemas (what clients see), so a field moving
between subgraphs is not a change, while removing it from the API is.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from graphql import (
    BooleanValueNode,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    find_breaking_changes,
    find_dangerous_changes,
    parse,
    validate,
)

from contracts.api_schema import SpecNames, UnusableSupergraph, build_api_schema, read_spec_names
from schema.composition import CompositionResult
from schema.persisted import MANIFEST_PATH, ManifestProblem, manifest_text

CheckName = Literal[
    "drift", "composition", "breaking", "dangerous", "operations", "events", "services"
]


@dataclass(frozen=True, slots=True)
class Finding:
    check: CheckName
    code: str
    message: str
    blocking: bool


@dataclass(frozen=True, slots=True)
class CheckReport:
    findings: tuple[Finding, ...]
    supergraph_sdl: str | None
    """The composed supergraph, when composition succeeded."""

    @property
    def ok(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def breaking(self) -> list[str]:
        return [f"{f.code}: {f.message}" for f in self.findings if f.check == "breaking"]


def check_schema(
    *,
    drifted: Sequence[str],
    composition: CompositionResult,
    committed_supergraph: str | None,
    published_supergraph: str | None,
    acknowledged: Collection[str] = (),
    operations: Mapping[str, str] | None = None,
    event_problems: Sequence[str] = (),
    persisted_manifest: str | None = None,
    service_problems: Sequence[str] = (),
) -> CheckReport:
    """Drift, composition, changes against the latest published supergraph, and the known
    client ``operations`` (file name -> document) against the new API schema.

    ``persisted_manifest`` is the committed manifest's text ("" when the file is missing),
    checked against ``operations``; None skips that check (``supergraph publish`` writes it).
    ``service_problems`` are where supergraph.yaml or compose.yaml disagree with the registry
    of services (``contracts.services``)."""
    findings = [
        Finding(
            "drift",
            "SUBGRAPH_SDL_DRIFT",
            f"schema/subgraphs/{name}.graphql differs from the code: run `supergraph export-sdl`",
            True,
        )
        for name in drifted
    ]
    findings += [
        Finding("composition", error.code, error.message, True) for error in composition.errors
    ]
    composed = composition.supergraph_sdl
    if composed is not None and committed_supergraph != composed:
        findings.append(
            Finding(
                "drift",
                "SUPERGRAPH_DRIFT",
                "schema/supergraph.graphql differs from the composition: run `supergraph compose`",
                True,
            )
        )
    if composed is not None and published_supergraph is not None:
        findings += _changes(published_supergraph, composed, acknowledged)
    if composed is not None and operations:
        findings += _operations(composed, operations)
    findings += [
        Finding("events", "EVENT_SCHEMA_INCOMPATIBLE", problem, True) for problem in event_problems
    ]
    findings += [
        Finding("services", "SERVICE_REGISTRY_DRIFT", problem, True) for problem in service_problems
    ]
    if persisted_manifest is not None:
        findings += _manifest(operations or {}, persisted_manifest)
    return CheckReport(tuple(findings), composed)


def _manifest(operations: Mapping[str, str], committed: str) -> list[Finding]:
    """The safelist a router loads must list exactly the operations checked here."""
    try:
        expected = manifest_text(operations)
    except ManifestProblem as exc:
        return [Finding("operations", "OPERATION_NOT_PERSISTABLE", str(exc), True)]
    if committed == expected:
        return []
    message = f"{MANIFEST_PATH} differs from schema/operations/: run `supergraph publish`"
    return [Finding("drift", "PERSISTED_QUERIES_DRIFT", message, True)]


def _operations(supergraph_sdl: str, operations: Mapping[str, str]) -> list[Finding]:
    """Every known client operation must still parse and validate against the API schema."""
    api = _api_schema(*_read(supergraph_sdl))
    findings = []
    for name, document in sorted(operations.items()):
        try:
            errors = validate(api, parse(document))
        except GraphQLError as exc:
            errors = [exc]
        findings += [
            Finding("operations", "OPERATION_BROKEN", f"{name}: {error.message}", True)
            for error in errors
        ]
    return findings


def _changes(old_sdl: str, new_sdl: str, acknowledged: Collection[str]) -> list[Finding]:
    try:
        old_supergraph, new_supergraph = _read(old_sdl), _read(new_sdl)
    except UnusableSupergraph as exc:
        return [Finding("composition", "INVALID_SUPERGRAPH", str(exc), True)]
    old, new = _api_schema(*old_supergraph), _api_schema(*new_supergraph)
    findings = []
    for type_name, key in sorted(_entity_keys(*old_supergraph) - _entity_keys(*new_supergraph)):
        description = f'{type_name} is no longer an entity with @key(fields: "{key}").'
        text = f"KEY_REMOVED: {description}"
        findings.append(Finding("breaking", "KEY_REMOVED", description, text not in acknowledged))
    for change in find_breaking_changes(old, new):
        text = f"{change.type.name}: {change.description}"
        findings.append(
            Finding("breaking", change.type.name, change.description, text not in acknowledged)
        )
    for dangerous in find_dangerous_changes(old, new):
        findings.append(
            Finding("dangerous", dangerous.type.name, dangerous.description, blocking=False)
        )
    return findings


def _read(sdl: str) -> tuple[DocumentNode, SpecNames]:
    """A supergraph's document and the names its ``@link``s give the specs.

    Only what the checks need (the API schema and ``@join__type`` keys), read with the
    shared contract (``contracts.api_schema``) rather than the router's full model."""
    try:
        document = parse(sdl)
    except GraphQLError as exc:
        raise UnusableSupergraph(f"supergraph SDL does not parse: {exc.message}") from exc
    return document, read_spec_names(document)


def _entity_keys(document: DocumentNode, names: SpecNames) -> set[tuple[str, str]]:
    """(type, key fields) pairs some subgraph resolves (``@join__type(key:)`` not marked
    ``resolvable: false``): what other subgraphs and the router may rely on to reach an
    entity, beyond what the API schema shows."""
    join_type = f"{names.join}__type"
    keys = set()
    for definition in document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != join_type:
                continue
            arguments = {a.name.value: a.value for a in directive.arguments or ()}
            key, resolvable = arguments.get("key"), arguments.get("resolvable")
            if not isinstance(key, StringValueNode):
                continue
            if isinstance(resolvable, BooleanValueNode) and not resolvable.value:
                continue
            keys.add((definition.name.value, " ".join(key.value.split())))
    return keys


def _api_schema(document: DocumentNode, names: SpecNames) -> GraphQLSchema:
    return build_api_schema(document, names)


def render_text(report: CheckReport) -> str:
    if not report.findings:
        return "supergraph check: ok (no drift, composes, no changes against the registry)"
    lines = []
    for finding in report.findings:
        level = "error" if finding.blocking else "warning"
        lines.append(f"{level}[{finding.check}/{finding.code}]: {finding.message}")
    verdict = "ok" if report.ok else "FAILED"
    lines.append(f"supergraph check: {verdict} ({len(report.findings)} findings)")
    return "\n".join(lines)


def render_json(report: CheckReport) -> str:
    payload = {"ok": report.ok, "findings": [asdict(f) for f in report.findings]}
    return json.dumps(payload, indent=2)
