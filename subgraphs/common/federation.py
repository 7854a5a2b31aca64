"""How every subgraph builds its Strawberry federation schema.

The federation version is pinned to 2.9, the newest The Guild's composer accepts, so the
committed SDL composes with it and with our own composition alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

import strawberry.federation
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from subgraphs.common.errors import ErrorCodes, ServiceError

FEDERATION_VERSION: Final = "2.9"


class SubgraphSchema(strawberry.federation.Schema):
    """A federation schema that renders errors with codes and logs only unexpected ones."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if not isinstance(error.original_error, ServiceError):
                StrawberryLogger.error(error, execution_context)


def build_schema(
    *,
    query: type | None = None,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Iterable[type] = (),
    extensions: Iterable[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
) -> SubgraphSchema:
    """The schema of one subgraph: federation 2.9 with the shared error rendering."""
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        extensions=[ErrorCodes, *extensions],
        federation_version=FEDERATION_VERSION,
    )
