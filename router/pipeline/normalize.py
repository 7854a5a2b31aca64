"""Normalize stage: the selected operation as planner input (fragments inlined, @skip/@include
decided), cached by text, operation and the values of the condition variables.

Two requests of one document that differ only in unrelated variables share the normalized
operation, and through it the plan.
"""

from __future__ import annotations

from graphql import OperationDefinitionNode

from router.pipeline.context import RequestContext
from router.planning.cache import BoundedCache
from router.planning.operation import Operation, condition_variables, normalize

OPERATION_BYTES_PER_CHAR = 30
"""Rough: a normalized operation's frozen selections per character of its document text."""


class NormalizeStage:
    def __init__(self, cache_bytes: int, *, max_selections: int) -> None:
        self.max_selections = max_selections
        self.cache: BoundedCache[Operation] = BoundedCache(cache_bytes)
        self._conditions: BoundedCache[tuple[str, ...]] = BoundedCache(cache_bytes)

    async def __call__(self, ctx: RequestContext) -> None:
        definition = ctx.require_definition()
        name = definition.name.value if definition.name else None
        names = self._condition_names(ctx, definition)
        conditions = tuple(ctx.variables.get(v) is True for v in names)
        key = (ctx.query, name, conditions)
        operation = self.cache.get(key)
        if operation is None:
            operation = normalize(
                ctx.require_document(),
                definition,
                ctx.variables,
                max_selections=self.max_selections,
            )
            self.cache.put(key, operation, weight=len(ctx.query) * OPERATION_BYTES_PER_CHAR)
        ctx.operation = operation

    def _condition_names(
        self, ctx: RequestContext, definition: OperationDefinitionNode
    ) -> tuple[str, ...]:
        key = (ctx.query, ctx.request.operation_name)
        names = self._conditions.get(key)
        if names is None:
            names = tuple(condition_variables(definition, ctx.require_document()))
            self._conditions.put(key, names, weight=len(ctx.query) + 64)
        return names
