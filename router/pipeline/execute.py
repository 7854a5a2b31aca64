"""Execute stage: run the plan against subgraphs and answer introspection fields locally.

The executor gets the caller's claims, not signed headers: the transport signs them per
subgraph fetch. Failed fetches never raise: they add entries to ``ctx.errors`` and leave data
missing, which the shape stage turns into nulls. Subscriptions and @defer join as other
execution stages.
"""

from __future__ import annotations

from graphql import ExecutionResult, GraphQLSchema, execute

from router.errors import SUBSCRIPTION_BAD_HEADER, RequestError
from router.execution.executor import PlanExecutor
from router.pipeline.context import RequestContext
from router.planning.operation import Field, Operation
from router.planning.plan import Subscription


class ExecuteStage:
    def __init__(self, schema: GraphQLSchema, executor: PlanExecutor) -> None:
        self.schema = schema
        self.executor = executor

    async def __call__(self, ctx: RequestContext) -> None:
        assert ctx.plan is not None, "the plan stage runs first"
        if ctx.event is not None:  # one event of a subscription, completed by the executor
            ctx.data = ctx.event.data
            ctx.errors.extend(ctx.event.errors)
            return
        if isinstance(ctx.plan.node, Subscription):
            # A stream of events cannot be one JSON response (``RouterEngine.subscribe`` serves
            # streaming transports): refused before any subgraph is asked (Apollo's code).
            raise RequestError(
                "A subscription needs a streaming response (graphql-transport-ws, GraphQL "
                "over SSE or multipart/mixed); it cannot be answered with a single JSON one.",
                SUBSCRIPTION_BAD_HEADER,
                status=406,
            )
        state = await self.executor.execute(ctx.plan, ctx.variables, ctx.claims)
        ctx.data = state.data
        ctx.errors.extend(state.errors)
        keys = introspection_keys(ctx.require_operation())
        if keys:
            answers = self._introspect(ctx)
            ctx.data.update({key: answers.get(key) for key in keys})

    def _introspect(self, ctx: RequestContext) -> dict[str, object]:
        result = execute(
            self.schema,
            ctx.require_document(),
            variable_values=dict(ctx.variables),
            operation_name=ctx.request.operation_name,
        )
        if not isinstance(result, ExecutionResult):  # introspection resolvers are synchronous
            return {}
        return result.data if isinstance(result.data, dict) else {}


def introspection_keys(operation: Operation) -> set[str]:
    """Response keys of root ``__schema``/``__type`` fields, answered by the router itself."""
    keys: set[str] = set()
    stack = list(operation.selections)
    while stack:
        selection = stack.pop()
        if isinstance(selection, Field):
            if selection.name in ("__schema", "__type"):
                keys.add(selection.response_key)
        else:
            stack.extend(selection.selections)
    return keys
