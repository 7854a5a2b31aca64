"""Reading and writing rooms, members and messages; every rule of who may do what.

Writes check membership in the same transaction that changes the rows. Live events go to
the ``RoomBroadcast`` after the commit, while the room's send lock is held, so this instance
publishes a room's events in commit order. A send also locks the room's row and, when
messages fan out over Kafka, writes its ``chat.messages`` event to the outbox in the same
transaction (``events.outbox``: ordered per room by commit), which the relay publishes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from events.envelope import Envelope
from events.outbox import enqueue
from events.topics import CHAT_MESSAGES
from subgraphs.chat.broadcast import (
    MemberLeft,
    MessageAdded,
    MessageDeleted,
    MessageEdited,
    RoomBroadcast,
    Typing,
)
from subgraphs.chat.errors import RoomArchived, not_a_member, not_allowed_on_message
from subgraphs.chat.models import Message, Room, RoomMember, outbox
from subgraphs.chat.records import MessageRecord, RoomRecord
from subgraphs.common.database import Database
from subgraphs.common.errors import Forbidden

LOCK_STRIPES = 64


class RoomLocks:
    """Striped in-process locks: one room's writes and publishes run one at a time."""

    def __init__(self, stripes: int = LOCK_STRIPES) -> None:
        self._locks = [asyncio.Lock() for _ in range(stripes)]

    @asynccontextmanager
    async def hold(self, room_id: uuid.UUID) -> AsyncIterator[None]:
        async with self._locks[room_id.int % len(self._locks)]:
            yield


class Chat:
    def __init__(
        self, database: Database, broadcast: RoomBroadcast, *, outbox_events: bool = False
    ) -> None:
        """``outbox_events``: write each message's ``chat.messages`` event (when a relay
        publishes them: ``CHAT_FANOUT=kafka``); otherwise they would only pile up."""
        self._database = database
        self.broadcast = broadcast
        self._outbox_events = outbox_events
        self._locks = RoomLocks()

    # Reads, each one query for a batch of keys (the DataLoaders' batch functions).

    async def rooms_by_ids(self, room_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RoomRecord]:
        async with self._database.sessions() as session:
            found = await session.scalars(select(Room).where(Room.id.in_(room_ids)))
            return {room.id: RoomRecord.from_model(room) for room in found}

    async def memberships(
        self, user_id: uuid.UUID, room_ids: Sequence[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Which of ``room_ids`` the user is a member of."""
        async with self._database.sessions() as session:
            found = await session.scalars(
                select(RoomMember.room_id).where(
                    RoomMember.user_id == user_id, RoomMember.room_id.in_(room_ids)
                )
            )
            return set(found)

    async def members_of(self, room_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Members per room, in the order they joined."""
        async with self._database.sessions() as session:
            rows = await session.execute(
                select(RoomMember.room_id, RoomMember.user_id)
                .where(RoomMember.room_id.in_(room_ids))
                .order_by(RoomMember.joined_at, RoomMember.user_id)
            )
            members: dict[uuid.UUID, list[uuid.UUID]] = {room_id: [] for room_id in room_ids}
            for room_id, user_id in rows:
                members[room_id].append(user_id)
            return members

    async def shared_rooms(
        self, caller: uuid.UUID, user_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[RoomRecord]]:
        """Each user's rooms that ``caller`` is also a member of (all of them for the caller)."""
        theirs, mine = aliased(RoomMember), aliased(RoomMember)
        async with self._database.sessions() as session:
            rows = await session.execute(
                select(theirs.user_id, Room)
                .join(theirs, theirs.room_id == Room.id)
                .join(mine, (mine.room_id == Room.id) & (mine.user_id == caller))
                .where(theirs.user_id.in_(user_ids))
                .order_by(Room.created_at, Room.id)
            )
            rooms: dict[uuid.UUID, list[RoomRecord]] = {user_id: [] for user_id in user_ids}
            for user_id, room in rows:
                rooms[user_id].append(RoomRecord.from_model(room))
            return rooms

    async def newest_messages(
        self, room_ids: Sequence[uuid.UUID], limit: int, before_seq: int | None
    ) -> dict[uuid.UUID, list[MessageRecord]]:
        """Up to ``limit`` messages per room, newest first, older than ``before_seq``."""
        rank = func.row_number().over(partition_by=Message.room_id, order_by=Message.seq.desc())
        ranked = select(Message, rank.label("rank")).where(Message.room_id.in_(room_ids))
        if before_seq is not None:
            ranked = ranked.where(Message.seq < before_seq)
        subquery = ranked.subquery()
        message = aliased(Message, subquery)
        query = (
            select(message)
            .where(subquery.c.rank <= limit)
            .order_by(message.room_id, message.seq.desc())
        )
        async with self._database.sessions() as session:
            pages: dict[uuid.UUID, list[MessageRecord]] = {room_id: [] for room_id in room_ids}
            for row in await session.scalars(query):
                pages[row.room_id].append(MessageRecord.from_model(row))
            return pages

    async def is_member(self, user_id: uuid.UUID, room_id: uuid.UUID) -> bool:
        return room_id in await self.memberships(user_id, [room_id])

    # Writes.

    async def create_room(self, caller: uuid.UUID, name: str) -> RoomRecord:
        """A new room with its creator as its first member."""
        async with self._database.sessions.begin() as session:
            room = Room(id=uuid.uuid4(), name=name, created_by=caller)
            session.add(room)
            await session.flush()
            session.add(RoomMember(room_id=room.id, user_id=caller))
            await session.flush()
            await session.refresh(room)
            return RoomRecord.from_model(room)

    async def rename_room(self, caller: uuid.UUID, room_id: uuid.UUID, name: str) -> RoomRecord:
        """Any member may rename a room that is not archived."""
        async with self._database.sessions.begin() as session:
            room = await _member_room(session, caller, room_id, writable=True)
            room.name = name
            return RoomRecord.from_model(room)

    async def archive_room(self, caller: uuid.UUID, room_id: uuid.UUID) -> RoomRecord:
        """Only the creator archives; archiving twice keeps the first time."""
        async with self._database.sessions.begin() as session:
            room = await _member_room(session, caller, room_id, writable=False)
            if room.created_by != caller:
                raise Forbidden("Only the room's creator may archive it.")
            if room.archived_at is None:
                room.archived_at = await session.scalar(select(func.now()))
            return RoomRecord.from_model(room)

    async def add_member(
        self, caller: uuid.UUID, room_id: uuid.UUID, user_id: uuid.UUID
    ) -> RoomRecord:
        """A member adds someone (idempotent). Identity is another database: the id is taken
        as given, as every entity reference is."""
        async with self._database.sessions.begin() as session:
            room = await _member_room(session, caller, room_id, writable=True)
            await session.execute(
                insert(RoomMember).values(room_id=room_id, user_id=user_id).on_conflict_do_nothing()
            )
            return RoomRecord.from_model(room)

    async def leave(self, caller: uuid.UUID, room_id: uuid.UUID) -> None:
        async with self._locks.hold(room_id):
            async with self._database.sessions.begin() as session:
                left = await session.scalar(
                    delete(RoomMember)
                    .where(RoomMember.room_id == room_id, RoomMember.user_id == caller)
                    .returning(RoomMember.user_id)
                )
            if left is None:
                raise not_a_member()
            await self.broadcast.publish(room_id, MemberLeft(user_id=caller))

    async def send(self, caller: uuid.UUID, room_id: uuid.UUID, body: str) -> MessageRecord:
        async with self._locks.hold(room_id):
            async with self._database.sessions.begin() as session:
                await _member_room(session, caller, room_id, writable=True, lock=True)
                inserted = await session.scalar(
                    insert(Message)
                    .values(id=uuid.uuid4(), room_id=room_id, author_id=caller, body=body)
                    .returning(Message)
                )
                assert inserted is not None
                record = MessageRecord.from_model(inserted)
                if self._outbox_events:
                    payload = record.event_payload()
                    event = Envelope.new(CHAT_MESSAGES.name, str(room_id), payload)
                    await enqueue(session, outbox, event)
            await self.broadcast.publish(room_id, MessageAdded(record))
            return record

    async def edit(self, caller: uuid.UUID, message_id: uuid.UUID, body: str) -> MessageRecord:
        room_id = await self._room_of_message(message_id)
        async with self._locks.hold(room_id):
            async with self._database.sessions.begin() as session:
                await _own_message(session, caller, message_id, writable=True)
                edited = await session.scalar(
                    update(Message)
                    .where(Message.id == message_id)
                    .values(body=body, edited_at=func.clock_timestamp())
                    .returning(Message)
                )
                assert edited is not None
                record = MessageRecord.from_model(edited)
            await self.broadcast.publish(room_id, MessageEdited(record))
            return record

    async def delete(self, caller: uuid.UUID, message_id: uuid.UUID) -> None:
        room_id = await self._room_of_message(message_id)
        async with self._locks.hold(room_id):
            async with self._database.sessions.begin() as session:
                message = await _own_message(session, caller, message_id, writable=True)
                record = MessageRecord.from_model(message)
                await session.delete(message)
            await self.broadcast.publish(room_id, MessageDeleted(record))

    async def typing(self, caller: uuid.UUID, room_id: uuid.UUID) -> None:
        """Tell the room's subscribers; nothing is written."""
        if not await self.is_member(caller, room_id):
            raise not_a_member()
        await self.broadcast.publish(room_id, Typing(user_id=caller))

    async def _room_of_message(self, message_id: uuid.UUID) -> uuid.UUID:
        async with self._database.sessions() as session:
            room_id = await session.scalar(select(Message.room_id).where(Message.id == message_id))
        if room_id is None:
            raise not_allowed_on_message()
        return room_id


async def _member_room(
    session: AsyncSession,
    caller: uuid.UUID,
    room_id: uuid.UUID,
    *,
    writable: bool,
    lock: bool = False,
) -> Room:
    """The room if ``caller`` is a member (FORBIDDEN otherwise, existing or not); with
    ``writable``, ROOM_ARCHIVED for an archived room; with ``lock``, its row locked."""
    query = (
        select(Room)
        .join(RoomMember, RoomMember.room_id == Room.id)
        .where(Room.id == room_id, RoomMember.user_id == caller)
    )
    room = await session.scalar(query.with_for_update(of=Room) if lock else query)
    if room is None:
        raise not_a_member()
    if writable and room.archived_at is not None:
        raise RoomArchived()
    return room


async def _own_message(
    session: AsyncSession, caller: uuid.UUID, message_id: uuid.UUID, *, writable: bool
) -> Message:
    """The caller's own message in a room they are still a member of, else FORBIDDEN."""
    found = (
        await session.execute(
            select(Message, Room.archived_at)
            .join(Room, Room.id == Message.room_id)
            .join(RoomMember, RoomMember.room_id == Message.room_id)
            .where(
                Message.id == message_id,
                Message.author_id == caller,
                RoomMember.user_id == caller,
            )
            .with_for_update(of=Message)
        )
    ).first()
    if found is None:
        raise not_allowed_on_message()
    message, archived_at = found
    if writable and archived_at is not None:
        raise RoomArchived()
    return message
