"""Chat's per-request DataLoaders: one SQL query per batch of keys.

The membership loader is the caller's: a request has one caller, so its keys are room ids.
History pages are keyed by ``(room, size, before)``; keys sharing a size and position go in
one windowed query, so ``rooms { messages(first: 5) }`` is one query for all the rooms.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from aiodataloader import DataLoader

from subgraphs.chat.records import MessageRecord, RoomRecord
from subgraphs.chat.store import Chat
from subgraphs.common.auth import require_user_id
from subgraphs.common.context import SubgraphContext

ChatContext = SubgraphContext[Chat]
PageKey = tuple[uuid.UUID, int, int | None]
"""Room id, how many messages (one more than the page, to know if there is a next), before."""


def rooms_by_id(context: ChatContext) -> DataLoader[uuid.UUID, RoomRecord | None]:
    async def load(room_ids: list[uuid.UUID]) -> list[RoomRecord | None]:
        found = await context.services.rooms_by_ids(room_ids)
        return [found.get(room_id) for room_id in room_ids]

    return DataLoader(load)


def caller_memberships(context: ChatContext) -> DataLoader[uuid.UUID, bool]:
    """Whether the caller is a member of each room."""

    async def load(room_ids: list[uuid.UUID]) -> list[bool]:
        caller = require_user_id(context.claims)
        found = await context.services.memberships(caller, room_ids)
        return [room_id in found for room_id in room_ids]

    return DataLoader(load)


def members_by_room(context: ChatContext) -> DataLoader[uuid.UUID, list[uuid.UUID]]:
    async def load(room_ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
        found = await context.services.members_of(room_ids)
        return [found[room_id] for room_id in room_ids]

    return DataLoader(load)


def shared_rooms_by_user(context: ChatContext) -> DataLoader[uuid.UUID, list[RoomRecord]]:
    """A user's rooms as the caller may see them: the ones they share."""

    async def load(user_ids: list[uuid.UUID]) -> list[list[RoomRecord]]:
        caller = require_user_id(context.claims)
        found = await context.services.shared_rooms(caller, user_ids)
        return [found[user_id] for user_id in user_ids]

    return DataLoader(load)


def message_pages(context: ChatContext) -> DataLoader[PageKey, list[MessageRecord]]:
    async def load(keys: list[PageKey]) -> list[list[MessageRecord]]:
        groups: dict[tuple[int, int | None], list[uuid.UUID]] = defaultdict(list)
        for room_id, size, before in keys:
            groups[(size, before)].append(room_id)
        pages: dict[PageKey, list[MessageRecord]] = {}
        for (size, before), room_ids in groups.items():
            found = await context.services.newest_messages(room_ids, size, before)
            for room_id in room_ids:
                pages[(room_id, size, before)] = found[room_id]
        return [pages[key] for key in keys]

    return DataLoader(load)
