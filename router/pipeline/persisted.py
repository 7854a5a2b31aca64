"""Persisted operations: Apollo's automatic persisted queries (APQ) and a safelist.

The stage turns a request's ``query`` and ``extensions`` into the text to parse, before
parsing, so an operation that is not allowed costs a dictionary lookup.

APQ (``extensions.persistedQuery = {"version": 1, "sha256Hash": ...}``), as Apollo Router:

- hash only: the stored text, or ``PERSISTED_QUERY_NOT_FOUND`` ("PersistedQueryNotFound"). It
  is answered with HTTP 200, as Apollo Router does. Apollo Client's persisted-queries link
  looks for that message or code in a 200 response's errors and in a failed response's parsed
  body alike, then retries with the full text by POST; 200 also suits clients written against
  Apollo Router. The response must not be cached (the error's ``headers``).
- hash and text: the text's SHA-256 must be the hash (else 400
  ``PERSISTED_QUERY_HASH_MISMATCH``, "provided sha does not match query"); then it is stored.
- APQ off: a hash gets ``PERSISTED_QUERY_NOT_SUPPORTED`` (200), and the client stops sending
  hashes.

The store is the router's ``BoundedCache`` weighed in UTF-8 bytes of query text, not entries:
a client registering megabyte documents evicts others sooner, never grows the router. It is
per router instance (a miss costs the client one more round trip).

Safelist (a manifest in Apollo's persisted query manifest format, ``supergraph publish``
writes it from ``schema/operations/``): an operation is accepted by its ``id`` (sent as
``extensions.persistedQuery.sha256Hash``, as Apollo's persisted-queries link does, or as a
top-level ``documentId``) or by a body equal, character for character, to a manifest body.
Exact comparison keeps the check a set lookup with nothing to get wrong; Apollo Router now
also ignores insignificant whitespace, so clients there may reformat; ours must send the
manifest's text or its id. Codes and statuses are Apollo Router's: unknown id 404
``PERSISTED_QUERY_NOT_IN_LIST``, unknown body 403 ``QUERY_NOT_IN_SAFELIST``, a body when
``require_id`` is on 400 ``PERSISTED_QUERY_ID_REQUIRED``, id and body together 400
``CANNOT_SEND_PQ_ID_AND_BODY``. Safelisting and APQ exclude each other, as in Apollo Router:
with APQ any client could register any operation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.persisted import Manifest, parse_manifest
from router.errors import (
    BAD_REQUEST,
    CANNOT_SEND_PQ_ID_AND_BODY,
    PERSISTED_QUERY_HASH_MISMATCH,
    PERSISTED_QUERY_ID_REQUIRED,
    PERSISTED_QUERY_NOT_FOUND,
    PERSISTED_QUERY_NOT_IN_LIST,
    PERSISTED_QUERY_NOT_SUPPORTED,
    QUERY_NOT_IN_SAFELIST,
    RequestError,
)
from router.pipeline.context import RequestContext
from router.planning.cache import BoundedCache

APQ_VERSION = 1
DEFAULT_APQ_MAX_BYTES = 4 * 1024 * 1024
"""4 MiB of query text: about 2,000 operations of 2 KB, more than a set of first-party
clients sends, and a bound on what anonymous registrations can take."""

_NO_STORE = {"cache-control": "private, no-cache, must-revalidate"}


@dataclass(frozen=True, slots=True)
class PersistedConfig:
    """Settings: ``APQ_ENABLED``, ``SAFELIST_PATH``, ``SAFELIST_REQUIRE_ID``, ``APQ_MAX_BYTES``."""

    apq: bool = True
    safelist_path: str | None = None
    require_id: bool = False
    max_bytes: int = DEFAULT_APQ_MAX_BYTES

    def __post_init__(self) -> None:
        if self.apq and self.safelist_path is not None:
            raise ValueError("APQ lets any client register operations: turn it off to safelist")
        if self.require_id and self.safelist_path is None:
            raise ValueError("require_id needs a safelist (SAFELIST_PATH) to look ids up in")
        if self.max_bytes < 1:
            raise ValueError("APQ max_bytes must be at least 1")


class PersistedOperations:
    """The persisted/safelist stage; one per router, shared across requests."""

    def __init__(self, config: PersistedConfig) -> None:
        self.config = config
        self.store: BoundedCache[str] = BoundedCache(config.max_bytes)
        self.manifest: Manifest | None = None
        if config.safelist_path is not None:
            text = Path(config.safelist_path).read_text(encoding="utf-8")
            self.manifest = parse_manifest(text)

    def resolve(
        self,
        query: str | None,
        extensions: Mapping[str, Any],
        document_id: str | None = None,
    ) -> str:
        """The text to parse for a request, or a ``RequestError`` saying why not.

        ``query`` is None when the request carried none (a hash-only APQ request, POST or
        GET); ``document_id`` is a top-level ``documentId`` if the request had one."""
        query = query or None  # an empty ``query=`` parameter is no query
        requested_id = _persisted_hash(extensions)
        if requested_id is None:
            requested_id = document_id
        if self.manifest is not None:
            return self._safelisted(self.manifest, query, requested_id)
        if requested_id is None:
            return _required(query)
        if not self.config.apq:
            raise RequestError(
                "PersistedQueryNotSupported", PERSISTED_QUERY_NOT_SUPPORTED, status=200
            )
        key = requested_id.lower()
        if query is None:
            stored = self.store.get(key)
            if stored is None:
                raise RequestError(
                    "PersistedQueryNotFound",
                    PERSISTED_QUERY_NOT_FOUND,
                    status=200,
                    headers=_NO_STORE,
                )
            return stored
        encoded = query.encode("utf-8")
        if hashlib.sha256(encoded).hexdigest() != key:
            raise RequestError(
                "provided sha does not match query", PERSISTED_QUERY_HASH_MISMATCH, status=400
            )
        self.store.put(key, query, weight=len(encoded))
        return query

    def _safelisted(self, manifest: Manifest, query: str | None, requested_id: str | None) -> str:
        if requested_id is not None:
            if query is not None:
                raise RequestError(
                    "Sending a persisted query ID and a body in the same request is disallowed",
                    CANNOT_SEND_PQ_ID_AND_BODY,
                    status=400,
                )
            body = manifest.by_id.get(requested_id)
            if body is None:
                raise RequestError(
                    f"Persisted query '{requested_id}' not found in the persisted query list",
                    PERSISTED_QUERY_NOT_IN_LIST,
                    status=404,
                    headers=_NO_STORE,
                )
            return body
        text = _required(query)
        if self.config.require_id:
            raise RequestError(
                "This endpoint does not allow freeform GraphQL requests; operations must be "
                "sent by ID in the persisted queries GraphQL extension.",
                PERSISTED_QUERY_ID_REQUIRED,
                status=400,
            )
        if text not in manifest.by_body:
            raise RequestError(
                "The operation body was not found in the persisted query safelist",
                QUERY_NOT_IN_SAFELIST,
                status=403,
                headers=_NO_STORE,
            )
        return text


def _persisted_hash(extensions: Mapping[str, Any]) -> str | None:
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping):
        raise RequestError("extensions.persistedQuery must be an object.", BAD_REQUEST)
    if persisted.get("version") != APQ_VERSION:
        raise RequestError("Unsupported persisted query version.", BAD_REQUEST)
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not sha:
        raise RequestError("extensions.persistedQuery.sha256Hash must be a string.", BAD_REQUEST)
    return sha


def _required(query: str | None) -> str:
    if query is None or not query.strip():
        raise RequestError(
            "Request must contain a 'query' string or a persisted query ID.", BAD_REQUEST
        )
    return query


class PersistedStage:
    """The pipeline stage: before parsing, the text to parse replaces the request's query."""

    def __init__(self, persisted: PersistedOperations) -> None:
        self.persisted = persisted

    async def __call__(self, ctx: RequestContext) -> None:
        ctx.query = self.persisted.resolve(ctx.request.query, ctx.request.extensions)
