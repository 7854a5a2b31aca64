"""Shape stage: project merged data onto the client's selection and build the response body.

Null propagation and value completion follow the GraphQL spec (router/execution/response.py);
``errors`` come first, then ``data``, then any ``extensions`` earlier stages added.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema

from router.execution.response import ResponseShaper, SelectionPlans
from router.pipeline.context import GraphQLResponse, RequestContext
from router.planning.authorization import apply_denials
from router.planning.printer import print_plan


class ShapeStage:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.selection_plans = SelectionPlans()

    async def __call__(self, ctx: RequestContext) -> None:
        shaper = ResponseShaper(self.schema, ctx.errors, self.selection_plans)
        data = shaper.shape(ctx.require_operation(), ctx.data)
        if ctx.denials is not None and ctx.requested_operation is not None:
            data = apply_denials(data, ctx.requested_operation, self.schema, ctx.denials.denials)
            ctx.errors.extend(ctx.denials.errors)
        if shaper.value_completion:  # values a subgraph must not return, nulled (as Apollo)
            ctx.extensions["valueCompletion"] = shaper.value_completion
        body: dict[str, Any] = {}
        if ctx.errors:
            body["errors"] = ctx.errors
        body["data"] = data
        if ctx.expose_plan and ctx.plan is not None:
            ctx.extensions["queryPlan"] = print_plan(ctx.plan)
        if ctx.extensions:
            body["extensions"] = ctx.extensions
        ctx.response = GraphQLResponse(body)
