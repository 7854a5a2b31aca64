"""Operation stage: pick the operation the request names and check the transport allows it.

Runs before the limits and validation stages so they measure only the operation that will run;
a GET that names a mutation is refused here with 405, as GraphQL over HTTP requires.
"""

from __future__ import annotations

from router.errors import METHOD_NOT_ALLOWED, RequestError
from router.pipeline.context import RequestContext
from router.planning.operation import select_operation


class SelectOperationStage:
    async def __call__(self, ctx: RequestContext) -> None:
        definition = select_operation(ctx.require_document(), ctx.request.operation_name)
        kind = definition.operation.value
        if kind not in ctx.allowed_kinds:
            raise RequestError(
                f"Can only perform a {kind} operation from a POST request.",
                METHOD_NOT_ALLOWED,
                status=405,
                headers={"allow": "POST"},
            )
        ctx.definition = definition
