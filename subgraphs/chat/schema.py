"""Chat's GraphQL schema: rooms, messages, live room events; ``User.rooms`` on the entity.

Only members see a room: everything under ``Room`` is reached through a membership check
(``room``, ``User.rooms`` as shared rooms, a message's room), and a non-member gets FORBIDDEN
whether or not the room exists. ``User`` stubs (members, authors) are completed by identity
and profiles through the router.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from subgraphs.chat import validation
from subgraphs.chat.broadcast import (
    MemberLeft,
    MessageAdded,
    MessageDeleted,
    MessageEdited,
    RoomSignal,
    Typing,
)
from subgraphs.chat.errors import not_a_member, not_allowed_on_message
from subgraphs.chat.loaders import (
    ChatContext,
    caller_memberships,
    members_by_room,
    message_pages,
    rooms_by_id,
    shared_rooms_by_user,
)
from subgraphs.chat.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.chat.records import MessageRecord, RoomRecord
from subgraphs.common.auth import require_user_id
from subgraphs.common.errors import BadUserInput
from subgraphs.common.federation import build_schema

ChatInfo = Info[ChatContext, None]


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID

    @strawberry.federation.field(
        authenticated=True,
        description="The user's rooms that the caller is also in (all of them for the caller).",
    )
    async def rooms(self, info: ChatInfo) -> list[Room]:
        require_user_id(info.context.claims)
        user_id = validation.parse_id(self.id)
        if user_id is None:
            return []
        records = await info.context.loader(shared_rooms_by_user).load(user_id)
        return [Room.from_record(record) for record in records]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)

    @classmethod
    def of(cls, user_id: uuid.UUID) -> User:
        return cls(id=strawberry.ID(str(user_id)))


@strawberry.type(description="Relay page information.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class MessageEdge:
    node: Message
    cursor: str


@strawberry.type(description="A room's history, newest first.")
class MessageConnection:
    edges: list[MessageEdge]
    page_info: PageInfo


@strawberry.federation.type(authenticated=True, description="A chat room; only members see it.")
class Room:
    id: strawberry.ID
    name: str
    created_at: datetime
    archived_at: datetime | None = strawberry.field(
        description="Set once archived: the room is read-only from then on."
    )
    creator_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Who created the room (the one who may archive it).")
    def created_by(self) -> User:
        return User.of(self.creator_id)

    @strawberry.field(description="Members, in the order they joined.")
    async def members(self, info: ChatInfo) -> list[User]:
        user_ids = await info.context.loader(members_by_room).load(_uuid(self.id))
        return [User.of(user_id) for user_id in user_ids]

    @strawberry.field(description="History, newest first; `after` pages to older messages.")
    async def messages(
        self, info: ChatInfo, first: int | None = None, after: str | None = None
    ) -> MessageConnection:
        size = page_size(first)
        before = None if after is None else decode_cursor(after)
        loaded = await info.context.loader(message_pages).load((_uuid(self.id), size + 1, before))
        page = loaded[:size]
        edges = [
            MessageEdge(node=Message.from_record(m), cursor=encode_cursor(m.seq)) for m in page
        ]
        return MessageConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(loaded) > size,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @classmethod
    def from_record(cls, record: RoomRecord) -> Room:
        return cls(
            id=strawberry.ID(str(record.id)),
            name=record.name,
            created_at=record.created_at,
            archived_at=record.archived_at,
            creator_id=record.created_by,
        )


@strawberry.federation.type(authenticated=True, description="A message in a room.")
class Message:
    id: strawberry.ID
    body: str
    created_at: datetime
    edited_at: datetime | None
    room_id: strawberry.Private[uuid.UUID]
    author_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def room(self, info: ChatInfo) -> Room:
        record = await info.context.loader(rooms_by_id).load(self.room_id)
        if record is None:  # deleted with its room between two loads
            raise not_a_member()
        return Room.from_record(record)

    @strawberry.field
    def author(self) -> User | None:
        return User.of(self.author_id)

    @classmethod
    def from_record(cls, record: MessageRecord) -> Message:
        return cls(
            id=strawberry.ID(str(record.id)),
            body=record.body,
            created_at=record.created_at,
            edited_at=record.edited_at,
            room_id=record.room_id,
            author_id=record.author_id,
        )


@strawberry.enum(description="What happened in a room.")
class RoomEventKind(Enum):
    MESSAGE_ADDED = "message_added"
    MESSAGE_EDITED = "message_edited"
    MESSAGE_DELETED = "message_deleted"
    TYPING = "typing"


@strawberry.federation.type(
    authenticated=True,
    description=(
        "One live event of a room. `message` is set for MESSAGE_ADDED and MESSAGE_EDITED; "
        "`messageId` for every message event (the only trace of a deleted one); `user` is "
        "the author of a message event or who is typing."
    ),
)
class RoomEvent:
    kind: RoomEventKind
    room_id: strawberry.ID
    message: Message | None
    message_id: strawberry.ID | None
    user: User

    @classmethod
    def from_signal(cls, room_id: uuid.UUID, signal: RoomSignal) -> RoomEvent | None:
        """The client's view of a signal; None for signals clients never see."""
        room = strawberry.ID(str(room_id))
        match signal:
            case MessageAdded(message=m) | MessageEdited(message=m):
                message = Message.from_record(m)
                kind = RoomEventKind(signal.kind)
                return cls(
                    kind=kind, room_id=room, message=message, message_id=message.id,
                    user=User.of(m.author_id),
                )  # fmt: skip
            case MessageDeleted(message=m):
                return cls(
                    kind=RoomEventKind.MESSAGE_DELETED, room_id=room, message=None,
                    message_id=strawberry.ID(str(m.id)), user=User.of(m.author_id),
                )  # fmt: skip
            case Typing(user_id=user_id):
                return cls(
                    kind=RoomEventKind.TYPING, room_id=room, message=None, message_id=None,
                    user=User.of(user_id),
                )  # fmt: skip
            case MemberLeft():
                return None


def _uuid(value: strawberry.ID) -> uuid.UUID:
    return uuid.UUID(str(value))


async def _member_room_id(info: ChatInfo, room_id: strawberry.ID) -> uuid.UUID:
    """The room's id if the caller is a member; FORBIDDEN otherwise (even for no such room)."""
    require_user_id(info.context.claims)
    parsed = validation.parse_id(room_id)
    if parsed is None or not await info.context.loader(caller_memberships).load(parsed):
        raise not_a_member()
    return parsed


def _room_id(room_id: strawberry.ID) -> uuid.UUID:
    parsed = validation.parse_id(room_id)
    if parsed is None:
        raise not_a_member()
    return parsed


@strawberry.type
class Query:
    @strawberry.federation.field(
        authenticated=True, description="A room the caller is a member of (FORBIDDEN otherwise)."
    )
    async def room(self, info: ChatInfo, id: strawberry.ID) -> Room | None:
        room_id = await _member_room_id(info, id)
        record = await info.context.loader(rooms_by_id).load(room_id)
        return None if record is None else Room.from_record(record)


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(authenticated=True, description="A room with the caller in it.")
    async def create_room(self, info: ChatInfo, name: str) -> Room:
        caller = require_user_id(info.context.claims)
        record = await info.context.services.create_room(caller, validation.room_name(name))
        return Room.from_record(record)

    @strawberry.federation.mutation(authenticated=True, description="Any member may rename.")
    async def rename_room(self, info: ChatInfo, room_id: strawberry.ID, name: str) -> Room:
        caller = require_user_id(info.context.claims)
        chat = info.context.services
        record = await chat.rename_room(caller, _room_id(room_id), validation.room_name(name))
        return Room.from_record(record)

    @strawberry.federation.mutation(
        authenticated=True, description="Make the room read-only; only its creator may."
    )
    async def archive_room(self, info: ChatInfo, room_id: strawberry.ID) -> Room:
        caller = require_user_id(info.context.claims)
        return Room.from_record(await info.context.services.archive_room(caller, _room_id(room_id)))

    @strawberry.federation.mutation(
        authenticated=True, description="A member adds another user (nothing if already in)."
    )
    async def add_room_member(
        self, info: ChatInfo, room_id: strawberry.ID, user_id: strawberry.ID
    ) -> Room:
        caller = require_user_id(info.context.claims)
        member = validation.parse_id(user_id)
        if member is None:
            raise BadUserInput("userId is not a user id.")
        record = await info.context.services.add_member(caller, _room_id(room_id), member)
        return Room.from_record(record)

    @strawberry.federation.mutation(
        authenticated=True, description="Leave a room; the caller's live streams of it end."
    )
    async def leave_room(self, info: ChatInfo, room_id: strawberry.ID) -> bool:
        caller = require_user_id(info.context.claims)
        await info.context.services.leave(caller, _room_id(room_id))
        return True

    @strawberry.federation.mutation(authenticated=True)
    async def send_message(self, info: ChatInfo, room_id: strawberry.ID, body: str) -> Message:
        caller = require_user_id(info.context.claims)
        chat = info.context.services
        record = await chat.send(caller, _room_id(room_id), validation.message_body(body))
        return Message.from_record(record)

    @strawberry.federation.mutation(authenticated=True, description="Only the author may edit.")
    async def edit_message(self, info: ChatInfo, id: strawberry.ID, body: str) -> Message:
        caller = require_user_id(info.context.claims)
        message_id = validation.parse_id(id)
        if message_id is None:
            raise not_allowed_on_message()
        record = await info.context.services.edit(caller, message_id, validation.message_body(body))
        return Message.from_record(record)

    @strawberry.federation.mutation(authenticated=True, description="Only the author may delete.")
    async def delete_message(self, info: ChatInfo, id: strawberry.ID) -> bool:
        caller = require_user_id(info.context.claims)
        message_id = validation.parse_id(id)
        if message_id is None:
            raise not_allowed_on_message()
        await info.context.services.delete(caller, message_id)
        return True

    @strawberry.federation.mutation(
        authenticated=True,
        description="Tell the room the caller is typing (a TYPING room event; never stored).",
    )
    async def typing(self, info: ChatInfo, room_id: strawberry.ID) -> bool:
        caller = require_user_id(info.context.claims)
        await info.context.services.typing(caller, _room_id(room_id))
        return True


async def _room_signals(info: ChatInfo, room_id: strawberry.ID) -> AsyncGenerator[RoomSignal, None]:
    """A member's live signals of a room, until they leave it; FORBIDDEN for non-members.

    It subscribes before checking membership, so nothing committed after the check is missed.
    """
    caller = require_user_id(info.context.claims)
    room = _room_id(room_id)
    chat = info.context.services
    async with chat.broadcast.subscribe(room) as signals:
        if not await chat.is_member(caller, room):
            raise not_a_member()
        async for signal in signals:
            if isinstance(signal, MemberLeft) and signal.user_id == caller:
                return
            info.context.clear_loaders()  # each event reads fresh rows
            yield signal


@strawberry.type
class Subscription:
    @strawberry.federation.field(
        is_subscription=True,
        authenticated=True,
        description="New messages of a room, in commit order; members only.",
    )
    async def message_added(
        self, info: ChatInfo, room_id: strawberry.ID
    ) -> AsyncGenerator[Message, None]:
        async for signal in _room_signals(info, room_id):
            if isinstance(signal, MessageAdded):
                yield Message.from_record(signal.message)

    @strawberry.federation.field(
        is_subscription=True,
        authenticated=True,
        description="Everything live in a room: messages added, edited, deleted, typing.",
    )
    async def room_events(
        self, info: ChatInfo, room_id: strawberry.ID
    ) -> AsyncGenerator[RoomEvent, None]:
        async for signal in _room_signals(info, room_id):
            event = RoomEvent.from_signal(_room_id(room_id), signal)
            if event is not None:
                yield event


schema = build_schema(query=Query, mutation=Mutation, subscription=Subscription, types=[User])
