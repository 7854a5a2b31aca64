"""The satisfiability rule beyond its fixtures: full messages against the oracle, ordering
against the other rules, the query printer, and its silence on graphs it cannot build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from schema.composition import SubgraphSource, compose
from schema.composition.graphs import assign_graphs
from schema.composition.merge.merge import merge_subgraphs
from schema.composition.merge.state import SupergraphState
from schema.composition.rules import satisfiability
from schema.composition.rules.satisfiability.messages import print_query_path
from schema.composition.rules.satisfiability.paths import Step
from schema.composition.rules.satisfiability.selection import Unsupported
from schema.composition.subgraph.model import Subgraph
from schema.composition.subgraph.prepare import prepare_subgraph
from tests.schema.harness import Case, all_cases
from tests.schema.test_differential import oracle, oracle_dir  # noqa: F401 (fixture)

FED2 = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",'
    ' import: ["@key", "@shareable", "@external", "@requires", "@provides"])\n'
)
SATISFIABILITY_CASES = [
    c for c in all_cases() if c.name.startswith("satisfiability_") and c.expected_errors
]


def merged(sources: list[SubgraphSource]) -> SupergraphState:
    graphs = assign_graphs([(s.name, s.url) for s in sources])
    sdl = {s.name: s.sdl for s in sources}
    prepared: list[Subgraph] = []
    for graph in graphs:
        result = prepare_subgraph(graph, sdl[graph.name])
        assert not isinstance(result, list), result
        prepared.append(result)
    return merge_subgraphs(graphs, prepared)


def sources(**sdl: str) -> list[SubgraphSource]:
    return [SubgraphSource(n, f"http://{n}.example/graphql", FED2 + s) for n, s in sdl.items()]


@pytest.mark.parametrize("case", SATISFIABILITY_CASES, ids=lambda c: c.name)
def test_messages_are_the_oracles_word_for_word(oracle_dir: Path, case: Case) -> None:  # noqa: F811
    theirs = [e["message"] for e in oracle(oracle_dir, case)["errors"]]

    assert list(satisfiability.messages(merged(case.sources()))) == theirs


def test_fixture_messages_are_the_multiline_messages_on_one_line() -> None:
    for case in SATISFIABILITY_CASES:
        expected = [m for _, m in case.expected_errors]
        ours = [satisfiability.one_line(m) for m in satisfiability.messages(merged(case.sources()))]
        assert ours == expected


def test_does_not_run_when_other_rules_failed() -> None:
    """As the oracle: an unsound graph is reported once, by the rule that found it."""
    result = compose(
        sources(
            a='type Query { p: P }\ntype P @key(fields: "id") { id: ID! name: String }',
            b="type Query { q: String }\ntype P { id: ID! price: Int name: String }",
        )
    )

    assert {e.code for e in result.errors} == {"INVALID_FIELD_SHARING"}


def test_a_value_type_reachable_only_from_one_subgraph_is_fine() -> None:
    result = compose(
        sources(
            a="type Query { a: V }\ntype V @shareable { x: Int }",
            b="type Query { b: V }\ntype V @shareable { x: Int }",
        )
    )

    assert result.ok


def test_query_paths_print_arguments_with_placeholder_values() -> None:
    state = merged(
        sources(
            a="type Query { user(id: ID!, n: Int, tags: [String!]!, f: F): U }\n"
            "input F { q: String! limit: Int }\n"
            "type U { name: String friend: U }"
        )
    )

    printed = print_query_path(state, [Step("Query", "user"), Step("U", "friend")])

    assert printed == (
        "{\n"
        '  user(id: "<any id>", n: 0, tags: [], f: {q: "A string value"}) {\n'
        "    friend {\n"
        "      ...\n"
        "    }\n"
        "  }\n"
        "}"
    )


def test_stays_silent_on_graphs_it_cannot_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(state: SupergraphState) -> list[object]:
        raise Unsupported("for the test")

    monkeypatch.setattr(satisfiability, "dead_ends", refuse)
    limit = sys.getrecursionlimit()

    assert satisfiability.check(merged(sources(a="type Query { a: Int }"))) == []
    assert sys.getrecursionlimit() == limit
