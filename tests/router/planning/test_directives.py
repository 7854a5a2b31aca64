"""Executable directives: the router decides ``@skip``/``@include`` and forwards the others.

Composition keeps an executable directive only where every subgraph defines it, so a field
directive such as ``@lowercase`` can travel with the field to whichever subgraph resolves it.
"""

from __future__ import annotations

from tests.router.planning.harness import dedent, plan_text


def test_field_directives_travel_with_their_field_to_its_subgraph() -> None:
    plan = plan_text(
        "directives",
        "query Me($loc: String) { me { email @lowercase(locale: $loc) displayName @lowercase } }",
        {"loc": "tr"},
    )
    assert plan == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "identity") {
              query Me__identity__0($loc: String) { me { email @lowercase(locale: $loc) __typename id } }
            },
            Flatten(path: "me") {
              Fetch(service: "profiles") {
                { ... on User { id } } =>
                query Me__profiles__1($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { displayName @lowercase } } }
              }
            }
          }
        }
        """
    )


def test_skip_and_include_are_decided_by_the_router_not_forwarded() -> None:
    plan = plan_text(
        "directives",
        "query ($yes: Boolean!) { me { email @include(if: $yes) id @skip(if: false) } }",
        {"yes": True},
    )
    assert "@include" not in plan
    assert "@skip" not in plan
    assert "{ me { email id } }" in plan


def test_an_aliased_field_with_a_directive_keeps_its_response_key() -> None:
    plan = plan_text("directives", "{ me { mail: email @lowercase id } }")
    assert "{ me { mail: email @lowercase id } }" in plan


def test_a_selection_emptied_by_skip_and_include_asks_for_typename() -> None:
    """Found by the differential test: `me { id @skip(if: true) }` was sent as `{ me }`, which
    the subgraph refuses; Apollo and Hive ask `__typename` and answer `{"me": {}}`."""
    plan = plan_text(
        "directives",
        "query ($no: Boolean!) { me { id @skip(if: true) email @include(if: $no) } }",
        {"no": False},
    )
    assert "{ me { __typename } }" in plan
