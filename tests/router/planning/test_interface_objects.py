"""``@interfaceObject``: a subgraph that sees an interface as one object type."""

from __future__ import annotations

import pytest

from router.errors import PlanningError
from tests.router.planning.harness import dedent, plan_text


def test_interface_object_fields_are_fetched_with_interface_representations() -> None:
    assert plan_text("media", "{ materials { title stars } }") == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "courses") {
              { materials { __typename title id } }
            },
            Flatten(path: "materials.@") {
              Fetch(service: "ratings") {
                { ... on Material { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Material { stars } } }
              }
            }
          }
        }
        """
    )


def test_a_field_on_an_implementation_goes_through_its_interface_object() -> None:
    plan = plan_text("media", "{ materials { ... on Video { minutes stars } } }")
    assert 'Fetch(service: "ratings")' in plan
    assert "... on Material { stars }" in plan


def test_concrete_typename_from_an_interface_object_comes_from_the_real_interface() -> None:
    plan = plan_text("media", "{ topRated { __typename stars } }")
    assert plan == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "ratings") {
              { topRated { __typename id stars } }
            },
            Flatten(path: "topRated.@") {
              Fetch(service: "courses") {
                { ... on Material { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Material { __typename } } }
              }
            }
          }
        }
        """
    )


def test_fragments_on_implementations_unknown_to_the_interface_object_are_resolved_elsewhere() -> (
    None
):
    plan = plan_text("media", "{ topRated { stars ... on Article { words } } }")
    assert "... on Material { __typename ... on Article { words } }" in plan
    assert "{ topRated { __typename stars id } }" in plan


def test_no_concrete_type_needed_means_no_extra_fetch() -> None:
    assert plan_text("media", "{ topRated { id stars } }").count("Fetch(") == 1


def test_fragments_emptied_by_jumps_are_left_out_of_the_subgraph_query() -> None:
    plan = plan_text("media", "{ topRated { ... on Video { minutes } } }")
    assert "{ topRated { __typename id } }" in plan
    assert "... on Video {  }" not in plan


def test_a_field_no_object_of_the_interface_can_have_is_not_refused() -> None:
    """Found by the differential test (class d): no object implements ``Node`` in catalog, so
    ``note`` (from an @interfaceObject nobody can be asked for) can never be part of the
    answer. Planning refused the whole query; Apollo and Hive send the rest and answer what
    catalog says (null with its error), and ``shelf`` beside it. A fetch carrying nothing
    else is refused, as Hive (and the audit) expect."""
    assert plan_text("empty_interface", "{ node { id note } shelf { name } }") == dedent(
        """
        QueryPlan {
          Fetch(service: "catalog") {
            { node { __typename id } shelf { name } }
          }
        }
        """
    )
    assert "{ node { __typename } shelf { name } }" in plan_text(
        "empty_interface", "{ node { note } shelf { name } }"
    )
    with pytest.raises(PlanningError, match="returns no implementation of Node"):
        plan_text("empty_interface", "{ node { note } }")
