"""Authorization stage: ``@authenticated``, ``@requiresScopes`` and ``@policy`` enforced on the
normalized operation before it is planned (router/planning/authorization.py has the rules).

What the caller may not read is taken out of ``ctx.operation`` (so no subgraph is asked for
it); the shape stage puts it back as nulls with ``UNAUTHORIZED_FIELD_OR_TYPE`` errors. Policies
are asked of the hook once per request, about the policies this operation names only. The
verdict depends on the operation and the caller's scopes and policies alone, so it is cached.
"""

from __future__ import annotations

from graphql import GraphQLSchema

from router.edge.policies import PolicyHook, caller_for, grant_no_policies
from router.pipeline.context import RequestContext
from router.planning.authorization import Authorized, authorize, required_policies
from router.planning.cache import BoundedCache
from router.supergraph.access import AccessModel


class AuthorizeStage:
    def __init__(
        self,
        model: AccessModel,
        schema: GraphQLSchema,
        cache_bytes: int,
        hook: PolicyHook = grant_no_policies,
    ) -> None:
        self.model = model
        self.schema = schema
        self.hook = hook
        self.cache: BoundedCache[Authorized] = BoundedCache(cache_bytes)
        self._policies: BoundedCache[frozenset[str]] = BoundedCache(cache_bytes)

    async def __call__(self, ctx: RequestContext) -> None:
        if not self.model:
            return  # the supergraph uses none of the directives
        operation = ctx.require_operation()
        required = self._policies.get(operation)
        if required is None:
            required = required_policies(self.model, operation)
            self._policies.put(operation, required, weight=len(ctx.query) + 64)
        caller = await caller_for(ctx.claims, required, self.hook)
        key = (operation, caller)
        authorized = self.cache.get(key)
        if authorized is None:
            authorized = authorize(self.model, self.schema, operation, caller)
            self.cache.put(key, authorized, weight=len(ctx.query) * 30)
        if authorized.denials:
            ctx.requested_operation = operation
            ctx.denials = authorized
            ctx.operation = authorized.operation
