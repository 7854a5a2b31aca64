"""Failed credential attempts, counted per email and per client address in Postgres.

Counting happens before the password is checked, in one atomic upsert: an attempt first
reserves its place in both counters and only then may verify; a success forgives it. So
300 concurrent guesses at one email cannot all slip past the check before the first
failure is recorded, and identity instances share the counts through their database.

Windows are fixed: a counter starts at its first attempt and is reset by the first attempt
after ``window`` has passed. A successful login resets the email's counter (its owner is
back) but only takes its own attempt off the address's counter (one valid account must not
clear the way for stuffing from that address).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import case, delete, func, update
from sqlalchemy.dialects.postgresql import insert

from subgraphs.common.database import Database
from subgraphs.identity.errors import TooManyAttempts
from subgraphs.identity.models import LoginThrottle as Row

Scope = Literal["email", "address"]
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    per_email: int = 5
    """Failures for one email per window: a person mistyping a few times stays well under."""
    per_address: int = 50
    """Failures from one address per window: a classroom behind one NAT must not lock out."""
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved attempt; pass it back to ``succeeded`` when the credentials were right."""

    email_key: str
    address_key: str


class LoginThrottle:
    def __init__(
        self,
        database: Database,
        limits: ThrottleLimits | None = None,
        *,
        clock: Clock | None = None,
        purge_every_s: float = 60.0,
    ) -> None:
        self._database = database
        self.limits = limits or ThrottleLimits()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._purge_every_s = purge_every_s
        self._next_purge = 0.0

    async def reserve(self, email: str, client_address: str) -> Attempt:
        """Count one attempt for ``email`` and ``client_address``; TOO_MANY_ATTEMPTS past a limit.

        ``email`` is whatever identifies the account tried (normalized when it can be), so
        unknown and malformed emails are throttled exactly like existing ones.
        """
        attempt = Attempt(_key("email", email), _key("address", client_address))
        now = self._clock()
        cutoff = now - self.limits.window
        table = Row.__table__
        statement = insert(Row).values(
            [
                {
                    "scope": "address",
                    "key": attempt.address_key,
                    "attempts": 1,
                    "window_started": now,
                },
                {"scope": "email", "key": attempt.email_key, "attempts": 1, "window_started": now},
            ]
        )
        expired = table.c.window_started <= cutoff
        statement = statement.on_conflict_do_update(
            index_elements=[Row.scope, Row.key],
            set_={
                "attempts": case((expired, 1), else_=table.c.attempts + 1),
                "window_started": case((expired, now), else_=table.c.window_started),
            },
        ).returning(Row.scope, Row.attempts)
        async with self._database.sessions.begin() as session:
            counts = {row.scope: row.attempts for row in await session.execute(statement)}
        await self._purge_expired(cutoff)
        if counts["address"] > self.limits.per_address or counts["email"] > self.limits.per_email:
            raise TooManyAttempts()
        return attempt

    async def succeeded(self, attempt: Attempt) -> None:
        """The credentials were right: reset the email, take the attempt off the address."""
        async with self._database.sessions.begin() as session:
            await session.execute(
                delete(Row).where(Row.scope == "email", Row.key == attempt.email_key)
            )
            await session.execute(
                update(Row)
                .where(Row.scope == "address", Row.key == attempt.address_key)
                .values(attempts=func.greatest(Row.attempts - 1, 0))
            )

    async def _purge_expired(self, cutoff: datetime) -> None:
        # At most once a minute per instance: rows of ended windows are as good as absent.
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self._purge_every_s
        async with self._database.sessions.begin() as session:
            await session.execute(delete(Row).where(Row.window_started <= cutoff))


def _key(scope: Scope, value: str) -> str:
    return hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()
