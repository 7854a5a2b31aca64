"""Input rules; violations are BAD_USER_INPUT.

A room name is 1..80 characters after trimming (stored trimmed); a message body is
1..4000 characters and not only whitespace (stored as sent).
"""

from __future__ import annotations

import uuid

from subgraphs.common.errors import BadUserInput

MAX_ROOM_NAME = 80
MAX_BODY = 4000


def room_name(value: str) -> str:
    trimmed = value.strip()
    if not 1 <= len(trimmed) <= MAX_ROOM_NAME:
        raise BadUserInput(f"name must be 1 to {MAX_ROOM_NAME} characters.")
    return trimmed


def message_body(value: str) -> str:
    if not value.strip() or len(value) > MAX_BODY:
        raise BadUserInput(f"body must be 1 to {MAX_BODY} characters, not only whitespace.")
    return value


def parse_id(value: str) -> uuid.UUID | None:
    """A GraphQL ID as a UUID, or None when it is not one (treated like an unknown id)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
