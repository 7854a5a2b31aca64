"""Values a subgraph must not return: answered null, kept out of ``errors``.

Found by the differential test (class c): an enum value or a ``__typename`` that the API
schema hides (``@inaccessible``) came back from a subgraph; Apollo Gateway and Hive Gateway
answer null without an error in ``errors`` (Apollo lists it under
``extensions.valueCompletion``), where the router reported an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.router.planning.harness import InMemoryTransport, execute


def _people(body: Mapping[str, Any]) -> dict[str, Any]:
    users = [
        {"__typename": "User", "id": "u1", "kind": "REGULAR", "kinds": ["REGULAR"]},
        {"__typename": "User", "id": "u2", "kind": "ANONYMOUS", "kinds": ["ANONYMOUS"]},
    ]
    return {"data": {"users": users}}


def _pets(body: Mapping[str, Any]) -> dict[str, Any]:
    pets = {"u1": {"__typename": "Cat", "name": "Tom"}, "u2": {"__typename": "Dog", "name": "Rex"}}
    entities = [
        {"__typename": "User", "pet": pets[r["id"]]} for r in body["variables"]["representations"]
    ]
    return {"data": {"_entities": entities}}


TRANSPORT = {"people": _people, "pets": _pets}


async def test_an_enum_value_the_schema_hides_is_null_without_an_error() -> None:
    result = await execute("hidden_values", "{ users { id kind } }", InMemoryTransport(TRANSPORT))
    assert result.data == {"users": [{"id": "u1", "kind": "REGULAR"}, {"id": "u2", "kind": None}]}
    assert result.errors == []
    assert [e["path"] for e in result.value_completion] == [["users", 1, "kind"]]


async def test_a_typename_the_schema_hides_is_null_without_an_error() -> None:
    query = "{ users { id pet { __typename ... on Cat { name } } } }"
    result = await execute("hidden_values", query, InMemoryTransport(TRANSPORT))
    assert result.data == {
        "users": [
            {"id": "u1", "pet": {"__typename": "Cat", "name": "Tom"}},
            {"id": "u2", "pet": None},
        ]
    }
    assert result.errors == []
    assert [e["path"] for e in result.value_completion] == [["users", 1, "pet"]]


async def test_the_null_it_causes_in_a_non_null_position_is_part_of_the_completion() -> None:
    result = await execute("hidden_values", "{ users { id kinds } }", InMemoryTransport(TRANSPORT))
    assert result.data == {"users": None}
    assert result.errors == []
    assert [e["path"] for e in result.value_completion] == [["users", 1, "kinds", 0]]


def _ratings(body: Mapping[str, Any]) -> dict[str, Any]:
    top = [{"__typename": "Material", "id": "v1", "stars": 5}]
    return {"data": {"topRated": top}}


def _courses_failing(body: Mapping[str, Any]) -> dict[str, Any]:
    error = {"message": "boom", "path": ["_entities", 0, "__typename"]}
    return {"data": {"_entities": [None]}, "errors": [error]}


async def test_an_interface_object_whose_concrete_type_could_not_be_fetched_is_null() -> None:
    """Found by the differential test (typename suite): the fetch that tells the concrete type
    of an @interfaceObject failed, and the object was answered as the interface itself."""
    transport = InMemoryTransport({"ratings": _ratings, "courses": _courses_failing})
    result = await execute("media", "{ topRated { __typename stars } }", transport)
    assert result.data is None
    assert [e["message"] for e in result.errors] == ["boom"]
    # No concrete type asked: the interface object's own fields are the answer.
    result = await execute("media", "{ topRated { stars } }", transport)
    assert result.data == {"topRated": [{"stars": 5}]}
