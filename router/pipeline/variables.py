"""Variables stage: coerce the request's variables against the operation's definitions.

Subgraphs get the client's JSON values (defaults filled in) for declared variables; coercion
only checks them, so a value travels to subgraphs exactly as the client wrote it.
"""

from __future__ import annotations

from graphql import GraphQLSchema
from graphql.execution.values import get_variable_values

from router.errors import BAD_USER_INPUT, RequestError
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.pipeline.validate import locations


class VariablesStage:
    """Coercion walks every value: a 2 MB list of numbers takes about 270 ms, so a large
    request is coerced off the event loop."""

    def __init__(self, schema: GraphQLSchema, offload: CpuOffload) -> None:
        self.schema = schema
        self.offload = offload

    async def __call__(self, ctx: RequestContext) -> None:
        definition = ctx.require_definition()
        inputs = dict(ctx.request.variables)
        if not definition.variable_definitions:
            ctx.variables = {}
            return
        try:
            coerced = await self.offload.run(
                ctx.request.size,
                get_variable_values,
                self.schema,
                definition.variable_definitions,
                inputs,
            )
        except RecursionError as exc:
            raise RequestError("Variable values nest too deeply.", BAD_USER_INPUT) from exc
        if isinstance(coerced, list):
            raise RequestError(coerced[0].message, BAD_USER_INPUT, locations=locations(coerced[0]))
        ctx.variables = {name: inputs.get(name, value) for name, value in coerced.coerced.items()}
