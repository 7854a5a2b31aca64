"""Relay cursors over a room's history: opaque strings naming a message's position.

A cursor is ``base64("message:<seq>")``; ``after`` returns strictly older messages, so a
page boundary never repeats or skips a message, even while new ones arrive.
"""

from __future__ import annotations

import base64
import binascii

from subgraphs.common.errors import BadUserInput

DEFAULT_PAGE = 20
MAX_PAGE = 100
_PREFIX = "message:"


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{seq}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_PREFIX):
            return int(text.removeprefix(_PREFIX))
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise BadUserInput("after is not a cursor of this connection.")


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE}.")
    return first
