"""Variables stage: coerce the request's variables against the operation's definitions.

Subgraphs get the client's JSON values (defaults filled in) for declared variables; coercion
only checks them, so a value travels to subgraphs exactly as the client wrote it.
"""

from __future__ import annotations

from graphql import GraphQLSchema
from graphql.execution.values import get_variable_values

from router.errors import BAD_USER_INPUT, RequestError
from router.pipeline.context import RequestContext
from router.pipeline.validate import locations


class VariablesStage:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    async def __call__(self, ctx: RequestContext) -> None:
        definition = ctx.require_definition()
        inputs = dict(ctx.request.variables)
        try:
            coerced = get_variable_values(
                self.schema, definition.variable_definitions or (), inputs
            )
        except RecursionError as exc:
            raise RequestError("Variable values nest too deeply.", BAD_USER_INPUT) from exc
        if isinstance(coerced, list):
            raise RequestError(coerced[0].message, BAD_USER_INPUT, locations=locations(coerced[0]))
        ctx.variables = {name: inputs.get(name, value) for name, value in coerced.coerced.items()}
