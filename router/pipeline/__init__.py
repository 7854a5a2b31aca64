"""The router's request pipeline, one module per stage, in the order a request flows:

    receive (receive.py, called by router/http: body and URL limits) -> the GraphQLRequest
    rate_limit   token buckets per client address and per user (when configured)
    persisted    automatic persisted queries; safelist
    parse        token and nesting budgets; identical sibling selections merged
    select       the operation to run; GET may only run queries
    limits       depth, height, aliases, root fields, expanded selections, directives
    validate     against the API schema (introspection off in production)
    demand_control  static cost from @cost/@listSize, refused past the maximum
    variables    coercion
    normalize    fragments inlined once, @skip/@include decided
    authorize    @authenticated / @requiresScopes / @policy: denied fields taken out
    plan         query plan, cached by the normalized operation
    execute      subgraph fetches, introspection answered locally
    shape        null propagation, denied fields answered null, response body

``router.engine`` writes the list down; each stage is a callable on a ``RequestContext``
(``context.py``) and is tested in process with an in-memory subgraph transport.
"""

from __future__ import annotations

from collections.abc import Sequence

from router.errors import RequestError
from router.pipeline.context import GraphQLResponse, RequestContext, Stage


async def run_pipeline(stages: Sequence[Stage], ctx: RequestContext) -> GraphQLResponse:
    """Run ``stages`` in order until one answers; a refusal becomes a GraphQL error body."""
    try:
        for stage in stages:
            await stage(ctx)
            if ctx.response is not None:
                return ctx.response
    except RequestError as exc:
        return refusal(exc)
    raise AssertionError("no stage answered the request")


def refusal(error: RequestError) -> GraphQLResponse:
    return GraphQLResponse({"errors": [error.to_dict()]}, error.status, error.headers)
