"""``@requires``: a field whose subgraph needs other subgraphs' fields in its representation."""

from __future__ import annotations

from tests.router.planning.harness import dedent, plan_text


def test_required_fields_are_gathered_first_then_sent_in_the_representation() -> None:
    assert plan_text("shipping", "{ books { title shippingCost } }") == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              { books { title __typename isbn weight } }
            },
            Flatten(path: "books.@") {
              Fetch(service: "pricing") {
                { ... on Book { isbn } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { price } } }
              }
            },
            Flatten(path: "books.@") {
              Fetch(service: "shipping") {
                { ... on Book { isbn weight price } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Book { shippingCost } } }
              }
            }
          }
        }
        """
    )


def test_fields_without_requires_in_the_same_subgraph_need_no_requirements() -> None:
    plan = plan_text("shipping", "{ books { carrier } }")
    assert "{ ... on Book { isbn } } =>" in plan
    assert "price" not in plan


def test_a_plain_field_does_not_wait_for_the_requirements_of_its_neighbour() -> None:
    plan = plan_text("shipping", "{ books { carrier shippingCost } }")
    carrier = plan.index("... on Book { carrier }")
    price = plan.index("... on Book { price }")
    cost = plan.index("... on Book { shippingCost }")
    assert plan.count('Fetch(service: "shipping")') == 2
    assert carrier < cost
    assert price < cost
    assert "Parallel {" in plan[:cost]
