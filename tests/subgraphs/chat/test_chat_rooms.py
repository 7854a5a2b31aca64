"""Rooms and membership: lifecycle, who may see and change what, FORBIDDEN for the rest."""

from __future__ import annotations

import uuid

import pytest

from subgraphs.common.testing import RunningSubgraph
from tests.subgraphs.chat.harness import (
    ADD_MEMBER,
    ARCHIVE_ROOM,
    CREATE_ROOM,
    HISTORY,
    LEAVE_ROOM,
    RENAME_ROOM,
    ROOM,
    SEND,
    TYPING,
    create_room,
    new_user,
    ok,
    send,
)


async def test_a_room_is_created_with_its_creator_as_member(chat: RunningSubgraph) -> None:
    owner = new_user()

    created = ok(await chat.client.graphql(CREATE_ROOM, {"name": "  Algebra  "}, user=owner))

    room = created["createRoom"]
    assert room["name"] == "Algebra"
    assert room["archivedAt"] is None
    assert room["createdBy"] == {"id": owner}
    assert room["members"] == [{"id": owner}]
    assert ok(await chat.client.graphql(ROOM, {"id": room["id"]}, user=owner))["room"] == room


async def test_rename_add_members_leave_and_archive(chat: RunningSubgraph) -> None:
    owner, guest = new_user(), new_user()
    room = await create_room(chat, owner)

    added = ok(await chat.client.graphql(ADD_MEMBER, {"roomId": room, "userId": guest}, user=owner))
    again = ok(await chat.client.graphql(ADD_MEMBER, {"roomId": room, "userId": guest}, user=owner))
    renamed = ok(
        await chat.client.graphql(RENAME_ROOM, {"roomId": room, "name": "Calc"}, user=guest)
    )
    left = ok(await chat.client.graphql(LEAVE_ROOM, {"roomId": room}, user=guest))

    assert added["addRoomMember"]["members"] == [{"id": owner}, {"id": guest}]
    assert again["addRoomMember"]["members"] == [{"id": owner}, {"id": guest}]
    assert renamed["renameRoom"]["name"] == "Calc"
    assert left == {"leaveRoom": True}
    assert (await chat.client.graphql(ROOM, {"id": room}, user=guest)).codes == ["FORBIDDEN"]
    archived = ok(await chat.client.graphql(ARCHIVE_ROOM, {"roomId": room}, user=owner))
    assert archived["archiveRoom"]["archivedAt"] is not None
    assert archived["archiveRoom"]["members"] == [{"id": owner}]


async def test_an_archived_room_is_read_only(chat: RunningSubgraph) -> None:
    owner, other = new_user(), new_user()
    room = await create_room(chat, owner)
    message = await send(chat, owner, room, "before")
    ok(await chat.client.graphql(ARCHIVE_ROOM, {"roomId": room}, user=owner))

    refused = [
        await chat.client.graphql(SEND, {"roomId": room, "body": "after"}, user=owner),
        await chat.client.graphql(ADD_MEMBER, {"roomId": room, "userId": other}, user=owner),
        await chat.client.graphql(RENAME_ROOM, {"roomId": room, "name": "x"}, user=owner),
        await chat.client.graphql(
            'mutation($id: ID!) { editMessage(id: $id, body: "x") { id } }',
            {"id": message["id"]},
            user=owner,
        ),
    ]
    history = ok(await chat.client.graphql(HISTORY, {"id": room}, user=owner))

    assert [response.codes for response in refused] == [["ROOM_ARCHIVED"]] * 4
    assert [e["node"]["body"] for e in history["room"]["messages"]["edges"]] == ["before"]


async def test_only_the_creator_archives(chat: RunningSubgraph) -> None:
    owner, member = new_user(), new_user()
    room = await create_room(chat, owner, member)

    response = await chat.client.graphql(ARCHIVE_ROOM, {"roomId": room}, user=member)

    assert response.codes == ["FORBIDDEN"]
    assert (
        ok(await chat.client.graphql(ROOM, {"id": room}, user=owner))["room"]["archivedAt"] is None
    )


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        (ROOM, {"id": "{room}"}),
        (HISTORY, {"id": "{room}"}),
        (SEND, {"roomId": "{room}", "body": "hi"}),
        (ADD_MEMBER, {"roomId": "{room}", "userId": "{outsider}"}),
        (RENAME_ROOM, {"roomId": "{room}", "name": "Mine"}),
        (ARCHIVE_ROOM, {"roomId": "{room}"}),
        (LEAVE_ROOM, {"roomId": "{room}"}),
        (TYPING, {"roomId": "{room}"}),
    ],
)
async def test_non_members_are_forbidden_alike_for_real_and_missing_rooms(
    chat: RunningSubgraph, operation: str, variables: dict[str, str]
) -> None:
    owner, outsider = new_user(), new_user()
    real = await create_room(chat, owner)
    answers = []
    for room in (real, str(uuid.uuid4()), "not-a-uuid"):
        filled = {k: v.format(room=room, outsider=outsider) for k, v in variables.items()}
        response = await chat.client.graphql(operation, filled, user=outsider)
        answers.append((response.codes, response.errors[0]["message"]))

    assert answers[0][0] == ["FORBIDDEN"]
    assert answers[0] == answers[1] == answers[2]
    history = ok(await chat.client.graphql(HISTORY, {"id": real}, user=owner))
    assert history["room"]["messages"]["edges"] == []


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        (CREATE_ROOM, {"name": "Anyone?"}),
        (ROOM, {"id": str(uuid.uuid4())}),
        (LEAVE_ROOM, {"roomId": str(uuid.uuid4())}),
        (TYPING, {"roomId": str(uuid.uuid4())}),
    ],
)
async def test_anonymous_callers_are_unauthenticated(
    chat: RunningSubgraph, operation: str, variables: dict[str, str]
) -> None:
    response = await chat.client.graphql(operation, variables)

    assert response.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
async def test_room_names_are_validated(chat: RunningSubgraph, name: str) -> None:
    response = await chat.client.graphql(CREATE_ROOM, {"name": name}, user=new_user())

    assert response.codes == ["BAD_USER_INPUT"]


async def test_a_malformed_member_id_is_bad_user_input(chat: RunningSubgraph) -> None:
    owner = new_user()
    room = await create_room(chat, owner)

    response = await chat.client.graphql(ADD_MEMBER, {"roomId": room, "userId": "42"}, user=owner)

    assert response.codes == ["BAD_USER_INPUT"]
