"""Profiles' GraphQL schema: ``User.profile`` on identity's entity and ``updateProfile``."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.types import Info

from subgraphs.common.auth import require_user_id
from subgraphs.common.errors import BadUserInput, Forbidden
from subgraphs.common.federation import build_schema
from subgraphs.profiles.loaders import ProfilesContext, profiles_by_user_id
from subgraphs.profiles.store import ProfileRecord
from subgraphs.profiles.validation import profile_changes

ProfilesInfo = Info[ProfilesContext, None]
ADMIN_SCOPE = "profiles:admin"


@strawberry.federation.type(
    authenticated=True,
    description="How a user presents themself to others.",
)
class Profile:
    display_name: str
    bio: str | None
    avatar_url: str | None
    created_at: datetime

    @classmethod
    def from_record(cls, record: ProfileRecord) -> Profile:
        return cls(
            display_name=record.display_name,
            bio=record.bio,
            avatar_url=record.avatar_url,
            created_at=record.created_at,
        )


def _user_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID

    @strawberry.federation.field(
        authenticated=True,
        description="Readable by any signed-in user; the caller's own is created on first read.",
    )
    async def profile(self, info: ProfilesInfo) -> Profile | None:
        caller = require_user_id(info.context.claims)
        user_id = _user_id(str(self.id))
        if user_id is None:
            return None
        loader = info.context.loader(profiles_by_user_id)
        record = await loader.load(user_id)
        if record is None and user_id == caller:
            record = await info.context.services.get_or_create(user_id)
            loader.clear(user_id).prime(user_id, record)
        return None if record is None else Profile.from_record(record)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return cls(id=id)


@strawberry.input(description="Fields left out stay unchanged; null clears bio or avatarUrl.")
class UpdateProfileInput:
    display_name: str | None = strawberry.UNSET
    bio: str | None = strawberry.UNSET
    avatar_url: str | None = strawberry.UNSET


@strawberry.type
class Mutation:
    @strawberry.federation.mutation(
        authenticated=True,
        description=(
            "Create or change the caller's profile; another user's (userId) needs the "
            f"{ADMIN_SCOPE} scope."
        ),
    )
    async def update_profile(
        self, info: ProfilesInfo, input: UpdateProfileInput, user_id: strawberry.ID | None = None
    ) -> Profile:
        caller = require_user_id(info.context.claims)
        target = caller
        if user_id is not None:
            parsed = _user_id(str(user_id))
            if parsed is None:
                raise BadUserInput("userId is not a user id.")
            target = parsed
        if target != caller and ADMIN_SCOPE not in info.context.claims.scopes:
            raise Forbidden(f"Changing another user's profile needs the {ADMIN_SCOPE} scope.")
        provided = {
            name: value
            for name, value in (
                ("display_name", input.display_name),
                ("bio", input.bio),
                ("avatar_url", input.avatar_url),
            )
            if value is not strawberry.UNSET
        }
        record = await info.context.services.upsert(target, profile_changes(**provided))
        info.context.loader(profiles_by_user_id).clear(target).prime(target, record)
        return Profile.from_record(record)


schema = build_schema(mutation=Mutation, types=[User])
