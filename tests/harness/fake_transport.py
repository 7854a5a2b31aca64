"""An in-memory subgraph transport for testing router stages without sockets.

Like httpx's ``MockTransport``: a handler gets (service, body) and returns the subgraph's
GraphQL response; every request is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[str, Mapping[str, Any]], dict[str, Any]]


@dataclass
class FakeTransport:
    handler: Handler
    sent: list[tuple[str, Mapping[str, Any], Mapping[str, str]]] = field(default_factory=list)

    async def send(
        self, service: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.sent.append((service, body, headers))
        return self.handler(service, body)


def answer_nothing(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"data": None}
