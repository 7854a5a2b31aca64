"""``_entities`` for ``User``: one SQL query per batch, email only for its owner."""

from __future__ import annotations

import uuid

from subgraphs.common.testing import RunningSubgraph, recorded_statements

SIGN_UP = """
mutation($email: String!) {
  signUp(email: $email, password: "correct-horse-battery") { user { id } }
}"""
ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on User { id email } }
}"""


async def new_user(identity: RunningSubgraph) -> str:
    email = f"entity-{uuid.uuid4().hex[:10]}@example.com"
    response = await identity.client.graphql(SIGN_UP, {"email": email})
    user_id: str = response.data["signUp"]["user"]["id"]
    return user_id


async def test_entities_resolve_in_one_query_per_batch(identity: RunningSubgraph) -> None:
    alice, bob, carol = [await new_user(identity) for _ in range(3)]
    missing = str(uuid.uuid4())
    ids = [alice, bob, carol, missing, "not-a-uuid", alice]
    representations = [{"__typename": "User", "id": user_id} for user_id in ids]
    await identity.client.graphql(ENTITIES, {"representations": representations[:1]})  # warm up

    with recorded_statements(identity.database.engine) as log:
        response = await identity.client.graphql(
            ENTITIES, {"representations": representations}, user=alice
        )

    assert len(log.statements) == 1, log.statements
    entities = response.data["_entities"]
    assert [entity and entity["id"] for entity in entities] == [
        alice,
        bob,
        carol,
        None,
        None,
        alice,
    ]
    assert entities[0]["email"].startswith("entity-")
    assert entities[1]["email"] is None
    assert sorted(tuple(error["path"]) for error in response.errors) == [
        ("_entities", 1, "email"),
        ("_entities", 2, "email"),
    ]
    assert set(response.codes) == {"FORBIDDEN"}


async def test_email_is_forbidden_to_anonymous_callers(identity: RunningSubgraph) -> None:
    user = await new_user(identity)

    response = await identity.client.graphql(
        ENTITIES, {"representations": [{"__typename": "User", "id": user}]}
    )

    assert response.data == {"_entities": [{"id": user, "email": None}]}
    assert response.codes == ["FORBIDDEN"]
