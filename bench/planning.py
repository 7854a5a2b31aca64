"""Query planning time: cold (no cache) per query, and what the plan cache saves.

    python -m bench.planning

Plans representative queries over the router's planner fixtures (pure planner, no I/O).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

from graphql import parse

from router.planning.operation import normalize, select_operation
from router.planning.planner import build_query_plan
from router.supergraph.parse import load_supergraph

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "router" / "fixtures"

QUERIES = (
    ("accounts", "one subgraph", "{ me { id email } }"),
    ("accounts", "entity jump", "{ users { id email profile { displayName bio } } }"),
    (
        "reviews",
        "three subgraphs, @provides, @override",
        "{ latestReviews { body rating author { name email } } }",
    ),
    (
        "media",
        "@interfaceObject and fragments",
        "{ topRated { id stars title ... on Video { minutes } ... on Article { words } } }",
    ),
)


def main() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}")
    for fixture, label, query in QUERIES:
        supergraph = load_supergraph(str(FIXTURES / f"{fixture}.graphql"))
        document = parse(query)
        operation = normalize(document, select_operation(document, None), {})
        build_query_plan(supergraph, operation)
        runs = 200
        started = time.perf_counter()
        for _ in range(runs):
            build_query_plan(supergraph, operation)
        cold = (time.perf_counter() - started) / runs
        print(f"{fixture}: {label}: {cold * 1e6:8.0f} µs per plan (cold)")


if __name__ == "__main__":
    main()
