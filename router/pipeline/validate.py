"""Validation stage: the document against the API schema, cached by text.

With introspection switched off (production), ``__schema``/``__type`` are refused here with
``INTROSPECTION_DISABLED``; ``__typename`` stays allowed, as clients need it.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
    validate,
)

from router.errors import GRAPHQL_VALIDATION_FAILED, INTROSPECTION_DISABLED, RequestError
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.planning.cache import BoundedCache


class ValidateStage:
    def __init__(
        self,
        schema: GraphQLSchema,
        offload: CpuOffload,
        cache_bytes: int,
        *,
        introspection: bool = True,
    ) -> None:
        self.schema = schema
        self.offload = offload
        self.cache: BoundedCache[RequestError | bool] = BoundedCache(cache_bytes)
        self.rules = tuple(specified_rules)
        if not introspection:
            self.rules += (NoSchemaIntrospectionCustomRule,)

    async def __call__(self, ctx: RequestContext) -> None:
        verdict = self.cache.get(ctx.query)
        if verdict is None:
            document = ctx.require_document()
            verdict = await self.offload.run(len(ctx.query), self._verdict, document)
            self.cache.put(ctx.query, verdict, weight=len(ctx.query) + 64)
        if isinstance(verdict, RequestError):
            raise verdict

    def _verdict(self, document: DocumentNode) -> RequestError | bool:
        try:
            errors = validate(self.schema, document, self.rules)
        except RecursionError:
            return RequestError("The document nests too deeply.", GRAPHQL_VALIDATION_FAILED)
        if not errors:
            return True
        first = errors[0]
        code = GRAPHQL_VALIDATION_FAILED
        if "introspection" in first.message and "disabled" in first.message:
            code = INTROSPECTION_DISABLED
        return RequestError(first.message, code, locations=locations(first))


def locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]
