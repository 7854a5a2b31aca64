"""Chat's settings: the common ones, and how live events reach other instances."""

from __future__ import annotations

from typing import Literal

from subgraphs.common.settings import ServiceSettings

Fanout = Literal["local", "kafka"]


class ChatSettings(ServiceSettings):
    chat_fanout: Fanout = "local"
    """``local``: live events reach this instance's subscribers (one instance). ``kafka``:
    messages go through the outbox and ``chat.messages`` to every instance's subscribers."""
