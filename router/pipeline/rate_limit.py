"""Rate-limit stage: the first stage, the caller's user bucket (router/edge/rate_limit.py).

The client address's bucket is asked earlier still, by the HTTP edge before it reads the body
(``RouterApp.graphql``), so a flood from one address costs one lookup per request; the user is
known only once the token is verified. A refusal is 429 with ``Retry-After`` and
``RATE_LIMITED``.
"""

from __future__ import annotations

from router.edge.rate_limit import EdgeRateLimits
from router.pipeline.context import RequestContext


class RateLimitStage:
    def __init__(self, limits: EdgeRateLimits) -> None:
        self.limits = limits

    async def __call__(self, ctx: RequestContext) -> None:
        refusal = await self.limits.check_user(ctx.claims.sub)
        if refusal is not None:
            raise refusal
