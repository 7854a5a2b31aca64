"""Composed directives and the specs they come from must agree across subgraphs.

The supergraph links each spec once, so its subgraphs must link the same major version,
import each directive under the same name, and not import one name from two specs. A
directive composed in several subgraphs must share at least one location in all of them,
or no definition could hold every application.
"""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.state import SupergraphState


def check(state: SupergraphState) -> Iterator[CompositionError]:
    yield from _link_problems(state)
    for directive in state.directives.values():
        if len(directive.by_graph) == 1 or (directive.executable and not directive.composed):
            continue
        shared = any(
            all(location in d.locations for d in directive.by_graph.values())
            for location in directive.locations
        )
        if not shared:
            yield _error(f'Directive "@{directive.name}" has no shared locations between subgraphs')


def _link_problems(state: SupergraphState) -> Iterator[CompositionError]:
    majors: dict[str, int] = {}
    names: dict[str, dict[str, list[str]]] = {}
    identities: dict[str, dict[str, None]] = {}
    for graph_id, subgraph in state.subgraphs.items():
        for link in subgraph.links:
            if link.version is not None:
                major = int(link.version.removeprefix("v").split(".")[0])
                if majors.setdefault(link.identity, major) != major:
                    yield _error(
                        f'Core feature "{link.identity}" requested to be merged has major'
                        " version mismatch across subgraphs"
                    )
            for name, alias in link.imports:
                if not name.startswith("@"):
                    continue
                applied = alias or name
                graphs = names.setdefault(name, {}).setdefault(applied, [])
                graphs.append(state.graph_name(graph_id))
                identities.setdefault(applied, {})[link.identity] = None
    for name, by_applied in names.items():
        if len(by_applied) > 1:
            groups = [
                f'name "{applied}" in subgraph{"s" if len(graphs) > 1 else ""} '
                + ", ".join(f'"{graph}"' for graph in graphs)
                for applied, graphs in by_applied.items()
            ]
            first, second, *rest = groups
            more = f" and {' and '.join(rest)}" if rest else ""
            yield _error(
                f'Composed directive "{name}" has incompatible name across subgraphs: it has'
                f" {first} but {second}{more}. Composed directive must have the same name"
                " across all subgraphs."
            )
    for applied, linked_by in identities.items():
        if len(linked_by) > 1:
            yield _error(
                f'Composed directive "{applied}" is not linked by the same core feature in'
                " every subgraph"
            )


def _error(message: str) -> CompositionError:
    return CompositionError(ErrorCode.DIRECTIVE_COMPOSITION_ERROR, message)
