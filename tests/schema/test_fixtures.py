"""Compose every fixture and compare with the expected supergraph, errors and hints."""

from __future__ import annotations

import pytest

from schema.composition import compose
from tests.schema.harness import Case, case, failure_cases, success_cases


@pytest.mark.parametrize("case", success_cases(), ids=lambda c: c.name)
def test_supergraph_matches_the_reference_composer(case: Case) -> None:
    result = case.compose()

    assert result.errors == ()
    assert result.supergraph_sdl == case.expected_supergraph
    assert [(h.code, h.message) for h in result.hints] == case.expected_hints


@pytest.mark.parametrize("case", failure_cases(), ids=lambda c: c.name)
def test_composition_reports_errors(case: Case) -> None:
    result = case.compose()

    assert result.supergraph_sdl is None
    assert not result.ok
    assert [(e.code, e.message) for e in result.errors] == case.expected_errors


@pytest.mark.parametrize("case", success_cases(), ids=lambda c: c.name)
def test_output_does_not_depend_on_the_order_subgraphs_are_given(case: Case) -> None:
    sources = case.sources()

    assert compose(list(reversed(sources))).supergraph_sdl == compose(sources).supergraph_sdl


def test_errors_name_the_subgraph_they_come_from() -> None:
    errors = case("unknown_type").compose().errors

    assert {e.subgraph for e in errors} == {"a"}
    assert all(e.message.startswith("[a] ") for e in errors)
