"""CSRF prevention as Apollo Router does it: run only operations a browser would have preflighted.

A page on another site can make a victim's browser send a "simple" request (a GET, or a POST
of ``text/plain``, ``multipart/form-data`` or ``application/x-www-form-urlencoded``) without
asking our CORS policy first. It cannot read the answer, but the operation would run: with the
victim's cookies, from the victim's network, and its timing observable. A request with any
other ``Content-Type``, or carrying a header that only script can set
(``apollo-require-preflight``, ``x-apollo-operation-name``), is preflighted by every browser,
so CORS decides before anything runs. Everything else is refused with 400 ``CSRF_ERROR``
(Apollo's message and code) before the router parses, authenticates or executes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from router.errors import CSRF_ERROR, RequestError
from router.http.media_types import parse_media_type

NON_PREFLIGHTED_CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
)
DEFAULT_REQUIRED_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")


@dataclass(frozen=True, slots=True)
class CsrfPolicy:
    enabled: bool = True
    required_headers: tuple[str, ...] = DEFAULT_REQUIRED_HEADERS


def is_preflighted(
    content_types: Sequence[str], headers: Mapping[str, str], policy: CsrfPolicy
) -> bool:
    """Whether a browser would have preflighted a request with these headers.

    ``content_types`` are all the request's ``Content-Type`` values: they are combined as
    Fetch combines a header list, so two values, or one that does not parse, count as simple
    (Apollo Router errs the same way).
    """
    if content_types:
        media = parse_media_type(", ".join(v.strip().replace("\t", " ") for v in content_types))
        if media is not None and media.essence not in NON_PREFLIGHTED_CONTENT_TYPES:
            return True
    return any(name in headers for name in policy.required_headers)


def check_csrf(
    content_types: Sequence[str], headers: Mapping[str, str], policy: CsrfPolicy
) -> None:
    """Raise the CSRF refusal unless the request is preflighted (or the check is off)."""
    if not policy.enabled or is_preflighted(content_types, headers, policy):
        return
    raise RequestError(
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF)."
        " Please either specify a 'content-type' header (with a mime-type that is not one of"
        f" {', '.join(NON_PREFLIGHTED_CONTENT_TYPES)}) or provide one of the following headers:"
        f" {', '.join(policy.required_headers)}",
        CSRF_ERROR,
    )


def parse_required_headers(raw: str) -> tuple[str, ...]:
    """``CSRF_REQUIRED_HEADERS``: comma-separated header names, lower-cased as ASGI gives them."""
    names = tuple(name.strip().lower() for name in raw.split(",") if name.strip())
    if not names:
        raise ValueError("CSRF_REQUIRED_HEADERS needs at least one header name")
    return names
