"""What flows through the request pipeline: the request, the context stages fill in, the answer.

A stage reads what earlier stages put on the ``RequestContext`` and adds its own part; it
refuses a request by raising ``RequestError`` (rendered as a GraphQL ``errors`` body with the
error's status) and ends it early by setting ``response``. Stages never call each other, so a
new one (rate limits, persisted operations, subscriptions, @defer) is one more module and one
more line in the list ``router.engine`` builds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import DocumentNode, OperationDefinitionNode

from contracts.internal_claims import ANONYMOUS, Claims
from router.execution.executor import ExecutionState
from router.planning.authorization import Authorized
from router.planning.operation import Operation
from router.planning.plan import QueryPlan


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    """A request as GraphQL over HTTP defines it; ``query`` may be None when a persisted
    operation stands in for it."""

    query: str | None
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    size: int = 0
    """Bytes the request arrived as: how much work its values can make (variables stage)."""


@dataclass(frozen=True, slots=True)
class GraphQLResponse:
    body: dict[str, Any]
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RequestContext:
    """One request on its way through the stages; each field says which stage fills it."""

    request: GraphQLRequest
    claims: Claims = ANONYMOUS
    """The verified caller (edge authentication, before the pipeline); the transport signs
    it for each subgraph fetch."""
    client_address: str = ""
    """The caller's network address as the transport saw it (rate limits)."""
    allowed_kinds: frozenset[str] = frozenset({"query", "mutation", "subscription"})
    """Operation kinds the transport accepts (GET: queries only)."""
    expose_plan: bool = False
    expose_cost: bool = False
    """The client asked for ``extensions.cost`` (``demand_control.wants_cost``)."""

    query: str = ""
    """The document text (persisted-operation lookup or the request's own ``query``)."""
    document: DocumentNode | None = None
    """Parsed (parse stage), then checked (limits and validation stages)."""
    definition: OperationDefinitionNode | None = None
    """The operation to run (operation selection stage)."""
    variables: dict[str, Any] = field(default_factory=dict)
    """Coerced variable values (variables stage)."""
    operation: Operation | None = None
    """The normalized operation (normalize stage); the planner's input."""
    requested_operation: Operation | None = None
    """The client's operation when authorization took fields out of ``operation``."""
    denials: Authorized | None = None
    """What authorization took out, to answer as nulls with errors (shape stage)."""
    plan: QueryPlan | None = None
    event: ExecutionState | None = None
    """For a subscription: one event's data, already completed by the rest of the plan; the
    execute stage answers with it instead of fetching."""
    data: dict[str, Any] = field(default_factory=dict)
    """Merged subgraph data (execute stage), shaped in place by the shape stage."""
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    """Response ``extensions`` any stage may add to (cost, query plan)."""
    response: GraphQLResponse | None = None
    """Set by the stage that answers (shape), or by one that ends the request early."""

    def require_document(self) -> DocumentNode:
        assert self.document is not None, "the parse stage runs first"
        return self.document

    def require_definition(self) -> OperationDefinitionNode:
        assert self.definition is not None, "the operation stage runs first"
        return self.definition

    def require_operation(self) -> Operation:
        assert self.operation is not None, "the normalize stage runs first"
        return self.operation


class Stage(Protocol):
    """One step of the request pipeline."""

    async def __call__(self, ctx: RequestContext) -> None: ...
