"""Profiles' per-request DataLoaders: one SQL query per batch of keys."""

from __future__ import annotations

import uuid

from aiodataloader import DataLoader

from subgraphs.common.context import SubgraphContext
from subgraphs.profiles.store import ProfileRecord, Profiles

ProfilesContext = SubgraphContext[Profiles]


def profiles_by_user_id(context: ProfilesContext) -> DataLoader[uuid.UUID, ProfileRecord | None]:
    async def load(user_ids: list[uuid.UUID]) -> list[ProfileRecord | None]:
        found = await context.services.by_user_ids(user_ids)
        return [found.get(user_id) for user_id in user_ids]

    return DataLoader(load)
