"""An in-memory subgraph transport for testing router stages without sockets.

Like httpx's ``MockTransport``: a handler gets (service, body) and returns the subgraph's
GraphQL response; every request is recorded with the claims it was sent for (the HTTP
transport would sign them for the subgraph).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.internal_claims import Claims

Handler = Callable[[str, Mapping[str, Any]], dict[str, Any]]


@dataclass
class FakeTransport:
    handler: Handler
    sent: list[tuple[str, Mapping[str, Any], Claims]] = field(default_factory=list)

    async def send(self, service: str, body: Mapping[str, Any], claims: Claims) -> dict[str, Any]:
        self.sent.append((service, body, claims))
        return self.handler(service, body)


def answer_nothing(service: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {"data": None}
