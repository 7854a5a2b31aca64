"""The rules of a profile update; violations are BAD_USER_INPUT.

``displayName`` 1..80 characters after trimming (stored trimmed, never null); ``bio`` at most
2000 characters; ``avatarUrl`` an absolute http(s) URL of at most 2048 characters. A field
left out is unchanged; ``bio`` and ``avatarUrl`` set to null are cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from subgraphs.common.errors import BadUserInput

MAX_DISPLAY_NAME = 80
MAX_BIO = 2000
MAX_AVATAR_URL = 2048


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """Validated column values to write; absent keys stay as they are."""

    values: dict[str, str | None]


def display_name(value: str | None) -> str:
    trimmed = (value or "").strip()
    if not 1 <= len(trimmed) <= MAX_DISPLAY_NAME:
        raise BadUserInput(f"displayName must be 1 to {MAX_DISPLAY_NAME} characters.")
    return trimmed


def bio(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_BIO:
        raise BadUserInput(f"bio must be at most {MAX_BIO} characters.")
    return value


def avatar_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise BadUserInput("avatarUrl must be an http(s) URL.") from exc
    if (
        len(value) > MAX_AVATAR_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        raise BadUserInput(f"avatarUrl must be an http(s) URL of at most {MAX_AVATAR_URL} chars.")
    return value


_RULES = {"display_name": display_name, "bio": bio, "avatar_url": avatar_url}


def profile_changes(**provided: str | None) -> ProfileChanges:
    """Validate the fields a client sent (``display_name``, ``bio``, ``avatar_url``)."""
    return ProfileChanges(values={name: _RULES[name](value) for name, value in provided.items()})
