"""Chat's operations and small steps the chat tests share."""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.common.testing import GraphQLResponse, RunningSubgraph

ROOM_FIELDS = "id name archivedAt createdBy { id } members { id }"
MESSAGE_FIELDS = "id body createdAt editedAt author { id } room { id }"
CREATE_ROOM = f"mutation($name: String!) {{ createRoom(name: $name) {{ {ROOM_FIELDS} }} }}"
RENAME_ROOM = (
    f"mutation($roomId: ID!, $name: String!) {{ renameRoom(roomId: $roomId, name: $name) "
    f"{{ {ROOM_FIELDS} }} }}"
)
ARCHIVE_ROOM = f"mutation($roomId: ID!) {{ archiveRoom(roomId: $roomId) {{ {ROOM_FIELDS} }} }}"
ADD_MEMBER = (
    f"mutation($roomId: ID!, $userId: ID!) {{ addRoomMember(roomId: $roomId, userId: $userId) "
    f"{{ {ROOM_FIELDS} }} }}"
)
LEAVE_ROOM = "mutation($roomId: ID!) { leaveRoom(roomId: $roomId) }"
SEND = (
    f"mutation($roomId: ID!, $body: String!) {{ sendMessage(roomId: $roomId, body: $body) "
    f"{{ {MESSAGE_FIELDS} }} }}"
)
EDIT = (
    f"mutation($id: ID!, $body: String!) {{ editMessage(id: $id, body: $body) "
    f"{{ {MESSAGE_FIELDS} }} }}"
)
DELETE = "mutation($id: ID!) { deleteMessage(id: $id) }"
TYPING = "mutation($roomId: ID!) { typing(roomId: $roomId) }"
ROOM = f"query($id: ID!) {{ room(id: $id) {{ {ROOM_FIELDS} }} }}"
HISTORY = """
query($id: ID!, $first: Int, $after: String) {
  room(id: $id) {
    messages(first: $first, after: $after) {
      edges { cursor node { id body } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}"""


def new_user() -> str:
    return str(uuid.uuid4())


def ok(response: GraphQLResponse) -> Any:
    assert response.errors == [], response.errors
    return response.data


async def create_room(chat: RunningSubgraph, owner: str, *members: str, name: str = "Study") -> str:
    room = ok(await chat.client.graphql(CREATE_ROOM, {"name": name}, user=owner))["createRoom"]
    for member in members:
        ok(
            await chat.client.graphql(
                ADD_MEMBER, {"roomId": room["id"], "userId": member}, user=owner
            )
        )
    return str(room["id"])


async def send(chat: RunningSubgraph, user: str, room: str, body: str) -> dict[str, Any]:
    sent: dict[str, Any] = ok(
        await chat.client.graphql(SEND, {"roomId": room, "body": body}, user=user)
    )["sendMessage"]
    return sent
