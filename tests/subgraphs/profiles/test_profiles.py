"""Profiles: get-or-create for the caller, null for others, validated upserts, FORBIDDEN."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from subgraphs.common.testing import GraphQLResponse, RunningSubgraph

PROFILE_FIELDS = "displayName bio avatarUrl createdAt"
READ = f"""
query($representations: [_Any!]!) {{
  _entities(representations: $representations) {{
    ... on User {{ id profile {{ {PROFILE_FIELDS} }} }}
  }}
}}"""
UPDATE = f"""
mutation($input: UpdateProfileInput!, $userId: ID) {{
  updateProfile(input: $input, userId: $userId) {{ {PROFILE_FIELDS} }}
}}"""


def new_user() -> str:
    return str(uuid.uuid4())


async def read_profile(
    profiles: RunningSubgraph, user_id: str, *, caller: str | None
) -> GraphQLResponse:
    return await profiles.client.graphql(
        READ, {"representations": [{"__typename": "User", "id": user_id}]}, user=caller
    )


def profile_of(response: GraphQLResponse) -> dict[str, Any] | None:
    profile: dict[str, Any] | None = response.data["_entities"][0]["profile"]
    return profile


async def test_callers_own_profile_is_created_on_first_read(profiles: RunningSubgraph) -> None:
    user = new_user()

    first = await read_profile(profiles, user, caller=user)
    second = await read_profile(profiles, user, caller=user)

    assert first.errors == []
    created = profile_of(first)
    assert created is not None
    assert created["displayName"] == "New learner"
    assert created["bio"] is None
    assert created["avatarUrl"] is None
    assert profile_of(second) == created


async def test_concurrent_first_reads_agree_on_one_profile(profiles: RunningSubgraph) -> None:
    user = new_user()

    responses = await asyncio.gather(*(read_profile(profiles, user, caller=user) for _ in range(5)))

    assert all(response.errors == [] for response in responses)
    assert len({profile_of(response)["createdAt"] for response in responses}) == 1  # type: ignore[index]


async def test_another_users_missing_profile_is_null_and_not_created(
    profiles: RunningSubgraph,
) -> None:
    owner, reader = new_user(), new_user()

    by_reader = await read_profile(profiles, owner, caller=reader)
    by_owner = await read_profile(profiles, owner, caller=owner)
    by_reader_again = await read_profile(profiles, owner, caller=reader)

    assert by_reader.errors == []
    assert profile_of(by_reader) is None
    assert profile_of(by_owner) is not None
    assert profile_of(by_reader_again) == profile_of(by_owner)


async def test_anonymous_callers_cannot_read_profiles(profiles: RunningSubgraph) -> None:
    owner = new_user()
    await read_profile(profiles, owner, caller=owner)

    response = await read_profile(profiles, owner, caller=None)

    assert profile_of(response) is None
    assert response.codes == ["UNAUTHENTICATED"]


async def test_update_profile_upserts_and_keeps_fields_left_out(
    profiles: RunningSubgraph,
) -> None:
    user = new_user()

    created = await profiles.client.graphql(
        UPDATE,
        {"input": {"displayName": "  Ada  ", "bio": "Counts.", "avatarUrl": "https://a.example/x"}},
        user=user,
    )
    renamed = await profiles.client.graphql(UPDATE, {"input": {"displayName": "Ada L."}}, user=user)
    cleared = await profiles.client.graphql(UPDATE, {"input": {"bio": None}}, user=user)

    assert created.errors == []
    assert created.data["updateProfile"]["displayName"] == "Ada"
    assert renamed.data["updateProfile"] == {
        **created.data["updateProfile"],
        "displayName": "Ada L.",
    }
    assert cleared.data["updateProfile"]["bio"] is None
    assert cleared.data["updateProfile"]["avatarUrl"] == "https://a.example/x"
    assert (
        profile_of(await read_profile(profiles, user, caller=new_user()))
        == (cleared.data["updateProfile"])
    )


async def test_update_of_another_users_profile_is_forbidden(profiles: RunningSubgraph) -> None:
    owner, other = new_user(), new_user()

    response = await profiles.client.graphql(
        UPDATE, {"input": {"displayName": "Hacked"}, "userId": owner}, user=other
    )

    assert response.data is None
    assert response.codes == ["FORBIDDEN"]
    assert profile_of(await read_profile(profiles, owner, caller=other)) is None


async def test_admins_may_update_another_users_profile(profiles: RunningSubgraph) -> None:
    owner, admin = new_user(), new_user()

    response = await profiles.client.graphql(
        UPDATE,
        {"input": {"displayName": "Moderated"}, "userId": owner},
        user=admin,
        scopes=("profiles:admin",),
    )

    assert response.errors == []
    assert (
        profile_of(await read_profile(profiles, owner, caller=admin))
        == (response.data["updateProfile"])
    )


async def test_anonymous_update_is_unauthenticated(profiles: RunningSubgraph) -> None:
    response = await profiles.client.graphql(UPDATE, {"input": {"displayName": "Nobody"}})

    assert response.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    "profile_input",
    [
        {"displayName": "   "},
        {"displayName": None},
        {"displayName": "x" * 81},
        {"bio": "x" * 2001},
        {"avatarUrl": "ftp://files.example/a.png"},
        {"avatarUrl": "javascript:alert(1)"},
        {"avatarUrl": "https://"},
        {"avatarUrl": "https://a.example/" + "x" * 2048},
    ],
)
async def test_invalid_updates_are_bad_user_input(
    profiles: RunningSubgraph, profile_input: dict[str, Any]
) -> None:
    response = await profiles.client.graphql(UPDATE, {"input": profile_input}, user=new_user())

    assert response.codes == ["BAD_USER_INPUT"]


async def test_malformed_user_id_is_bad_user_input(profiles: RunningSubgraph) -> None:
    response = await profiles.client.graphql(
        UPDATE, {"input": {}, "userId": "42"}, user=new_user(), scopes=("profiles:admin",)
    )

    assert response.codes == ["BAD_USER_INPUT"]


async def test_limits_are_inclusive(profiles: RunningSubgraph) -> None:
    longest = {
        "displayName": "x" * 80,
        "bio": "x" * 2000,
        "avatarUrl": "http://a.example/" + "x" * (2048 - len("http://a.example/")),
    }

    response = await profiles.client.graphql(UPDATE, {"input": longest}, user=new_user())

    assert response.errors == []
