"""Media types of GraphQL over HTTP: what a POST body may be, and which response type is sent.

The response type follows the client's ``Accept`` header: ``application/graphql-response+json``
when it ranks first, ``application/json`` for legacy clients, for wildcards and for a missing
header, and 406 when neither is acceptable. The two types differ in status codes: a refusal of
a well-formed request (parse, validation, variables, limits) is 400 under
``application/graphql-response+json`` and 200 under ``application/json``, whose clients cannot
tell a GraphQL body behind a 4xx from an intermediary's error page (GraphQL over HTTP,
"Status Codes", as audited by graphql-http 1.23).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from router.errors import NOT_ACCEPTABLE, UNSUPPORTED_MEDIA_TYPE, RequestError

GRAPHQL_RESPONSE_JSON: Final = "application/graphql-response+json"
APPLICATION_JSON: Final = "application/json"
PARTIAL_SUCCESS: Final = 294
"""GraphQL over HTTP's status for ``data`` with ``errors``, with its own media type only."""
ResponseMediaType = Literal["application/graphql-response+json", "application/json"]


@dataclass(frozen=True, slots=True)
class MediaType:
    """A parsed ``type/subtype; name=value`` (RFC 9110 8.3.1), names lower-cased."""

    essence: str
    params: dict[str, str] = field(default_factory=dict)


def parse_media_type(value: str) -> MediaType | None:
    """``None`` when ``value`` is not one media type (empty, no ``/``, or several)."""
    essence, *raw_params = value.split(";")
    essence = essence.strip().lower()
    kind, slash, subtype = essence.partition("/")
    if not slash or not _is_token(kind) or not _is_token(subtype):
        return None
    params: dict[str, str] = {}
    for raw in raw_params:
        name, equals, param = raw.partition("=")
        name = name.strip().lower()
        if not raw.strip():
            continue
        if not equals or not _is_token(name):
            return None
        params[name] = param.strip().strip('"')
    return MediaType(essence, params)


def negotiate(accept: str | None) -> ResponseMediaType | None:
    """The response type for an ``Accept`` header, or ``None`` when none is acceptable.

    The highest quality wins; between equals the more specific range, then the one listed
    first. Wildcards and a missing header get ``application/json``, what legacy clients read.
    """
    if accept is None or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, int, int] | None = None
    chosen: ResponseMediaType | None = None
    for position, item in enumerate(accept.split(",")):
        media = parse_media_type(item)
        if media is None:
            continue
        quality = _quality(media.params.get("q"))
        if quality <= 0:
            continue
        match media.essence:
            case "application/graphql-response+json":
                candidate: ResponseMediaType = GRAPHQL_RESPONSE_JSON
                specificity = 2
            case "application/json":
                candidate, specificity = APPLICATION_JSON, 2
            case "application/*":
                candidate, specificity = APPLICATION_JSON, 1
            case "*/*":
                candidate, specificity = APPLICATION_JSON, 0
            case _:
                continue
        rank = (quality, specificity, -position)
        if best is None or rank > best:
            best, chosen = rank, candidate
    return chosen


def not_acceptable(accept: str) -> RequestError:
    return RequestError(
        f"None of the media types in 'Accept: {accept[:200]}' can be served; accept"
        f" {GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}.",
        NOT_ACCEPTABLE,
        status=406,
    )


def check_json_body(content_type: str | None) -> None:
    """Refuse a POST body that is not UTF-8 ``application/json`` with 415, before reading it.

    ``multipart/form-data`` (file uploads) and ``application/graphql`` are not served.
    """
    media = parse_media_type(content_type) if content_type else None
    if media is None:
        raise RequestError(
            "A POST needs 'Content-Type: application/json'.", UNSUPPORTED_MEDIA_TYPE, status=415
        )
    if media.essence != APPLICATION_JSON:
        raise RequestError(
            f"Content-Type '{media.essence}' is not supported; send application/json"
            + (
                " (file uploads are not supported)."
                if media.essence.startswith("multipart/")
                else "."
            ),
            UNSUPPORTED_MEDIA_TYPE,
            status=415,
        )
    charset = media.params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise RequestError(
            f"Charset '{charset}' is not supported; send UTF-8.", UNSUPPORTED_MEDIA_TYPE, status=415
        )


def response_status(
    media: ResponseMediaType, status: int, *, has_data: bool, has_errors: bool
) -> int:
    """The HTTP status of a GraphQL response to a well-formed request, per media type.

    ``application/json``: a request error (no ``data``) answered 400 by the pipeline becomes
    200, since the request itself was well-formed; 401, 405, 413, 429, 5xx keep their meaning.
    ``application/graphql-response+json``: a response without ``data`` is never 2xx (a MUST),
    and ``data`` with ``errors`` (partial success) is 294, so intermediaries can count it.
    """
    if media == APPLICATION_JSON:
        return 200 if status == 400 and not has_data else status
    if not has_data:
        return 400 if 200 <= status < 300 else status
    return PARTIAL_SUCCESS if status == 200 and has_errors else status


def content_type(media: ResponseMediaType) -> str:
    return f"{media}; charset=utf-8"


def quality(media: MediaType) -> float:
    """The ``q`` of one item of an ``Accept`` header (1 when absent, 0 when unreadable)."""
    return _quality(media.params.get("q"))


def _quality(raw: str | None) -> float:
    if raw is None:
        return 1.0
    try:
        return min(max(float(raw), 0.0), 1.0)
    except ValueError:
        return 0.0


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz")


def _is_token(text: str) -> bool:
    return bool(text) and all(c in _TOKEN_CHARS for c in text)
