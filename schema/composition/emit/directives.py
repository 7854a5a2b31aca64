"""Subgraph-defined directives in the supergraph: their definitions and their specs' links.

A directive usable in operations is kept only where every subgraph can take it: all define
its arguments with the same types, and only the executable locations all of them declare
stay. A composed directive keeps every location any subgraph gives it. Links to the specs
the directives come from are merged per spec: the highest version, every imported directive.
"""

from __future__ import annotations

from graphql import (
    ConstDirectiveNode,
    ConstListValueNode,
    ConstObjectFieldNode,
    ConstObjectValueNode,
    ConstValueNode,
    DirectiveDefinitionNode,
    InputValueDefinitionNode,
)

from contracts.api_schema import EXECUTABLE_LOCATIONS
from schema.composition.emit.nodes import directive, name, string, type_reference
from schema.composition.merge.state import DirectiveState, SupergraphState


def directive_definitions(state: SupergraphState) -> list[DirectiveDefinitionNode]:
    kept: list[DirectiveDefinitionNode] = []
    for merged in state.directives.values():
        locations = _locations(merged, len(state.subgraphs))
        if not locations:
            continue
        kept.append(
            DirectiveDefinitionNode(
                name=name(merged.name),
                arguments=tuple(
                    InputValueDefinitionNode(
                        name=name(arg.name),
                        type=type_reference(arg.type),
                        default_value=arg.default,
                    )
                    for arg in merged.arguments.values()
                ),
                repeatable=merged.repeatable,
                locations=tuple(name(location) for location in locations),
            )
        )
    return kept


def _locations(merged: DirectiveState, subgraph_count: int) -> list[str]:
    """Executable locations every subgraph can take; a composed directive's others all.

    Where the composers drop a composed directive whole because its arguments differ across
    subgraphs (and leave its applications in the supergraph undefined), we keep it for its
    type-system locations and only drop the executable ones."""
    same_arguments = all(
        len(arg.by_graph) == subgraph_count and all(t == arg.type for t in arg.by_graph.values())
        for arg in merged.arguments.values()
    )
    return [
        location
        for location in merged.locations
        if (location not in EXECUTABLE_LOCATIONS and (merged.composed or not merged.executable))
        or (
            location in EXECUTABLE_LOCATIONS
            and same_arguments
            and all(location in d.locations for d in merged.by_graph.values())
        )
    ]


def feature_links(state: SupergraphState) -> list[ConstDirectiveNode]:
    """One ``@link`` per spec the subgraphs link for directives (federation's aside)."""
    merged: dict[str, tuple[str | None, dict[str, str | None]]] = {}
    for subgraph in state.subgraphs.values():
        for link in subgraph.links:
            known = merged.get(link.identity)
            if known is None:
                imports = {n: a for n, a in link.imports if n.startswith("@")}
                merged[link.identity] = (link.version, imports)
                continue
            version, imports = known
            if link.version and (version is None or _number(link.version) > _number(version)):
                merged[link.identity] = (link.version, imports)
            for imported, alias in link.imports:
                if imported.startswith("@"):
                    imports.setdefault(imported, alias)
    return [
        directive(
            "link",
            [
                ("url", string(f"{identity}/{version}" if version else identity)),
                (
                    "import",
                    ConstListValueNode(values=tuple(_import(n, a) for n, a in imports.items())),
                ),
            ],
        )
        for identity, (version, imports) in merged.items()
    ]


def _number(version: str) -> float:
    """How composers compare spec versions (``v1.10`` sorts below ``v1.9``, as theirs)."""
    return float(version.removeprefix("v"))


def _import(imported: str, alias: str | None) -> ConstValueNode:
    if alias is None:
        return string(imported)
    return ConstObjectValueNode(
        fields=(
            ConstObjectFieldNode(name=name("name"), value=string(imported)),
            ConstObjectFieldNode(name=name("as"), value=string(alias)),
        )
    )
