"""Plan a query against a fixture supergraph and print the plan, for snapshot tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from graphql import parse

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
