"""Identical upstream subscriptions share one subgraph stream (``StreamHub`` does the
sharing; docs there). ``SubscriptionHub`` wraps a ``SubscriptionTransport`` and is one itself,
so the executor does not know it is there. Upstream subscriptions are identical when they go
to the same subgraph with the same operation, variables and signed claims (so two users never
share a stream, and the subgraph sees each caller as it would alone); a failing upstream is
reopened with backoff.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import orjson

from contracts.internal_claims import Claims
from router.execution.stream_hub import SUBSCRIPTION_CLIENT_TOO_SLOW, HubSettings, StreamHub
from router.transports.subscriptions import SubscriptionTransport

__all__ = ["SUBSCRIPTION_CLIENT_TOO_SLOW", "HubSettings", "SubscriptionHub", "claims_key"]

UPSTREAM_DEFAULTS = HubSettings(reconnect_for_s=30.0)


class SubscriptionHub:
    """A ``SubscriptionTransport`` that multiplexes identical subscriptions."""

    def __init__(
        self, transport: SubscriptionTransport, settings: HubSettings = UPSTREAM_DEFAULTS
    ) -> None:
        self.transport = transport
        self.hub: StreamHub[dict[str, Any]] = StreamHub(settings, name="subgraph")

    @property
    def upstreams(self) -> int:
        return self.hub.streams

    @property
    def upstream_opens(self) -> int:
        return self.hub.opens

    def subscribe(
        self, service: str, body: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[dict[str, Any], None]:
        key = (service, _canonical(body), claims_key(claims))
        return self.hub.subscribe(key, lambda: self.transport.subscribe(service, body, claims))


def claims_key(claims: Claims) -> bytes:
    """Claims as a key: equal exactly when a subgraph would see the same caller."""
    return _canonical({"sub": claims.sub, "scopes": list(claims.scopes), "extra": claims.extra})


def _canonical(value: Mapping[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
