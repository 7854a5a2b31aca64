"""Shaping merged data into the client's response, with spec null propagation."""

from __future__ import annotations

from typing import Any

from graphql import build_schema, parse

from router.execution.response import ResponseShaper, SelectionPlans
from router.planning.operation import normalize, select_operation

SCHEMA = build_schema(
    """
    type Query { me: User, team: Team!, node: Node }
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String! friends: [User!] tags: [String]! }
    type Team implements Node { id: ID! lead: User! }
    """
)


def shape(
    query: str, data: dict[str, Any], errors: list[dict[str, Any]] | None = None
) -> tuple[Any, list[dict[str, Any]]]:
    document = parse(query)
    operation = normalize(document, select_operation(document, None), {})
    errors = list(errors or [])
    return ResponseShaper(SCHEMA, errors).shape(operation, data), errors


def test_keeps_only_requested_fields_in_request_order() -> None:
    data, errors = shape(
        "{ me { name id } }", {"me": {"id": "1", "name": "Ada", "__typename": "User", "x": 1}}
    )
    assert data == {"me": {"name": "Ada", "id": "1"}}
    assert list(data["me"]) == ["name", "id"]
    assert errors == []


def test_typename_and_fragments_follow_the_runtime_type() -> None:
    data, _ = shape(
        "{ node { __typename ... on User { name } ... on Team { id } } }",
        {"node": {"__typename": "User", "name": "Ada", "id": "1"}},
    )
    assert data == {"node": {"__typename": "User", "name": "Ada"}}


def test_null_in_non_null_field_nulls_the_nullable_parent_with_one_error() -> None:
    data, errors = shape("{ me { id name } }", {"me": {"id": "1", "name": None}})
    assert data == {"me": None}
    assert errors == [
        {
            "message": "Cannot return null for non-nullable field User.name.",
            "path": ["me", "name"],
            "extensions": {"code": "INVALID_GRAPHQL"},
        }
    ]


def test_propagation_reaches_data_when_every_ancestor_is_non_null() -> None:
    data, errors = shape("{ team { lead { name } } }", {"team": {"lead": None}})
    assert data is None
    assert [e["path"] for e in errors] == [["team", "lead"]]


def test_non_null_list_item_nulls_the_list() -> None:
    data, _ = shape(
        "{ me { friends { name } } }",
        {"me": {"friends": [{"name": "A"}, {"name": None}]}},
    )
    assert data == {"me": {"friends": None}}


def test_an_existing_subgraph_error_is_not_repeated() -> None:
    subgraph_error = {"message": "boom", "path": ["me", "name"]}
    data, errors = shape("{ me { name } }", {"me": {"name": None}}, [subgraph_error])
    assert data == {"me": None}
    assert errors == [subgraph_error]


def test_missing_data_after_a_failed_fetch_is_null() -> None:
    failed = {"message": "down", "extensions": {"code": "SUBREQUEST_HTTP_ERROR"}}
    data, errors = shape("{ me { name } team { id } }", {}, [failed])
    assert data is None
    assert errors == [failed]


def test_planner_aliases_are_renamed_back_before_merging() -> None:
    from router.execution.executor import _renamed

    data = {"items": [{"id__alias_0": "1", "n": {"id__alias_0": "2"}}, None]}
    assert _renamed(data, {"id__alias_0": "id"}) == {"items": [{"id": "1", "n": {"id": "2"}}, None]}


def test_representations_read_a_key_under_its_reserved_alias_first() -> None:
    from router.execution.executor import _representation
    from router.planning.plan import KeyField, Representation

    user = {"__typename": "User", "id": "ada@example.com", "__key_id": "u1"}
    representation = Representation("User", (KeyField("id"),))
    assert _representation(user, (representation,)) == {"__typename": "User", "id": "u1"}


def test_selection_plans_are_reused_for_the_same_operation_across_requests() -> None:
    document = parse("{ me { id name friends { id } } }")
    operation = normalize(document, select_operation(document, None), {})
    plans = SelectionPlans()
    user = {"id": "1", "name": "Ada", "friends": [{"id": "2"}, {"id": "3"}]}

    first = ResponseShaper(SCHEMA, [], plans).shape(operation, {"me": user})
    cached = dict(plans._entries)
    second = ResponseShaper(SCHEMA, [], plans).shape(operation, {"me": user})

    assert first == second == {"me": user}
    assert plans._entries == cached  # nothing worked out again
    # An equal operation parsed anew is a different tuple: it gets its own entries.
    again = normalize(document, select_operation(document, None), {})
    assert ResponseShaper(SCHEMA, [], plans).shape(again, {"me": user}) == {"me": user}
    assert len(plans._entries) > len(cached)
