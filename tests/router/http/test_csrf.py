"""Which requests count as preflighted (router/http/csrf.py), in process."""

from __future__ import annotations

import pytest

from router.errors import RequestError
from router.http.csrf import CsrfPolicy, check_csrf, is_preflighted, parse_required_headers

DEFAULT = CsrfPolicy()


@pytest.mark.parametrize(
    ("content_types", "headers"),
    [
        (["application/json"], {}),
        (["application/json; charset=utf-8"], {}),
        (["application/graphql-response+json"], {}),
        (["application/xml"], {}),
        ([], {"apollo-require-preflight": "true"}),
        ([], {"x-apollo-operation-name": "Me"}),
        # what apollo-upload-client sends
        (["multipart/form-data; boundary=----x"], {"apollo-require-preflight": "true"}),
        (["text/plain"], {"x-apollo-operation-name": ""}),
    ],
)
def test_preflighted_requests_pass(content_types: list[str], headers: dict[str, str]) -> None:
    assert is_preflighted(content_types, headers, DEFAULT)
    check_csrf(content_types, headers, DEFAULT)


@pytest.mark.parametrize(
    "content_types",
    [
        [],  # a GET, as an <img> or a link sends it
        ["text/plain"],
        ["text/plain;charset=UTF-8"],  # what fetch() sets for a string body
        ["TEXT/PLAIN ; charset=utf-8"],
        ["multipart/form-data; boundary=----x"],
        ["application/x-www-form-urlencoded"],
        ["application/json", "text/plain"],  # two values do not parse as one type
        ["not a media type"],
    ],
)
def test_simple_requests_are_refused(content_types: list[str]) -> None:
    headers = {"accept": "application/json", "origin": "https://evil.example"}
    assert not is_preflighted(content_types, headers, DEFAULT)
    with pytest.raises(RequestError) as refused:
        check_csrf(content_types, headers, DEFAULT)
    assert (refused.value.status, refused.value.code) == (400, "CSRF_ERROR")
    assert refused.value.message == (
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF)."
        " Please either specify a 'content-type' header (with a mime-type that is not one of"
        " application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide one of"
        " the following headers: x-apollo-operation-name, apollo-require-preflight"
    )


def test_the_required_headers_are_configurable() -> None:
    policy = CsrfPolicy(required_headers=parse_required_headers(" X-My-Client ,"))
    assert policy.required_headers == ("x-my-client",)
    assert is_preflighted([], {"x-my-client": "web"}, policy)
    assert not is_preflighted([], {"apollo-require-preflight": "true"}, policy)
    with pytest.raises(ValueError, match="at least one"):
        parse_required_headers(" , ")


def test_switched_off_nothing_is_refused() -> None:
    check_csrf(["text/plain"], {}, CsrfPolicy(enabled=False))
