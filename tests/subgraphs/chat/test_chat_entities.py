"""``User.rooms`` through ``_entities``, and batching: the statement count does not grow with
the number of users, rooms, members or messages asked for."""

from __future__ import annotations

from subgraphs.common.testing import RunningSubgraph, recorded_statements
from tests.subgraphs.chat.harness import create_room, new_user, ok, send

ROOMS = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User {
      id
      rooms {
        id name members { id }
        messages(first: 3) { edges { node { id body author { id } room { id name } } } }
      }
    }
  }
}"""


def users(ids: list[str]) -> dict[str, object]:
    return {"representations": [{"__typename": "User", "id": user} for user in ids]}


async def test_user_rooms_are_the_rooms_the_caller_shares(chat: RunningSubgraph) -> None:
    me, friend, stranger = new_user(), new_user(), new_user()
    shared = await create_room(chat, friend, me, name="Shared")
    await create_room(chat, friend, stranger, name="Not mine")
    mine = await create_room(chat, me, name="Mine")
    await send(chat, friend, shared, "hi")

    data = ok(await chat.client.graphql(ROOMS, users([me, friend, stranger, "x"]), user=me))

    rooms = {entity["id"]: [r["name"] for r in entity["rooms"]] for entity in data["_entities"]}
    assert rooms == {me: ["Shared", "Mine"], friend: ["Shared"], stranger: [], "x": []}
    shared_room = data["_entities"][1]["rooms"][0]
    assert shared_room["id"] == shared
    assert shared_room["members"] == [{"id": friend}, {"id": me}]
    assert shared_room["messages"]["edges"][0]["node"]["author"] == {"id": friend}
    assert mine in [r["id"] for r in data["_entities"][0]["rooms"]]


async def test_anonymous_user_rooms_are_unauthenticated(chat: RunningSubgraph) -> None:
    response = await chat.client.graphql(ROOMS, users([new_user()]))

    assert "UNAUTHENTICATED" in response.codes


async def populated(chat: RunningSubgraph, me: str, people: int) -> list[str]:
    """``people`` users, each sharing two rooms with ``me``, with members and messages."""
    others = [new_user() for _ in range(people)]
    for other in others:
        for number in range(2):
            room = await create_room(chat, other, me, new_user(), name=f"R{number}")
            for text in ("a", "b", "c", "d"):
                await send(chat, other if text < "c" else me, room, text)
    return others


async def test_entities_cost_the_same_statements_for_2_or_12_users(chat: RunningSubgraph) -> None:
    me = new_user()
    few, many = await populated(chat, me, 2), await populated(chat, me, 12)
    counts = []
    for batch in (few, many):
        with recorded_statements(chat.database.engine) as log:
            data = ok(await chat.client.graphql(ROOMS, users(batch), user=me))
        assert all(len(entity["rooms"]) == 2 for entity in data["_entities"])
        assert all(
            len(room["messages"]["edges"]) == 3
            for entity in data["_entities"]
            for room in entity["rooms"]
        )
        counts.append(len(log.statements))

    # shared rooms, members, message pages, the messages' rooms: one statement each
    assert counts == [4, 4], counts
