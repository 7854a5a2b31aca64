"""Rate-limit stage: the first stage, so a client past its budget costs one bucket lookup.

Buckets per client address and per user (router/edge/rate_limit.py); a refusal is 429 with
``Retry-After`` and ``RATE_LIMITED``.
"""

from __future__ import annotations

from router.edge.rate_limit import EdgeRateLimits
from router.pipeline.context import RequestContext


class RateLimitStage:
    def __init__(self, limits: EdgeRateLimits) -> None:
        self.limits = limits

    async def __call__(self, ctx: RequestContext) -> None:
        refusal = await self.limits.check(ctx.client_address, ctx.claims.sub)
        if refusal is not None:
            raise refusal
