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
from router.pipeline.parse import DocumentCache, ParserLimits, parse_document
from router.planning.cache import BoundedCache

UNSCREENED = ParserLimits(max_tokens=1 << 30, max_recursion=1 << 30)
"""Re-parsing a document the parse stage accepted needs no budget again."""


class ValidateStage:
    def __init__(
        self,
        schema: GraphQLSchema,
        offload: CpuOffload,
        documents: DocumentCache,
        *,
        introspection: bool = True,
    ) -> None:
        self.schema = schema
        self.offload = offload
        self.documents = documents
        self.cache: BoundedCache[bool] = BoundedCache(documents.entries.capacity)
        self.rules = tuple(specified_rules)
        if not introspection:
            self.rules += (NoSchemaIntrospectionCustomRule,)

    async def __call__(self, ctx: RequestContext) -> None:
        if self.cache.get(ctx.query):
            return
        document = ctx.require_document()
        verdict = await self.offload.run(len(ctx.query), self._verdict, ctx.query, document)
        if isinstance(verdict, RequestError):
            self.documents.refuse(ctx.query, verdict)
            raise verdict.again()
        self.cache.put(ctx.query, verdict, weight=len(ctx.query) + 64)

    def _verdict(self, text: str, document: DocumentNode) -> RequestError | bool:
        try:
            errors = validate(self.schema, document, self.rules)
        except RecursionError:
            return RequestError("The document nests too deeply.", GRAPHQL_VALIDATION_FAILED)
        if not errors:
            return True
        located = parse_document(text, UNSCREENED, with_locations=True)  # to point at the error
        if isinstance(located, DocumentNode):
            errors = validate(self.schema, located, self.rules) or errors
        first = errors[0]
        code = GRAPHQL_VALIDATION_FAILED
        if "introspection" in first.message and "disabled" in first.message:
            code = INTROSPECTION_DISABLED
        return RequestError(first.message, code, locations=locations(first))


def locations(error: GraphQLError) -> list[dict[str, int]] | None:
    if not error.locations:
        return None
    return [{"line": loc.line, "column": loc.column} for loc in error.locations]
