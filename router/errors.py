"""The router's error tree and the stable ``extensions.code`` values clients see.

    RouterError
     ├── SupergraphError        the supergraph file cannot be served (start-up only)
     └── RequestError           the request is refused before execution (has code, HTTP status)
          ├── parse / validation / variables / unknown operation
          ├── authentication (bad, expired or forged token: 401)
          └── the JWKS is unreachable and the token needs a key we lack (503, Retry-After)

Errors met during execution (a subgraph down, slow or wrong) are not raised: they become
entries in the response's ``errors`` next to partial data, with the codes below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
BAD_REQUEST = "BAD_REQUEST"
OPERATION_NOT_FOUND = "GRAPHQL_UNKNOWN_OPERATION_NAME"
UNAUTHENTICATED = "UNAUTHENTICATED"
JWKS_UNAVAILABLE = "JWKS_UNAVAILABLE"
SUBREQUEST_HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
SUBREQUEST_TIMEOUT = "SUBREQUEST_TIMEOUT"
SUBREQUEST_MALFORMED_RESPONSE = "SUBREQUEST_MALFORMED_RESPONSE"
QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"

# Operation limits (router/pipeline/limits.py), one code per limit so clients and dashboards
# can tell them apart; Apollo Router uses the same names for the four it shares.
MAX_TOKENS_LIMIT = "MAX_TOKENS_LIMIT"
MAX_RECURSION_LIMIT = "MAX_RECURSION_LIMIT"
MAX_DEPTH_LIMIT = "MAX_DEPTH_LIMIT"
MAX_HEIGHT_LIMIT = "MAX_HEIGHT_LIMIT"
MAX_ALIASES_LIMIT = "MAX_ALIASES_LIMIT"
MAX_ROOT_FIELDS_LIMIT = "MAX_ROOT_FIELDS_LIMIT"
MAX_SELECTIONS_LIMIT = "MAX_SELECTIONS_LIMIT"
MAX_DIRECTIVES_LIMIT = "MAX_DIRECTIVES_LIMIT"
MAX_FIELD_MERGES_LIMIT = "MAX_FIELD_MERGES_LIMIT"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
SUBSCRIPTION_BAD_HEADER = "SUBSCRIPTION_BAD_HEADER"
SUBSCRIPTION_LIMIT = "SUBSCRIPTION_LIMIT"
UNAUTHORIZED_FIELD_OR_TYPE = "UNAUTHORIZED_FIELD_OR_TYPE"
RATE_LIMITED = "RATE_LIMITED"


class RouterError(Exception):
    """Base of everything the router raises on purpose."""


class SupergraphError(RouterError):
    """The supergraph SDL is not a supergraph we can serve."""


class RequestError(RouterError):
    """A request refused before execution; rendered as a GraphQL ``errors`` response."""

    def __init__(
        self,
        message: str,
        code: str,
        *,
        status: int = 400,
        locations: list[dict[str, int]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.locations = locations
        self.headers: Mapping[str, str] = headers or {}
        """HTTP headers the refusal needs (``Allow``, ``Retry-After``)."""

    def again(self) -> RequestError:
        """A new instance with the same content (and class), to raise a cached refusal:
        raising one instance repeatedly would keep each raise's traceback (and the request
        it holds) alive in the cache."""
        fresh = type(self).__new__(type(self))
        fresh.__dict__.update(self.__dict__)
        fresh.args = self.args
        return fresh

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message}
        if self.locations:
            error["locations"] = self.locations
        error["extensions"] = {"code": self.code}
        return error


class PlanningError(RouterError):
    """The operation is valid but no subgraph combination can answer it."""


def error_entry(
    message: str, code: str, path: list[str | int] | None = None, **extensions: Any
) -> dict[str, Any]:
    """An entry for the response's ``errors`` list."""
    error: dict[str, Any] = {"message": message}
    if path is not None:
        error["path"] = path
    error["extensions"] = {"code": code, **extensions}
    return error


COST_ESTIMATED_TOO_EXPENSIVE = "COST_ESTIMATED_TOO_EXPENSIVE"
COST_QUERY_PARSE_FAILURE = "COST_QUERY_PARSE_FAILURE"
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
PERSISTED_QUERY_ID_REQUIRED = "PERSISTED_QUERY_ID_REQUIRED"
QUERY_NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"
CANNOT_SEND_PQ_ID_AND_BODY = "CANNOT_SEND_PQ_ID_AND_BODY"

# HTTP conventions (router/http/): refused before any GraphQL work. CSRF_ERROR and
# BATCHING_NOT_ENABLED are Apollo Router's codes for the same refusals.
CSRF_ERROR = "CSRF_ERROR"
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
BATCHING_NOT_ENABLED = "BATCHING_NOT_ENABLED"
