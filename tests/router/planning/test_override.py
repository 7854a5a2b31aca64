"""``@override``: a field taken over by another subgraph is fetched from the new owner only."""

from __future__ import annotations

from tests.router.planning.harness import dedent, plan_text


def test_an_overridden_field_comes_from_the_subgraph_that_took_it_over() -> None:
    assert plan_text("reviews", "{ latestReviews { body rating } }") == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              { latestReviews { body __typename id } }
            },
            Flatten(path: "latestReviews.@") {
              Fetch(service: "ratings") {
                { ... on Review { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Review { rating } } }
              }
            }
          }
        }
        """
    )
