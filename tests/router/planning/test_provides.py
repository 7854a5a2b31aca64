"""``@provides``: a subgraph resolves another's fields below one of its own fields."""

from __future__ import annotations

from tests.router.planning.harness import dedent, plan_text


def test_provided_fields_need_no_fetch_to_their_owner() -> None:
    assert plan_text("reviews", "{ latestReviews { body author { name } } }") == dedent(
        """
        QueryPlan {
          Fetch(service: "reviews") {
            { latestReviews { body author { name } } }
          }
        }
        """
    )


def test_fields_beyond_what_is_provided_come_from_their_owner() -> None:
    plan = plan_text("reviews", "{ latestReviews { author { name email } } }")
    assert "{ latestReviews { author { name __typename id } } }" in plan
    assert "... on User { email }" in plan


def test_a_shared_root_goes_where_provides_saves_a_fetch() -> None:
    plan = plan_text("reviews_shared", "{ topReview { author { name } } }")
    assert plan.count("Fetch(") == 1
    assert 'Fetch(service: "reviews")' in plan


def test_between_equal_plans_the_subgraph_with_the_field_on_the_interface_wins() -> None:
    """Found by the differential test: both subgraphs answer `media { animals { __typename } }`
    in one fetch; the order of subgraphs picked shelves, which needs a fragment per
    implementation (and, in the audit's suite, refuses). Apollo and Hive ask zoo, whose
    interface has the field: the smaller selection wins the tie."""
    plan = plan_text("media_provides", "{ media { id animals { __typename } } }")
    assert plan == dedent(
        """
        QueryPlan {
          Fetch(service: "zoo") {
            { media { __typename id animals { __typename } } }
          }
        }
        """
    )
