"""Several instances of one subgraph: its URL may list them, comma-separated.

``SUBGRAPH_URL_CHAT=http://chat-a:4003/graphql,http://chat-b:4003/graphql`` spreads requests
and subscriptions over both, in turn; a connection that cannot be made moves on to the next
instance (nothing was sent, so even a mutation may), and a subscription whose instance goes
away is reopened by the hub on the next one. One URL behaves as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping


def _same(url: str) -> str:
    return url


class Endpoints:
    """``rewrite`` maps each instance's URL (the WebSocket transport turns http into ws)."""

    def __init__(self, urls: Mapping[str, str], rewrite: Callable[[str], str] = _same) -> None:
        self.instances = {
            name: tuple(rewrite(u.strip()) for u in url.split(",") if u.strip()) or (url,)
            for name, url in urls.items()
        }
        self._turns = {name: itertools.count() for name in self.instances}

    def attempts(self, service: str) -> Iterator[str]:
        """Every instance of ``service`` once, starting with the next one in turn."""
        instances = self.instances[service]
        start = next(self._turns[service]) % len(instances)
        for offset in range(len(instances)):
            yield instances[(start + offset) % len(instances)]
