"""Plan stage: the query plan of the normalized operation, cached by the operation itself.

Planning is pure CPU; a miss for a large operation is planned off the event loop. A planning
failure (no subgraph combination can answer) is a coded 400, not a 500.
"""

from __future__ import annotations

from router.errors import QUERY_PLANNING_FAILED, PlanningError, RequestError
from router.pipeline.context import RequestContext
from router.pipeline.offload import CpuOffload
from router.planning.cache import BoundedCache
from router.planning.plan import QueryPlan
from router.planning.planner import build_query_plan
from router.supergraph.model import Supergraph

PLAN_BYTES_PER_CHAR = 60
"""Rough: a plan's nodes and subgraph operation texts per character of its document text."""


class PlanStage:
    def __init__(self, supergraph: Supergraph, offload: CpuOffload, cache_bytes: int) -> None:
        self.supergraph = supergraph
        self.offload = offload
        self.cache: BoundedCache[QueryPlan] = BoundedCache(cache_bytes)

    async def __call__(self, ctx: RequestContext) -> None:
        operation = ctx.require_operation()
        plan = self.cache.get(operation)
        if plan is None:
            try:
                plan = await self.offload.run(
                    len(ctx.query), build_query_plan, self.supergraph, operation
                )
            except PlanningError as exc:
                raise RequestError(str(exc), QUERY_PLANNING_FAILED) from exc
            self.cache.put(operation, plan, weight=len(ctx.query) * PLAN_BYTES_PER_CHAR)
        ctx.plan = plan
