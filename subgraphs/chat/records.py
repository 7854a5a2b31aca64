"""What the store returns and the broadcast carries: plain frozen rows, no ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from subgraphs.chat.models import Message, Room


@dataclass(frozen=True, slots=True)
class RoomRecord:
    id: uuid.UUID
    name: str
    created_by: uuid.UUID
    created_at: datetime
    archived_at: datetime | None

    @classmethod
    def from_model(cls, room: Room) -> RoomRecord:
        return cls(room.id, room.name, room.created_by, room.created_at, room.archived_at)


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: uuid.UUID
    seq: int
    room_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def from_model(cls, message: Message) -> MessageRecord:
        return cls(
            message.id,
            message.seq,
            message.room_id,
            message.author_id,
            message.body,
            message.created_at,
            message.edited_at,
        )

    def event_payload(self) -> dict[str, Any]:
        """The payload fields of a ``chat.messages`` v1 event (the envelope adds its own)."""
        return {
            "message_id": str(self.id),
            "room_id": str(self.room_id),
            "author_id": str(self.author_id),
            "body": self.body,
        }
