"""Who the caller is, for the authorization directives: scopes from the token, policies from a hook.

``@authenticated`` and ``@requiresScopes`` are decided from the verified token alone. A
``@policy`` is the deployment's business (a role in a database, a header, the time of day),
so the router asks a :data:`PolicyHook`, once per request, about the policies the operation
names (``router.planning.authorization.required_policies``) and nothing else, as Apollo
Router asks its coprocessor or Rhai script through ``apollo::authorization::required_policies``.

A hook returns the policies it grants; anything it leaves out is denied, like a policy an
Apollo coprocessor leaves ``null``. The default, :func:`grant_no_policies`, grants nothing:
a field behind ``@policy`` stays closed until a deployment says how to open it. For tokens
that list policies themselves, :func:`policies_from_claims` is a ready-made hook.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from contracts.internal_claims import Claims
from router.supergraph.access import Caller

PolicyHook = Callable[[Claims, frozenset[str]], Awaitable[frozenset[str]]]
"""``(claims, required policies) -> granted policies``; called at most once per request."""

POLICIES_CLAIM = "policies"
"""The claim :func:`policies_from_claims` reads: a list of policy names."""


async def grant_no_policies(claims: Claims, required: frozenset[str]) -> frozenset[str]:
    """The default hook: no policy is granted until a deployment configures one."""
    return frozenset()


async def policies_from_claims(claims: Claims, required: frozenset[str]) -> frozenset[str]:
    """Grant the required policies the token lists in its ``policies`` claim.

    The claim must be a list of strings; anything else grants nothing. Anonymous callers have
    no claims, so they get no policy.
    """
    listed = claims.extra.get(POLICIES_CLAIM)
    if not claims.authenticated or not isinstance(listed, list):
        return frozenset()
    return required & frozenset(p for p in listed if isinstance(p, str))


async def caller_for(claims: Claims, required: frozenset[str], hook: PolicyHook) -> Caller:
    """The :class:`Caller` the authorization filter checks, from verified claims.

    The hook is not called when the operation names no policy; what it returns beyond
    ``required`` is ignored, so a careless hook cannot widen access to other fields.
    """
    granted = await hook(claims, required) if required else frozenset()
    return Caller(
        authenticated=claims.authenticated,
        scopes=frozenset(claims.scopes),
        policies=frozenset(granted) & required,
    )
