"""Identity's branch of the error tree (see ``subgraphs.common.errors``)::

ServiceError
├── EmailTaken             EMAIL_TAKEN
├── WeakPassword           WEAK_PASSWORD
├── InvalidCredentials     INVALID_CREDENTIALS
└── InvalidRefreshToken    INVALID_REFRESH_TOKEN
"""

from __future__ import annotations

from subgraphs.common.errors import ServiceError


class EmailTaken(ServiceError):
    code = "EMAIL_TAKEN"
    default_message = "An account with this email already exists."


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
