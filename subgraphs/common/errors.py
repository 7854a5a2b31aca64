"""The one error tree of the subgraphs, and how its errors reach clients.

::

    ServiceError                 code INTERNAL_SERVER_ERROR (base; never shown with its text)
    ├── Unauthenticated          UNAUTHENTICATED
    ├── Forbidden                FORBIDDEN
    ├── BadUserInput             BAD_USER_INPUT
    ├── NotFound                 NOT_FOUND
    └── (per subgraph)           e.g. identity's INVALID_CREDENTIALS, TOO_MANY_ATTEMPTS ...

Resolvers raise these; ``ErrorCodes`` (a schema extension) rewrites every error of a result,
and of each result a subscription streams, so that each carries ``extensions.code``. Request
errors keep their message with GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or (bad
variable values) BAD_USER_INPUT.
Anything else is a bug: the client sees INTERNAL_SERVER_ERROR with a generic message, and
the details stay in the server log.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

INTERNAL_MESSAGE = "Internal server error."


class ServiceError(Exception):
    """An error a client may see: a stable ``code`` and a message safe to show."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    default_message: ClassVar[str] = INTERNAL_MESSAGE

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class Unauthenticated(ServiceError):
    code = "UNAUTHENTICATED"
    default_message = "Authentication required."


class Forbidden(ServiceError):
    code = "FORBIDDEN"
    default_message = "Not allowed."


class BadUserInput(ServiceError):
    code = "BAD_USER_INPUT"
    default_message = "Invalid input."


class NotFound(ServiceError):
    code = "NOT_FOUND"
    default_message = "Not found."


def render_error(error: GraphQLError) -> GraphQLError:
    """Return ``error`` as the client should see it, always with ``extensions.code``."""
    original = error.original_error
    if isinstance(original, ServiceError):
        return _with_code(error, original.message, original.code)
    if isinstance(error, GraphQLSyntaxError):
        return _with_code(error, error.message, "GRAPHQL_PARSE_FAILED")
    if error.path is None and original is None:
        return _with_code(error, error.message, "GRAPHQL_VALIDATION_FAILED")
    if error.path is None and error.nodes and isinstance(original, GraphQLError | ValueError):
        # A variable's value failed coercion: the client's input, not our bug.
        return _with_code(error, error.message, "BAD_USER_INPUT")
    return _with_code(error, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")


def _with_code(error: GraphQLError, message: str, code: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code},
    )


class ErrorCodes(SchemaExtension):
    """Rewrite the errors of each result with ``render_error`` once the operation is done.

    Strawberry logs the original errors (``Schema.process_errors``) before this runs, so the
    server log keeps the stack while the client gets the sanitized form.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [render_error(error) for error in errors]

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """The same for every event of a subscription, before the transport sends it."""
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [render_error(error) for error in errors]  # type: ignore[union-attr]
        yield
