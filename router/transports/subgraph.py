"""Sending GraphQL requests to subgraphs: the ``SubgraphTransport`` seam and its HTTP version.

The executor only knows the protocol: it hands over the caller's verified ``Claims``, and the
transport signs them for the subgraph at send time (``InternalClaimsSigner``), so every fetch
carries a fresh token for that subgraph's audience however long the request has been running.
The HTTP transport keeps one pooled keep-alive client for the router's lifetime and turns every
way a subgraph can fail (refused, slow, non-2xx, not JSON, not a GraphQL response) into a
``SubgraphFetchError`` with a stable code.

The client is aiohttp's: under concurrent load httpx's connection pool spends its time
reassigning connections (300 requests/s at 16 concurrent requests where aiohttp does 3000,
same machine; see docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

import aiohttp
import orjson

from contracts.internal_claims import Claims, InternalClaimsSigner
from router.errors import (
    SUBREQUEST_HTTP_ERROR,
    SUBREQUEST_MALFORMED_RESPONSE,
    SUBREQUEST_TIMEOUT,
)
from router.transports.endpoints import Endpoints


class SubgraphFetchError(Exception):
    """A subgraph gave no usable GraphQL response."""

    def __init__(self, service: str, message: str, code: str) -> None:
        super().__init__(message)
        self.service = service
        self.message = message
        self.code = code


class SubgraphTransport(Protocol):
    async def send(self, service: str, body: Mapping[str, Any], claims: Claims) -> dict[str, Any]:
        """Send one GraphQL request body on behalf of ``claims``; return the parsed response
        (data and/or errors)."""
        ...


class HttpSubgraphTransport:
    """GraphQL over HTTP POST with a shared connection pool, opened on first use (aiohttp
    sessions belong to the event loop that runs them)."""

    def __init__(
        self, urls: Mapping[str, str], *, signer: InternalClaimsSigner, timeout_s: float = 30.0
    ) -> None:
        self.endpoints = Endpoints(urls)
        self.signer = signer
        self.requests: Counter[str] = Counter()
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout,
                connector=aiohttp.TCPConnector(limit=200),
                headers={"content-type": "application/json", "accept": "application/json"},
            )
        return self._session

    async def send(self, service: str, body: Mapping[str, Any], claims: Claims) -> dict[str, Any]:
        self.requests[service] += 1
        headers = self.signer.headers_for(service, claims)
        payload = orjson.dumps(body)
        failure: Exception | None = None
        for url in self.endpoints.attempts(service):
            try:
                async with self._client().post(url, data=payload, headers=headers) as response:
                    content = await response.read()
                return _graphql_response(service, response.status, response.reason or "", content)
            except aiohttp.ClientConnectorError as exc:  # nothing was sent: the next instance
                failure = exc
            except TimeoutError as exc:
                raise SubgraphFetchError(
                    service, f"Timed out waiting for subgraph '{service}'.", SUBREQUEST_TIMEOUT
                ) from exc
            except aiohttp.ClientError as exc:
                failure = exc
                break
        raise SubgraphFetchError(
            service,
            f"HTTP fetch failed from '{service}': {type(failure).__name__}",
            SUBREQUEST_HTTP_ERROR,
        ) from failure

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _graphql_response(service: str, status: int, reason: str, content: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(content)
    except orjson.JSONDecodeError:
        payload = None
    is_graphql = isinstance(payload, dict) and ("data" in payload or "errors" in payload)
    if is_graphql and isinstance(payload, dict):
        return payload
    if not 200 <= status < 300:
        raise SubgraphFetchError(
            service,
            f"HTTP fetch failed from '{service}': {status} {reason}",
            SUBREQUEST_HTTP_ERROR,
        )
    raise SubgraphFetchError(
        service,
        f"Subgraph '{service}' returned an invalid GraphQL response.",
        SUBREQUEST_MALFORMED_RESPONSE,
    )
