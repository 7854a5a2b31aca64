"""Reading and writing profiles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from subgraphs.common.database import Database
from subgraphs.profiles.models import Profile
from subgraphs.profiles.validation import ProfileChanges

DEFAULT_DISPLAY_NAME = "New learner"


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    user_id: uuid.UUID
    display_name: str
    bio: str | None
    avatar_url: str | None
    created_at: datetime

    @classmethod
    def from_model(cls, profile: Profile) -> ProfileRecord:
        return cls(
            user_id=profile.user_id,
            display_name=profile.display_name,
            bio=profile.bio,
            avatar_url=profile.avatar_url,
            created_at=profile.created_at,
        )


class Profiles:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def by_user_ids(self, user_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProfileRecord]:
        """One query for a batch of users (the DataLoader's batch function)."""
        async with self._database.sessions() as session:
            found = await session.scalars(select(Profile).where(Profile.user_id.in_(user_ids)))
            return {profile.user_id: ProfileRecord.from_model(profile) for profile in found}

    async def get_or_create(self, user_id: uuid.UUID) -> ProfileRecord:
        """The user's profile, created with the default display name if missing.

        ``ON CONFLICT DO NOTHING`` makes two concurrent first reads agree on one row.
        """
        async with self._database.sessions.begin() as session:
            await session.execute(
                insert(Profile)
                .values(user_id=user_id, display_name=DEFAULT_DISPLAY_NAME)
                .on_conflict_do_nothing(index_elements=[Profile.user_id])
            )
            profile = await session.scalar(select(Profile).where(Profile.user_id == user_id))
            assert profile is not None  # inserted above or by whoever won the race
            return ProfileRecord.from_model(profile)

    async def upsert(self, user_id: uuid.UUID, changes: ProfileChanges) -> ProfileRecord:
        """Apply ``changes`` to the user's profile, creating it first if needed."""
        inserted = insert(Profile).values(
            user_id=user_id, **{"display_name": DEFAULT_DISPLAY_NAME, **changes.values}
        )
        upserted = inserted.on_conflict_do_update(
            index_elements=[Profile.user_id],
            set_={
                **{name: inserted.excluded[name] for name in changes.values},
                "updated_at": func.now(),
            },
        ).returning(Profile)
        async with self._database.sessions.begin() as session:
            profile = (await session.scalars(upserted)).one()
            return ProfileRecord.from_model(profile)
