"""Fields of value types (no ``@key``) owned by another subgraph: select the path again there."""

from __future__ import annotations

import pytest

from router.errors import PlanningError
from tests.router.planning.harness import dedent, plan_text


def test_a_shared_root_field_is_split_across_the_subgraphs_owning_its_fields() -> None:
    assert plan_text("shipping", "{ shelf { label discount } }") == dedent(
        """
        QueryPlan {
          Parallel {
            Fetch(service: "catalog") {
              { shelf { label } }
            },
            Fetch(service: "pricing") {
              { shelf { discount } }
            }
          }
        }
        """
    )


def test_a_shared_root_field_goes_to_the_subgraph_that_resolves_its_selection() -> None:
    assert plan_text("shipping", "{ shelf { discount } }") == dedent(
        """
        QueryPlan {
          Fetch(service: "pricing") {
            { shelf { discount } }
          }
        }
        """
    )


def test_an_abstract_shared_root_is_never_split_across_subgraphs() -> None:
    # people and threads could resolve item to different types: merging them is unsafe.
    with pytest.raises(PlanningError):
        plan_text("inbox", '{ item(id: "1") { id } }')
