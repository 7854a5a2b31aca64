"""``compose``: subgraph SDLs in, a Federation 2 supergraph SDL (or the reasons why not) out.

The stages, in order, each in its own package:

1. ``graphs``: name the subgraphs' ``join__Graph`` values and fix the order of everything.
2. ``subgraph``: parse, resolve ``@link``ed names, validate, extract each subgraph's model.
3. ``merge``: merge the models into one ``SupergraphState``.
4. ``rules``: validate the merged graph (field types, sharing, ...); collect hints.
5. ``emit``: build the supergraph document in the standard join-spec form and print it.

A stage runs only if the previous ones reported no error, since it relies on their output;
all errors of the failing stage are returned together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schema.composition.emit.document import supergraph_document
from schema.composition.emit.printer import print_supergraph
from schema.composition.errors import CompositionError, CompositionHint, ErrorCode
from schema.composition.graphs import assign_graphs
from schema.composition.merge.merge import merge_subgraphs
from schema.composition.rules import validate_supergraph
from schema.composition.subgraph.model import Subgraph
from schema.composition.subgraph.prepare import prepare_subgraph


@dataclass(frozen=True, slots=True)
class SubgraphSource:
    """A subgraph to compose: its name, the URL routers reach it at, and its SDL."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True, slots=True)
class CompositionResult:
    """``supergraph_sdl`` is None exactly when there are ``errors``."""

    supergraph_sdl: str | None
    errors: tuple[CompositionError, ...] = ()
    hints: tuple[CompositionHint, ...] = ()

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionResult:
    name_errors = _name_errors(subgraphs)
    if name_errors:
        return CompositionResult(None, tuple(name_errors))
    graphs = assign_graphs([(s.name, s.url) for s in subgraphs])
    sdl_by_name = {s.name: s.sdl for s in subgraphs}
    prepared: list[Subgraph] = []
    errors: list[CompositionError] = []
    for graph in graphs:
        result = prepare_subgraph(graph, sdl_by_name[graph.name])
        if isinstance(result, list):
            errors.extend(result)
        else:
            prepared.append(result)
    if errors:
        return CompositionResult(None, tuple(errors))
    state = merge_subgraphs(graphs, prepared)
    errors, hints = validate_supergraph(state)
    if errors:
        return CompositionResult(None, tuple(errors), tuple(hints))
    sdl = print_supergraph(supergraph_document(state)) + "\n"
    return CompositionResult(sdl, (), tuple(hints))


def _name_errors(subgraphs: Sequence[SubgraphSource]) -> list[CompositionError]:
    errors: list[CompositionError] = []
    seen: set[str] = set()
    for source in subgraphs:
        if not source.name or source.name == "_":
            errors.append(
                CompositionError(
                    ErrorCode.INVALID_SUBGRAPH_NAME,
                    f"Invalid name {source.name!r} for a subgraph: this name is reserved",
                    source.name,
                )
            )
        elif source.name in seen:
            errors.append(
                CompositionError(
                    ErrorCode.INVALID_SUBGRAPH_NAME,
                    f"A subgraph named {source.name} already exists",
                    source.name,
                )
            )
        seen.add(source.name)
    if not subgraphs:
        errors.append(
            CompositionError(ErrorCode.NO_QUERIES, "No subgraphs to compose: nothing to query.")
        )
    return errors
