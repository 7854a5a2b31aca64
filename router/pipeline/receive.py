"""Receive stage: an HTTP request -> a ``GraphQLRequest``, within the size limits.

The body is read chunk by chunk and refused with 413 as soon as it passes the limit (a
``Content-Length`` above it is refused before reading anything), so a client cannot make the
router buffer more than the limit. A GET's query string has its own, smaller limit.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from router.errors import BAD_REQUEST, BATCHING_NOT_ENABLED, PAYLOAD_TOO_LARGE, RequestError
from router.pipeline.context import GraphQLRequest


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def from_query_params(request: Request, max_bytes: int) -> GraphQLRequest:
    if len(request.scope.get("query_string", b"")) > max_bytes:
        raise RequestError(
            f"The query string is longer than {max_bytes} bytes; use POST.",
            PAYLOAD_TOO_LARGE,
            status=414,
        )
    params = request.query_params
    query = params.get("query")
    extensions = _json_object(params.get("extensions"), "extensions")
    if not query and "persistedQuery" not in extensions:
        raise RequestError("Missing query parameter 'query'.", BAD_REQUEST)
    variables = _json_object(params.get("variables"), "variables")
    size = len(request.scope.get("query_string", b""))
    operation_name = params.get("operationName") or None
    return GraphQLRequest(query or None, operation_name, variables, extensions, size)


def from_json(body: bytes) -> GraphQLRequest:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise RequestError("Request body is not valid JSON.", BAD_REQUEST) from exc
    if isinstance(payload, list):
        raise RequestError(
            "Batched requests (a JSON array) are not supported: send one operation per request.",
            BATCHING_NOT_ENABLED,
        )
    if not isinstance(payload, dict):
        raise RequestError("Request body must be a JSON object.", BAD_REQUEST)
    query = payload.get("query")
    extensions = _or_empty(payload.get("extensions"))
    if not isinstance(extensions, dict):
        raise RequestError("'extensions' must be an object.", BAD_REQUEST)
    persisted = "persistedQuery" in extensions
    if (query is None and not persisted) or (query is not None and not isinstance(query, str)):
        raise RequestError("Request must contain a 'query' string.", BAD_REQUEST)
    if isinstance(query, str) and not query.strip():
        raise RequestError("Request must contain a 'query' string.", BAD_REQUEST)
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError("'operationName' must be a string.", BAD_REQUEST)
    variables = _or_empty(payload.get("variables"))
    if not isinstance(variables, dict):
        raise RequestError("'variables' must be an object.", BAD_REQUEST)
    return GraphQLRequest(query, operation_name, variables, extensions, len(body))


def _or_empty(value: Any) -> Any:
    """``null`` means absent (GraphQL over HTTP); ``0``, ``false`` and ``""`` do not."""
    return {} if value is None else value


def _json_object(raw: str | None, name: str) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise RequestError(f"'{name}' is not valid JSON.", BAD_REQUEST) from exc
    if not isinstance(value, dict):
        raise RequestError(f"'{name}' must be a JSON object.", BAD_REQUEST)
    return value


def _too_large(max_bytes: int) -> RequestError:
    return RequestError(
        f"Request body is larger than {max_bytes} bytes.", PAYLOAD_TOO_LARGE, status=413
    )
