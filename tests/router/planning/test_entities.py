"""Entity jumps: fields of an entity owned by another subgraph are fetched via ``_entities``."""

from __future__ import annotations

from graphql import parse

from router.planning.operation import normalize, select_operation
from router.planning.plan import Fetch, InputPrune
from router.planning.planner import build_query_plan
from tests.router.planning.harness import dedent, fixture_supergraph, plan_text


def test_single_subgraph_query_is_one_fetch() -> None:
    assert plan_text("accounts", "{ me { id email } }") == dedent(
        """
        QueryPlan {
          Fetch(service: "identity") {
            { me { id email } }
          }
        }
        """
    )


def test_field_of_another_subgraph_is_an_entity_fetch_after_the_root_fetch() -> None:
    assert plan_text("accounts", "{ me { id email profile { displayName } } }") == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "identity") {
              { me { id email __typename } }
            },
            Flatten(path: "me") {
              Fetch(service: "profiles") {
                { ... on User { id } } =>
                query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { profile { displayName } } } }
              }
            }
          }
        }
        """
    )


def test_list_paths_walk_items_and_aliases_are_kept() -> None:
    plan = plan_text("accounts", "query Team { users { p: profile { bio } } }")
    assert 'Flatten(path: "users.@")' in plan
    assert "query Team__profiles__1($representations: [_Any!]!)" in plan
    assert "p: profile { bio }" in plan
    assert "query Team__identity__0 { users { __typename id } }" in plan


def test_fields_going_to_the_same_subgraph_at_one_path_share_a_fetch() -> None:
    plan = plan_text("accounts", "{ me { profile { displayName } again: profile { bio } } }")
    assert plan.count('Fetch(service: "profiles")') == 1
    assert "profile { displayName } again: profile { bio }" in plan


def test_fragments_are_inlined_and_skipped_fields_never_fetched() -> None:
    query = """
      query ($withProfile: Boolean!) { me { ...F } }
      fragment F on User { id profile @include(if: $withProfile) { displayName } }
    """
    assert 'service: "profiles"' in plan_text("accounts", query, {"withProfile": True})
    assert plan_text("accounts", query, {"withProfile": False}) == dedent(
        """
        QueryPlan {
          Fetch(service: "identity") {
            { me { id } }
          }
        }
        """
    )


def test_variables_go_only_to_the_fetches_that_use_them() -> None:
    plan = plan_text(
        "accounts",
        "mutation ($name: String!) { updateProfile(displayName: $name) { bio } }",
    )
    assert "mutation ($name: String!) { updateProfile(displayName: $name) { bio } }" in plan


def test_mutations_run_in_document_order() -> None:
    plan = plan_text(
        "accounts",
        """mutation {
          a: updateProfile(displayName: "a") { bio }
          login(email: "e", password: "p") { accessToken }
          b: updateProfile(displayName: "b") { bio }
        }""",
    )
    services = [line.strip() for line in plan.splitlines() if "Fetch(service" in line]
    assert services == [
        'Fetch(service: "profiles") {',
        'Fetch(service: "identity") {',
        'Fetch(service: "profiles") {',
    ]
    assert plan.splitlines()[1].strip() == "Sequence {"


def test_root_fields_of_different_subgraphs_run_in_parallel() -> None:
    plan = plan_text("accounts", "{ me { id } topProfiles { displayName } }")
    assert plan.splitlines()[1].strip() == "Parallel {"


def test_introspection_only_needs_no_fetch() -> None:
    assert plan_text("accounts", "{ __typename __schema { queryType { name } } }") == (
        "QueryPlan {}"
    )


def test_one_level_sends_one_request_per_subgraph_across_paths() -> None:
    plan = plan_text("accounts", "query Q { users { p: profile { bio } } me { profile { bio } } }")
    assert plan == dedent(
        """
        QueryPlan {
          Sequence {
            Fetch(service: "identity") {
              query Q__identity__0 { users { __typename id } me { __typename id } }
            },
            BatchFetch(service: "profiles") {
              _e0: paths ["users.@"] { ... on User { id } } =>
              _e1: paths ["me"] { ... on User { id } } =>
              query Q__profiles__1($representations0: [_Any!]!, $representations1: [_Any!]!) { _e0: _entities(representations: $representations0) { ... on User { p: profile { bio } } } _e1: _entities(representations: $representations1) { ... on User { profile { bio } } } }
            }
          }
        }
        """
    )


def test_equal_selections_at_several_paths_share_one_batch() -> None:
    plan = plan_text("accounts", "{ users { profile { bio } } me { profile { bio } } }")
    assert '_e0: paths ["users.@", "me"]' in plan
    assert "_e1" not in plan


def test_input_fields_a_subgraph_lacks_are_dropped_from_its_variables() -> None:
    document = parse("mutation ($p: [Preferences!]!) { savePreferences(all: $p) }")
    operation = normalize(document, select_operation(document, None), {})
    fetch = build_query_plan(fixture_supergraph("accounts"), operation).node
    assert isinstance(fetch, Fetch)
    assert fetch.variable_prunes == (("p", InputPrune(frozenset({"locale"}))),)


def test_a_client_alias_on_a_key_name_moves_the_key_to_a_reserved_alias() -> None:
    for query in (
        "{ me { id: email profile { displayName } } }",
        "{ me { profile { displayName } id: email } }",
    ):
        plan = plan_text("accounts", query)
        assert "__key_id: id" in plan
        assert "id: email" in plan
