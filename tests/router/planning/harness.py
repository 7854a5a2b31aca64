"""Plan a query against a fixture supergraph and print the plan, for snapshot tests; or run
it through the executor and shaper against in-memory subgraphs, for execution-level cases."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graphql import parse

from contracts.internal_claims import ANONYMOUS, Claims
from router.execution.executor import PlanExecutor
from router.execution.response import ResponseShaper
from router.planning.operation import normalize, select_operation
from router.planning.planner import build_query_plan
from router.planning.printer import print_plan
from router.supergraph.model import Supergraph
from router.supergraph.parse import load_supergraph

FIXTURES = Path(__file__).parent.parent / "fixtures"


@cache
def fixture_supergraph(name: str) -> Supergraph:
    return load_supergraph(str(FIXTURES / f"{name}.graphql"))


def plan_text(supergraph: str, query: str, variables: dict[str, Any] | None = None) -> str:
    document = parse(query)
    operation = normalize(document, select_operation(document, None), variables or {})
    return print_plan(build_query_plan(fixture_supergraph(supergraph), operation))


def dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip()


Responder = Callable[[Mapping[str, Any]], dict[str, Any]]
"""Answers one subgraph request body as that subgraph would."""


@dataclass
class InMemoryTransport:
    """Subgraphs as functions of the request body, for running plans without sockets."""

    subgraphs: Mapping[str, Responder]
    sent: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)

    async def send(self, service: str, body: Mapping[str, Any], claims: Claims) -> dict[str, Any]:
        self.sent.append((service, body))
        return self.subgraphs[service](body)


@dataclass(frozen=True, slots=True)
class Executed:
    """A query run through planner, executor and shaper, as the router answers it."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]]
    value_completion: list[dict[str, Any]]


async def execute(
    supergraph: str,
    query: str,
    transport: InMemoryTransport,
    variables: dict[str, Any] | None = None,
) -> Executed:
    document = parse(query)
    operation = normalize(document, select_operation(document, None), variables or {})
    graph = fixture_supergraph(supergraph)
    plan = build_query_plan(graph, operation)
    state = await PlanExecutor(transport).execute(plan, variables or {}, ANONYMOUS)
    shaper = ResponseShaper(graph.api_schema, state.errors)
    data = shaper.shape(operation, state.data)
    return Executed(data, state.errors, shaper.value_completion)
