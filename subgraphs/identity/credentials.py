"""What a valid email and an acceptable password are, and how passwords are hashed.

Password policy (kept simple on purpose): at least 10 and at most 1024 characters, mixing at
least two of these classes: lowercase letters, uppercase letters, digits, anything else.
Hashes are argon2id (argon2-cffi's defaults); hashing runs in a worker thread so the event
loop keeps serving while a hash takes its tens of milliseconds.
"""

from __future__ import annotations

import asyncio
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from subgraphs.common.errors import BadUserInput
from subgraphs.identity.errors import WeakPassword

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    """The stored form of an email (trimmed, lowercased), or BAD_USER_INPUT."""
    normalized = email.strip().lower()
    if len(normalized) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(normalized):
        raise BadUserInput("The email address is malformed.")
    return normalized


def check_password_policy(password: str) -> None:
    """Raise WEAK_PASSWORD unless the password follows the policy in this module's docstring."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadUserInput(f"Passwords are limited to {MAX_PASSWORD_LENGTH} characters.")
    classes = {_character_class(c) for c in password}
    if len(password) < MIN_PASSWORD_LENGTH or len(classes) < 2:
        raise WeakPassword(
            f"Use at least {MIN_PASSWORD_LENGTH} characters mixing at least two of: "
            "lowercase letters, uppercase letters, digits, other characters."
        )


def _character_class(character: str) -> str:
    if character.islower():
        return "lower"
    if character.isupper():
        return "upper"
    if character.isdigit():
        return "digit"
    return "other"


class Passwords:
    """argon2id hashing, with a dummy hash so unknown emails cost as much as wrong passwords."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; with no hash (unknown user) verify a dummy anyway."""
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            self._hasher.verify(password_hash or self._dummy_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
