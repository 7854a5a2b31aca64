"""``_entities`` for ``User.profile``: one SQL query per batch of users."""

from __future__ import annotations

import uuid

from subgraphs.common.testing import RunningSubgraph, recorded_statements

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id profile { displayName } } }
}"""
UPDATE = "mutation($name: String!) { updateProfile(input: {displayName: $name}) { displayName } }"


async def test_profiles_resolve_in_one_query_per_batch(profiles: RunningSubgraph) -> None:
    users = [str(uuid.uuid4()) for _ in range(4)]
    for number, user in enumerate(users[:3]):
        await profiles.client.graphql(UPDATE, {"name": f"Learner {number}"}, user=user)
    reader = str(uuid.uuid4())
    representations = [{"__typename": "User", "id": user} for user in [*users, "not-a-uuid"]]
    await profiles.client.graphql(ENTITIES, {"representations": representations[:1]}, user=reader)

    with recorded_statements(profiles.database.engine) as log:
        response = await profiles.client.graphql(
            ENTITIES, {"representations": representations}, user=reader
        )

    assert len(log.statements) == 1, log.statements
    assert response.errors == []
    assert response.data["_entities"] == [
        {"id": users[0], "profile": {"displayName": "Learner 0"}},
        {"id": users[1], "profile": {"displayName": "Learner 1"}},
        {"id": users[2], "profile": {"displayName": "Learner 2"}},
        {"id": users[3], "profile": None},
        {"id": "not-a-uuid", "profile": None},
    ]
