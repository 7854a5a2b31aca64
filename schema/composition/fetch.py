"""Gather each subgraph's SDL as supergraph.yaml says, then compose.

A file is read from disk. A running subgraph is asked ``{ _service { sdl } }``; like every
request to a subgraph, that one carries the router's signed ``x-supergraph-claims`` header
(anonymous claims, for that subgraph's audience), since subgraphs refuse requests without it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from contracts import internal_claims
from schema.composition.pipeline import CompositionResult, SubgraphSource, compose
from schema.config import FileSchema, SubgraphConfig, SubgraphUrlSchema, SupergraphConfig
from schema.errors import SchemaSourceError

SDL_QUERY = "{ _service { sdl } }"
DEFAULT_TIMEOUT_S = 10.0


class SdlLoader(Protocol):
    """Where SDL comes from; the real one reads files and asks running subgraphs."""

    async def load(self, subgraph: SubgraphConfig) -> str: ...


class ConfigSdlLoader:
    """Reads ``schema.file`` from disk, fetches ``schema.subgraph_url`` over HTTP."""

    def __init__(self, internal_secret: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._secret = internal_secret
        self._timeout_s = timeout_s

    async def load(self, subgraph: SubgraphConfig) -> str:
        match subgraph.schema:
            case FileSchema(path=path):
                try:
                    return await asyncio.to_thread(path.read_text, encoding="utf-8")
                except OSError as exc:
                    raise SchemaSourceError(subgraph.name, f"cannot read {path}: {exc}") from exc
            case SubgraphUrlSchema(url=url, headers=headers):
                return await self._fetch(subgraph.name, url, headers)

    async def _fetch(self, name: str, url: str, headers: Any) -> str:
        request_headers = {
            **headers,
            internal_claims.HEADER: internal_claims.sign(
                internal_claims.ANONYMOUS, self._secret, service=name
            ),
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.post(
                    url, json={"query": SDL_QUERY}, headers=request_headers
                )
        except httpx.HTTPError as exc:
            raise SchemaSourceError(name, f"cannot fetch SDL from {url}: {exc}") from exc
        if response.status_code != 200:
            raise SchemaSourceError(
                name, f"{url} answered HTTP {response.status_code} to the SDL query"
            )
        return _sdl_from(name, url, response)


def _sdl_from(name: str, url: str, response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError as exc:
        raise SchemaSourceError(name, f"{url} did not answer JSON") from exc
    sdl = ((body.get("data") or {}).get("_service") or {}).get("sdl")
    if not isinstance(sdl, str):
        errors = body.get("errors") if isinstance(body, dict) else None
        raise SchemaSourceError(name, f"{url} returned no SDL (errors: {errors!r})")
    return sdl


async def load_subgraph_sources(
    config: SupergraphConfig, loader: SdlLoader
) -> list[SubgraphSource]:
    """Every subgraph's SDL, loaded concurrently; raises ``SchemaSourceError`` on the first
    one that cannot be had."""
    sdls: Sequence[str] = await asyncio.gather(*(loader.load(s) for s in config.subgraphs))
    return [
        SubgraphSource(s.name, s.routing_url, sdl)
        for s, sdl in zip(config.subgraphs, sdls, strict=True)
    ]


async def compose_from_config(
    config: SupergraphConfig, *, internal_secret: str, loader: SdlLoader | None = None
) -> CompositionResult:
    """Load every subgraph's SDL and compose them."""
    sources = await load_subgraph_sources(config, loader or ConfigSdlLoader(internal_secret))
    return compose(sources)
