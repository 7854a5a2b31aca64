"""The subgraph stage: from SDL text to a ``Subgraph`` ready to merge, or its errors.

parse -> resolve federation names from ``@link`` -> group definitions and extensions ->
validate as SDL -> extract the model. Each step needs the previous one to have succeeded, so
the stage stops at the first step that reports errors (all of that step's errors).
"""

from __future__ import annotations

from graphql import GraphQLSyntaxError

from schema.composition.errors import CompositionError, ErrorCode, subgraph_error
from schema.composition.graphs import Graph
from schema.composition.subgraph.extract import extract_subgraph
from schema.composition.subgraph.groups import group_types
from schema.composition.subgraph.model import Subgraph
from schema.composition.subgraph.names import resolve_names
from schema.composition.subgraph.parse import parse_sdl
from schema.composition.subgraph.validate import sdl_problems


def prepare_subgraph(graph: Graph, sdl: str) -> Subgraph | list[CompositionError]:
    def error(code: ErrorCode, message: str) -> CompositionError:
        return subgraph_error(code, graph.name, message)

    document = parse_sdl(sdl)
    if isinstance(document, GraphQLSyntaxError):
        return [error(ErrorCode.INVALID_GRAPHQL, document.message)]
    names = resolve_names(document)
    if isinstance(names, list):
        return [error(problem.code, problem.message) for problem in names]
    grouped, conflicts = group_types(document, names)
    invalid = [*sdl_problems(document, names), *conflicts]
    if invalid:
        return [error(ErrorCode.INVALID_GRAPHQL, message) for message in invalid]
    subgraph, problems = extract_subgraph(
        grouped, name=graph.name, graph_id=graph.id, url=graph.url
    )
    if problems:
        return [p if isinstance(p, CompositionError) else error(*p) for p in problems]
    return subgraph
