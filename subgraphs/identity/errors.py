"""Identity's branch of the error tree (see ``subgraphs.common.errors``)::

ServiceError
├── WeakPassword              WEAK_PASSWORD
├── InvalidCredentials        INVALID_CREDENTIALS
├── InvalidRefreshToken       INVALID_REFRESH_TOKEN
├── TooManyAttempts           TOO_MANY_ATTEMPTS
└── TooManyCredentialFields   TOO_MANY_CREDENTIAL_FIELDS

There is no "email taken": ``signUp`` answers alike for new and existing emails
(docs/security.md, "Account enumeration and credential stuffing").
"""

from __future__ import annotations

from subgraphs.common.errors import ServiceError


class WeakPassword(ServiceError):
    code = "WEAK_PASSWORD"
    default_message = "The password is too weak."


class InvalidCredentials(ServiceError):
    """One message for an unknown email and a wrong password, so neither is revealed."""

    code = "INVALID_CREDENTIALS"
    default_message = "Invalid email or password."


class InvalidRefreshToken(ServiceError):
    code = "INVALID_REFRESH_TOKEN"
    default_message = "The refresh token is invalid, expired or revoked."


class TooManyAttempts(ServiceError):
    """Too many failed credential attempts for this email or from this address, for now."""

    code = "TOO_MANY_ATTEMPTS"
    default_message = "Too many failed attempts; try again later."


class TooManyCredentialFields(ServiceError):
    """An operation asked more login/signUp fields than allowed; refused before any check."""

    code = "TOO_MANY_CREDENTIAL_FIELDS"
    default_message = "Too many login or signUp fields in one operation."
