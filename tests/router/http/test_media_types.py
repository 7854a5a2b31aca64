"""Content negotiation and request media types (router/http/media_types.py), in process."""

from __future__ import annotations

from typing import Any

import pytest

from router.errors import RequestError
from router.http.media_types import (
    MediaType,
    check_json_body,
    negotiate,
    parse_media_type,
    response_status,
)

GQL = "application/graphql-response+json"
JSON = "application/json"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("application/json", MediaType("application/json")),
        ("Application/JSON ; Charset=UTF-8", MediaType("application/json", {"charset": "UTF-8"})),
        ('text/plain; charset="utf-8"', MediaType("text/plain", {"charset": "utf-8"})),
        ("application/json;", MediaType("application/json")),
        ("", None),
        ("json", None),
        ("application/json, text/plain", None),
        ("application/json; charset", None),
    ],
)
def test_parse_media_type(value: str, expected: MediaType | None) -> None:
    assert parse_media_type(value) == expected


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (GQL, GQL),
        (JSON, JSON),
        (f"{GQL}, {JSON};q=0.9", GQL),  # what the spec tells clients to send
        (f"{JSON}, {GQL};q=0.5", JSON),
        (f"{JSON}, {GQL}", JSON),  # equal quality: the first listed
        (f"*/*, {GQL}", GQL),  # equal quality: the more specific
        (f"{GQL}; charset=utf-8", GQL),
        (f"{GQL};q=0, */*", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),  # a browser
        ("text/html", None),
        ("application/xml", None),
        (f"{JSON};q=0", None),
        ("nonsense", None),
    ],
)
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON"]
)
def test_json_bodies_are_accepted(content_type: str) -> None:
    check_json_body(content_type)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "text/plain",
        "application/graphql",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
    ],
)
def test_other_bodies_are_415(content_type: str | None) -> None:
    with pytest.raises(RequestError) as refused:
        check_json_body(content_type)
    assert (refused.value.status, refused.value.code) == (415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize(
    ("media", "status", "body", "expected"),
    [
        (JSON, 400, {"errors": [1]}, 200),  # a request error of a well-formed request
        (GQL, 400, {"errors": [1]}, 400),
        (JSON, 200, {"data": {}}, 200),
        (GQL, 200, {"data": {}}, 200),
        (JSON, 200, {"data": {}, "errors": [1]}, 200),
        (GQL, 200, {"data": {}, "errors": [1]}, 294),  # partial success
        (GQL, 200, {"data": None, "errors": [1]}, 294),
        (GQL, 200, {"errors": [1]}, 400),  # no data is never 2xx with this media type (MUST)
        (JSON, 200, {"errors": [1]}, 200),  # e.g. PERSISTED_QUERY_NOT_FOUND, as Apollo answers
        (JSON, 405, {"errors": [1]}, 405),
        (GQL, 401, {"errors": [1]}, 401),
        (JSON, 429, {"errors": [1]}, 429),
        (JSON, 500, {"errors": [1]}, 500),
    ],
)
def test_response_status(media: str, status: int, body: dict[str, Any], expected: int) -> None:
    has_data, has_errors = "data" in body, bool(body.get("errors"))
    assert response_status(media, status, has_data=has_data, has_errors=has_errors) == expected  # type: ignore[arg-type]
