"""Identity's GraphQL schema: accounts and sessions, and the ``User`` entity it owns."""

from __future__ import annotations

import strawberry
from strawberry.extensions import AddValidationRules
from strawberry.types import Info

from subgraphs.common.auth import require_user_id
from subgraphs.common.errors import Forbidden, Unauthenticated
from subgraphs.common.federation import SubgraphSchema, build_schema
from subgraphs.identity.accounts import IssuedTokens, UserRecord
from subgraphs.identity.credential_fields import credential_fields_rule
from subgraphs.identity.loaders import IdentityContext, users_by_id

IdentityInfo = Info[IdentityContext, None]


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID
    stored_email: strawberry.Private[str]
    owner_is_caller: strawberry.Private[bool] = False
    """True when the caller just proved to be this user (sign up, login, refresh)."""

    @strawberry.field(description="Only the user themself may read it (FORBIDDEN otherwise).")
    def email(self, info: IdentityInfo) -> str | None:
        if self.owner_is_caller or info.context.claims.sub == self.id:
            return self.stored_email
        raise Forbidden("Only the account owner can read its email.")

    @classmethod
    async def resolve_reference(cls, info: IdentityInfo, id: strawberry.ID) -> User | None:
        record = await info.context.loader(users_by_id).load(str(id))
        return None if record is None else cls.from_record(record)

    @classmethod
    def from_record(cls, record: UserRecord, *, owner_is_caller: bool = False) -> User:
        return cls(
            id=strawberry.ID(str(record.id)),
            stored_email=record.email,
            owner_is_caller=owner_is_caller,
        )


@strawberry.type(description="A new session: a short-lived access token and a refresh token.")
class AuthPayload:
    access_token: str = strawberry.field(description="RS256 JWT; send it as a Bearer token.")
    refresh_token: str = strawberry.field(description="Single use; exchange with refreshToken.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    user: User

    @classmethod
    def from_issued(cls, issued: IssuedTokens) -> AuthPayload:
        return cls(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            expires_in=issued.expires_in,
            user=User.from_record(issued.user, owner_is_caller=True),
        )


def client_address(info: IdentityInfo) -> str:
    """The client's address as the router saw it (signed claims), else the peer's."""
    forwarded = info.context.claims.extra.get("client_address")
    if isinstance(forwarded, str) and forwarded:
        return forwarded
    client = getattr(info.context.request, "client", None)
    return client.host if client is not None else "unknown"


@strawberry.type
class Query:
    @strawberry.field(description="The calling user, or null when anonymous.")
    async def me(self, info: IdentityInfo) -> User | None:
        if info.context.claims.sub is None:
            return None
        try:
            user_id = require_user_id(info.context.claims)
        except Unauthenticated:
            return None
        record = await info.context.loader(users_by_id).load(str(user_id))
        return None if record is None else User.from_record(record)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account and start a session.")
    async def sign_up(self, info: IdentityInfo, email: str, password: str) -> AuthPayload:
        issued = await info.context.services.sign_up(email, password, client_address(info))
        return AuthPayload.from_issued(issued)

    @strawberry.mutation(description="Start a session with an email and a password.")
    async def login(self, info: IdentityInfo, email: str, password: str) -> AuthPayload:
        issued = await info.context.services.login(email, password, client_address(info))
        return AuthPayload.from_issued(issued)

    @strawberry.mutation(
        description="Exchange a refresh token for a new session; the old token is revoked."
    )
    async def refresh_token(self, info: IdentityInfo, token: str) -> AuthPayload:
        return AuthPayload.from_issued(await info.context.services.refresh(token))

    @strawberry.federation.mutation(
        authenticated=True,
        description="End a session: revokes the given refresh token and all rotated from it.",
    )
    async def logout(self, info: IdentityInfo, refresh_token: str | None = None) -> bool:
        user_id = require_user_id(info.context.claims)
        await info.context.services.logout(user_id, refresh_token)
        return True


def build_identity_schema(max_credential_fields: int = 1) -> SubgraphSchema:
    """Identity's schema; ``max_credential_fields`` login/signUp fields per operation."""
    rule = credential_fields_rule(max_credential_fields)
    return build_schema(
        query=Query,
        mutation=Mutation,
        types=[User],
        extensions=[lambda: AddValidationRules([rule])],
    )


schema = build_identity_schema()
"""With the default limits; what the SDL is exported from (limits do not change the SDL)."""
