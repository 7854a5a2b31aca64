"""Accounts and sessions: sign up, log in, rotate refresh tokens, log out.

Refresh tokens rotate: each use revokes the presented token and issues a new one in the same
family. A token that was already revoked and is presented again means it leaked (the
legitimate client only ever holds the newest one), so the whole family is revoked.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.common.database import Database
from subgraphs.common.errors import BadUserInput
from subgraphs.identity.credentials import Passwords, check_password_policy, normalize_email
from subgraphs.identity.errors import InvalidCredentials, InvalidRefreshToken
from subgraphs.identity.models import RefreshToken, User
from subgraphs.identity.throttle import LoginThrottle
from subgraphs.identity.tokens import AccessTokens, new_refresh_token, refresh_token_hash

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UserRecord:
    id: uuid.UUID
    email: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What a successful sign up, login or refresh hands back to the client."""

    user: UserRecord
    access_token: str
    refresh_token: str
    expires_in: int


class Accounts:
    def __init__(
        self,
        database: Database,
        passwords: Passwords,
        access_tokens: AccessTokens,
        refresh_ttl: timedelta,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._database = database
        self._passwords = passwords
        self._access_tokens = access_tokens
        self._refresh_ttl = refresh_ttl
        self._throttle = throttle or LoginThrottle(database)

    async def sign_up(self, email: str, password: str, client_address: str) -> IssuedTokens:
        """Create an account and start its session; an existing email gets the same answer.

        For an existing email the password is checked: the owner gets a session, anyone
        else a decoy session of a user that does not exist (same shape, same work: one hash
        and one verification on every path), and the attempt counts as a failure. The
        decoy's tokens are useless (``me`` is null, refresh fails): docs/security.md says
        what that does and does not hide.
        """
        normalized = normalize_email(email)
        check_password_policy(password)
        attempt = await self._throttle.reserve(normalized, client_address)
        password_hash = await self._passwords.hash(password)
        async with self._database.sessions.begin() as session:
            inserted = await session.execute(
                insert(User)
                .values(id=uuid.uuid4(), email=normalized, password_hash=password_hash)
                .on_conflict_do_nothing(index_elements=[User.email])
                .returning(User.id, User.email, User.created_at)
            )
            created = inserted.one_or_none()
            existing = None
            if created is not None:
                user = UserRecord(id=created.id, email=created.email, created_at=created.created_at)
                issued = await self._issue(session, user, family_id=uuid.uuid4())
            else:
                found = await session.execute(
                    select(User.id, User.email, User.created_at, User.password_hash).where(
                        User.email == normalized
                    )
                )
                existing = found.one()
        # The new account verifies the dummy hash so that both paths cost the same.
        verified = await self._passwords.verify(
            None if existing is None else existing.password_hash, password
        )
        if existing is None:
            await self._throttle.succeeded(attempt)
            return issued
        if verified:
            await self._throttle.succeeded(attempt)
            user = UserRecord(id=existing.id, email=existing.email, created_at=existing.created_at)
            async with self._database.sessions.begin() as session:
                return await self._issue(session, user, family_id=uuid.uuid4())
        logger.info("sign-up attempted for existing account %s; answered with a decoy", existing.id)
        return self._decoy(normalized)

    async def login(self, email: str, password: str, client_address: str) -> IssuedTokens:
        """A session for the right password; throttled per email and address before checking."""
        try:
            normalized: str | None = normalize_email(email)
        except BadUserInput:
            normalized = None  # answered like an unknown email, after the same work
        attempt = await self._throttle.reserve(normalized or email.strip().lower(), client_address)
        row = None
        if normalized is not None:
            async with self._database.sessions() as session:
                found = await session.execute(
                    select(User.id, User.email, User.created_at, User.password_hash).where(
                        User.email == normalized
                    )
                )
                row = found.one_or_none()
        # Verified outside any transaction: a hash takes long enough to matter for the pool.
        stored_hash = None if row is None else row.password_hash
        if not await self._passwords.verify(stored_hash, password) or row is None:
            raise InvalidCredentials()
        await self._throttle.succeeded(attempt)
        new_hash = None
        if self._passwords.needs_rehash(row.password_hash):
            new_hash = await self._passwords.hash(password)
        async with self._database.sessions.begin() as session:
            if new_hash is not None:
                await session.execute(
                    update(User).where(User.id == row.id).values(password_hash=new_hash)
                )
            user = UserRecord(id=row.id, email=row.email, created_at=row.created_at)
            return await self._issue(session, user, family_id=uuid.uuid4())

    async def refresh(self, token: str) -> IssuedTokens:
        """Rotate ``token``; a reused (already rotated or revoked) token revokes its family."""
        now = datetime.now(UTC)
        async with self._database.sessions.begin() as session:
            found = await session.execute(
                select(RefreshToken)
                .where(RefreshToken.token_hash == refresh_token_hash(token))
                .with_for_update()
            )
            current = found.scalar_one_or_none()
            if current is not None and current.revoked_at is None and current.expires_at > now:
                user = await session.get_one(User, current.user_id)
                record = UserRecord(id=user.id, email=user.email, created_at=user.created_at)
                return await self._issue(
                    session, record, family_id=current.family_id, rotated_from=current.id
                )
            if current is not None and current.revoked_at is not None:
                await _revoke_family(session, current.family_id, now)
        # Raised after the block so a reuse's family revocation is committed, not rolled back.
        raise InvalidRefreshToken()

    async def logout(self, user_id: uuid.UUID, refresh_token: str | None) -> None:
        """Revoke the family of ``refresh_token``, which must belong to ``user_id``."""
        if refresh_token is None:
            return
        async with self._database.sessions.begin() as session:
            found = await session.execute(
                select(RefreshToken.family_id, RefreshToken.user_id).where(
                    RefreshToken.token_hash == refresh_token_hash(refresh_token)
                )
            )
            row = found.one_or_none()
            if row is None or row.user_id != user_id:
                raise InvalidRefreshToken()
            await _revoke_family(session, row.family_id, datetime.now(UTC))

    async def users_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, UserRecord]:
        """One query for a batch of users (the entity DataLoader's batch function)."""
        async with self._database.sessions() as session:
            found = await session.execute(
                select(User.id, User.email, User.created_at).where(User.id.in_(ids))
            )
            return {
                row.id: UserRecord(id=row.id, email=row.email, created_at=row.created_at)
                for row in found
            }

    def _decoy(self, email: str) -> IssuedTokens:
        """A session-shaped answer for a user that does not exist: nothing is stored."""
        decoy = UserRecord(id=uuid.uuid4(), email=email, created_at=datetime.now(UTC))
        return IssuedTokens(
            user=decoy,
            access_token=self._access_tokens.issue(str(decoy.id)),
            refresh_token=new_refresh_token(),
            expires_in=self._access_tokens.ttl_seconds,
        )

    async def _issue(
        self,
        session: AsyncSession,
        user: UserRecord,
        *,
        family_id: uuid.UUID,
        rotated_from: uuid.UUID | None = None,
    ) -> IssuedTokens:
        """Store a new refresh token (replacing ``rotated_from``) and sign an access token."""
        now = datetime.now(UTC)
        token = new_refresh_token()
        token_id = uuid.uuid4()
        await session.execute(
            insert(RefreshToken).values(
                id=token_id,
                user_id=user.id,
                family_id=family_id,
                token_hash=refresh_token_hash(token),
                expires_at=now + self._refresh_ttl,
            )
        )
        if rotated_from is not None:
            await session.execute(
                update(RefreshToken)
                .where(RefreshToken.id == rotated_from)
                .values(revoked_at=now, replaced_by=token_id)
            )
        return IssuedTokens(
            user=user,
            access_token=self._access_tokens.issue(str(user.id)),
            refresh_token=token,
            expires_in=self._access_tokens.ttl_seconds,
        )


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
