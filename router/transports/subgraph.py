"""Sending GraphQL requests to subgraphs: the ``SubgraphTransport`` seam and its HTTP version.

The executor only knows the protocol. The HTTP transport keeps one pooled keep-alive client
for the router's lifetime and turns every way a subgraph can fail (refused, slow, non-2xx,
not JSON, not a GraphQL response) into a ``SubgraphFetchError`` with a stable code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

import httpx
import orjson

from router.errors import (
    SUBREQUEST_HTTP_ERROR,
    SUBREQUEST_MALFORMED_RESPONSE,
    SUBREQUEST_TIMEOUT,
)


class SubgraphFetchError(Exception):
    """A subgraph gave no usable GraphQL response."""

    def __init__(self, service: str, message: str, code: str) -> None:
        super().__init__(message)
        self.service = service
        self.message = message
        self.code = code


class SubgraphTransport(Protocol):
    async def send(
        self, service: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        """Send one GraphQL request body; return the parsed response (data and/or errors)."""
        ...


class HttpSubgraphTransport:
    """GraphQL over HTTP POST with a shared connection pool."""

    def __init__(self, urls: Mapping[str, str], *, timeout_s: float = 30.0) -> None:
        self.urls = dict(urls)
        self.requests: Counter[str] = Counter()
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=100),
            headers={"content-type": "application/json", "accept": "application/json"},
        )

    async def send(
        self, service: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        self.requests[service] += 1
        try:
            response = await self._client.post(
                self.urls[service], content=orjson.dumps(body), headers=dict(headers)
            )
        except httpx.TimeoutException as exc:
            raise SubgraphFetchError(
                service, f"Timed out waiting for subgraph '{service}'.", SUBREQUEST_TIMEOUT
            ) from exc
        except httpx.HTTPError as exc:
            raise SubgraphFetchError(
                service,
                f"HTTP fetch failed from '{service}': {type(exc).__name__}",
                SUBREQUEST_HTTP_ERROR,
            ) from exc
        return _graphql_response(service, response)

    async def aclose(self) -> None:
        await self._client.aclose()


def _graphql_response(service: str, response: httpx.Response) -> dict[str, Any]:
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        payload = None
    is_graphql = isinstance(payload, dict) and ("data" in payload or "errors" in payload)
    if is_graphql and isinstance(payload, dict):
        return payload
    if not response.is_success:
        raise SubgraphFetchError(
            service,
            f"HTTP fetch failed from '{service}': {response.status_code} {response.reason_phrase}",
            SUBREQUEST_HTTP_ERROR,
        )
    raise SubgraphFetchError(
        service,
        f"Subgraph '{service}' returned an invalid GraphQL response.",
        SUBREQUEST_MALFORMED_RESPONSE,
    )
