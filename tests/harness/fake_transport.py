"""An in-memory subgraph transport for testing router stages without sockets.

Like httpx's ``MockTransport``: a handler gets (service, body) and returns the subgraph's
GraphQL response; every request is recorded with the claims it was sent for (the HTTP
transport would sign them for the subgraph).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
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


@dataclass
class FakeSubscriptions:
    """An in-memory ``SubscriptionTransport``: each subscription yields ``events`` (a result,
    or an exception to raise), then completes; what was opened and closed is recorded."""

    events: list[dict[str, Any] | Exception]
    opened: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    closed: int = 0

    async def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Any
    ) -> AsyncGenerator[dict[str, Any], None]:
        self.opened.append((service, body))
        try:
            for event in self.events:
                if isinstance(event, Exception):
                    raise event
                yield event
        finally:
            self.closed += 1
