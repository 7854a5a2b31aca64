"""Chat's branch of the error tree (see ``subgraphs.common.errors``)::

ServiceError
└── RoomArchived      ROOM_ARCHIVED

A non-member asking about a room gets the shared ``Forbidden`` whether or not the room
exists, and so does anyone asking about a message they may not see or change.
"""

from __future__ import annotations

from subgraphs.common.errors import Forbidden, ServiceError


class RoomArchived(ServiceError):
    """The room is read-only: no messages, edits or new members."""

    code = "ROOM_ARCHIVED"
    default_message = "The room is archived."


def not_a_member() -> Forbidden:
    return Forbidden("Not a member of this room (or no such room).")


def not_allowed_on_message() -> Forbidden:
    return Forbidden("Only the author may change a message in a room they are a member of.")
