"""``@requires``: a field whose subgraph needs other subgraphs' fields in its representation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.router.planning.harness import InMemoryTransport, dedent, execute, plan_text


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


def test_requiring_fields_of_one_entity_share_a_fetch_carrying_every_requirement() -> None:
    """Found by the differential test (class b): `city` requires `address { id }` and
    `country` requires `address { ... on Office { id } }`; two fetches sent a Home address
    without its id to `country`, which geo answered null. Apollo and Hive send one
    representation with both field sets, and geo's `country` finds the id there."""
    plan = plan_text("requires_interface", "{ person { city country } }")
    assert plan.count('Fetch(service: "geo")') == 2
    assert "{ ... on Person { id address { id } address { ... on Office { id } } } } =>" in plan
    assert "... on Person { city country }" in plan


async def test_the_joined_representation_merges_the_required_objects() -> None:
    def geo(body: Mapping[str, Any]) -> dict[str, Any]:
        if "representations" not in body.get("variables", {}):
            return {"data": {"person": {"__typename": "Person", "id": "p1"}}}
        answers = []
        for representation in body["variables"]["representations"]:
            address_id = (representation.get("address") or {}).get("id")
            answers.append({"city": f"{address_id}-city", "country": f"{address_id}-country"})
        return {"data": {"_entities": answers}}

    def people(body: Mapping[str, Any]) -> dict[str, Any]:
        address = {"__typename": "Home", "id": "h1"}
        return {"data": {"_entities": [{"address": address}]}}

    transport = InMemoryTransport({"geo": geo, "people": people})
    result = await execute("requires_interface", "{ person { city country } }", transport)
    assert result.data == {"person": {"city": "h1-city", "country": "h1-country"}}
    representation = transport.sent[-1][1]["variables"]["representations"][0]
    assert representation["address"] == {"__typename": "Home", "id": "h1"}


def test_requirements_with_conflicting_arguments_keep_their_own_fetches() -> None:
    """A representation holds a field once, by name: `rank(scale: 10)` and `rank(scale: 100)`
    cannot share one (the audit's requires-with-argument-conflict)."""
    plan = plan_text("requires_interface", "{ person { top elite } }")
    assert "{ ... on Person { id rank(scale: 10) } } =>" in plan
    assert "{ ... on Person { id rank(scale: 100) } } =>" in plan
