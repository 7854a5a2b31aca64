"""Messages: send, edit own, delete own; history newest first through Relay cursors."""

from __future__ import annotations

import random
from typing import Any

import pytest

from subgraphs.common.testing import RunningSubgraph
from tests.subgraphs.chat.harness import (
    DELETE,
    EDIT,
    HISTORY,
    LEAVE_ROOM,
    SEND,
    create_room,
    new_user,
    ok,
    send,
)


async def history(
    chat: RunningSubgraph, user: str, room: str, first: int | None = None, after: str | None = None
) -> dict[str, Any]:
    variables = {"id": room, "first": first, "after": after}
    connection: dict[str, Any] = ok(await chat.client.graphql(HISTORY, variables, user=user))[
        "room"
    ]["messages"]
    return connection


async def test_a_sent_message_has_its_author_and_room(chat: RunningSubgraph) -> None:
    author = new_user()
    room = await create_room(chat, author)

    message = await send(chat, author, room, "Hello, *world*")

    assert message["body"] == "Hello, *world*"
    assert message["author"] == {"id": author}
    assert message["room"] == {"id": room}
    assert message["editedAt"] is None


async def test_authors_edit_and_delete_their_own_messages(chat: RunningSubgraph) -> None:
    author = new_user()
    room = await create_room(chat, author)
    first = await send(chat, author, room, "first")
    second = await send(chat, author, room, "secnod")

    edited = ok(
        await chat.client.graphql(EDIT, {"id": second["id"], "body": "second"}, user=author)
    )
    deleted = ok(await chat.client.graphql(DELETE, {"id": first["id"]}, user=author))

    assert edited["editMessage"]["body"] == "second"
    assert edited["editMessage"]["editedAt"] is not None
    assert edited["editMessage"]["createdAt"] == second["createdAt"]
    assert deleted == {"deleteMessage": True}
    edges = (await history(chat, author, room))["edges"]
    assert [edge["node"] for edge in edges] == [{"id": second["id"], "body": "second"}]


async def test_nobody_else_edits_or_deletes_a_message(chat: RunningSubgraph) -> None:
    author, member, outsider = new_user(), new_user(), new_user()
    room = await create_room(chat, author, member)
    message = await send(chat, author, room, "mine")

    attempts = [
        await chat.client.graphql(EDIT, {"id": message["id"], "body": "yours"}, user=user)
        for user in (member, outsider)
    ] + [
        await chat.client.graphql(DELETE, {"id": message["id"]}, user=user)
        for user in (member, outsider)
    ]

    assert [attempt.codes for attempt in attempts] == [["FORBIDDEN"]] * 4
    assert [e["node"]["body"] for e in (await history(chat, member, room))["edges"]] == ["mine"]


async def test_an_author_who_left_can_no_longer_change_their_messages(
    chat: RunningSubgraph,
) -> None:
    owner, author = new_user(), new_user()
    room = await create_room(chat, owner, author)
    message = await send(chat, author, room, "said before leaving")
    ok(await chat.client.graphql(LEAVE_ROOM, {"roomId": room}, user=author))

    response = await chat.client.graphql(DELETE, {"id": message["id"]}, user=author)

    assert response.codes == ["FORBIDDEN"]


async def test_a_missing_or_malformed_message_is_forbidden_like_anothers(
    chat: RunningSubgraph,
) -> None:
    user = new_user()
    for message_id in ("00000000-0000-0000-0000-000000000000", "nope"):
        response = await chat.client.graphql(DELETE, {"id": message_id}, user=user)
        assert response.codes == ["FORBIDDEN"]


@pytest.mark.parametrize("body", ["", "  \n ", "x" * 4001])
async def test_bodies_are_validated(chat: RunningSubgraph, body: str) -> None:
    author = new_user()
    room = await create_room(chat, author)

    response = await chat.client.graphql(SEND, {"roomId": room, "body": body}, user=author)

    assert response.codes == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("seed", range(4))
async def test_paging_through_history_yields_every_message_once_newest_first(
    chat: RunningSubgraph, seed: int
) -> None:
    rng = random.Random(seed)
    author, other = new_user(), new_user()
    room = await create_room(chat, author, other)
    noise = await create_room(chat, author)  # another room's messages must never show up
    sent = []
    for number in range(rng.randint(0, 45)):
        writer = rng.choice((author, other))
        sent.append((await send(chat, writer, room, f"m{number}"))["id"])
        if rng.random() < 0.2:
            await send(chat, author, noise, "noise")

    seen: list[str] = []
    after = None
    while True:
        size = rng.randint(1, 12)
        page = await history(chat, other, room, first=size, after=after)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert len(page["edges"]) <= size
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["edges"]) == size
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        after = page["pageInfo"]["endCursor"]

    assert seen == sent[::-1]


async def test_messages_arriving_between_pages_do_not_shift_them(chat: RunningSubgraph) -> None:
    author = new_user()
    room = await create_room(chat, author)
    old = [(await send(chat, author, room, f"old {n}"))["id"] for n in range(5)]

    first_page = await history(chat, author, room, first=2)
    await send(chat, author, room, "new")
    rest = await history(chat, author, room, first=10, after=first_page["pageInfo"]["endCursor"])

    assert [e["node"]["id"] for e in first_page["edges"] + rest["edges"]] == old[::-1]


@pytest.mark.parametrize(
    ("first", "after"), [(-1, None), (101, None), (5, "garbage"), (5, "bWVzc2FnZTp4")]
)
async def test_bad_page_arguments_are_bad_user_input(
    chat: RunningSubgraph, first: int, after: str | None
) -> None:
    author = new_user()
    room = await create_room(chat, author)

    response = await chat.client.graphql(
        HISTORY, {"id": room, "first": first, "after": after}, user=author
    )

    assert response.codes == ["BAD_USER_INPUT"]


async def test_an_empty_page_and_first_zero(chat: RunningSubgraph) -> None:
    author = new_user()
    room = await create_room(chat, author)
    await send(chat, author, room, "one")

    empty_room = await history(chat, author, await create_room(chat, author))
    zero = await history(chat, author, room, first=0)

    assert empty_room == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    assert zero["edges"] == []
    assert zero["pageInfo"]["hasNextPage"] is True
