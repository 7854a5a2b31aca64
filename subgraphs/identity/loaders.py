"""Identity's per-request DataLoaders: one SQL query per batch of keys."""

from __future__ import annotations

import uuid

from aiodataloader import DataLoader

from subgraphs.common.context import SubgraphContext
from subgraphs.identity.accounts import Accounts, UserRecord

IdentityContext = SubgraphContext[Accounts]


def _parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def users_by_id(context: IdentityContext) -> DataLoader[str, UserRecord | None]:
    """Users by their GraphQL id; ids that are not UUIDs resolve to None without a query."""

    async def load(ids: list[str]) -> list[UserRecord | None]:
        parsed = [_parse_uuid(key) for key in ids]
        wanted = [user_id for user_id in parsed if user_id is not None]
        found = await context.services.users_by_ids(wanted) if wanted else {}
        return [None if user_id is None else found.get(user_id) for user_id in parsed]

    return DataLoader(load)
