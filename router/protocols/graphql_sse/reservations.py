"""The single connection mode's bookkeeping: reservations, their one event stream, and the
operations running on it, as plain state (the transport owns queues and tasks).

Rules from PROTOCOL.md, plus two of ours that keep a token from being a bearer capability
for anyone who sees it: a reservation belongs to the subject that made it (another subject
presenting the token is answered as if it did not exist), and a reservation nobody connects
to expires.

- ``PUT`` reserves: 201 with a fresh token; at most ``max_reservations`` per subject.
- ``GET`` with ``Accept: text/event-stream`` and the token opens the stream: 404 for an
  unknown token, 409 when a stream is already open (only one per reservation).
- ``POST`` with the token runs an operation whose id is ``extensions.operationId``: 400
  without one, 409 when it is running already; its results go to the stream (202).
- ``DELETE ?operationId=`` stops one operation: 200 whether or not it still ran.
- The stream closing stops every operation and ends the reservation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from router.errors import BAD_REQUEST, RequestError

STREAM_NOT_FOUND = "STREAM_NOT_FOUND"
STREAM_ALREADY_OPEN = "STREAM_ALREADY_OPEN"
OPERATION_ALREADY_EXISTS = "OPERATION_ALREADY_EXISTS"
TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
TOO_MANY_STREAMS = "TOO_MANY_STREAMS"


@dataclass(slots=True)
class Reservation:
    token: str
    subject: str
    created_at: float
    connected: bool = False
    operations: set[str] = field(default_factory=set)


@dataclass
class Reservations:
    """Every single-connection stream of one router; ``now`` values come from the caller."""

    max_operations: int = 100
    max_reservations: int = 10
    """Per subject (the transport names anonymous callers by address)."""
    ttl_s: float = 30.0
    """How long a reservation waits for its stream."""
    by_token: dict[str, Reservation] = field(default_factory=dict)

    def reserve(self, subject: str, now: float) -> Reservation:
        self.expire(now)
        owned = sum(1 for r in self.by_token.values() if r.subject == subject)
        if owned >= self.max_reservations:
            raise RequestError(
                f"At most {self.max_reservations} event streams may be reserved at once.",
                TOO_MANY_STREAMS,
                status=429,
            )
        reservation = Reservation(secrets.token_urlsafe(24), subject, now)
        self.by_token[reservation.token] = reservation
        return reservation

    def connect(self, token: str | None, subject: str) -> Reservation:
        reservation = self._owned(token, subject)
        if reservation.connected:
            raise RequestError("Stream already open.", STREAM_ALREADY_OPEN, status=409)
        reservation.connected = True
        return reservation

    def disconnect(self, token: str) -> set[str]:
        """The stream went away: the operations to stop."""
        reservation = self.by_token.pop(token, None)
        return set() if reservation is None else reservation.operations

    def start(self, token: str | None, subject: str, operation_id: object) -> Reservation:
        reservation = self._owned(token, subject)
        if not isinstance(operation_id, str) or not operation_id:
            raise RequestError(
                "Operation ID is missing: send it as extensions.operationId.", BAD_REQUEST
            )
        if operation_id in reservation.operations:
            raise RequestError(
                "Operation with ID already exists.", OPERATION_ALREADY_EXISTS, status=409
            )
        if len(reservation.operations) >= self.max_operations:
            raise RequestError(
                f"At most {self.max_operations} operations may run on one event stream.",
                TOO_MANY_OPERATIONS,
                status=429,
            )
        reservation.operations.add(operation_id)
        return reservation

    def stop(self, token: str | None, subject: str, operation_id: str | None) -> bool:
        """A client's ``DELETE``: whether the operation was still running."""
        reservation = self._owned(token, subject)
        if not operation_id:
            raise RequestError("Operation ID is missing: send ?operationId=.", BAD_REQUEST)
        running = operation_id in reservation.operations
        reservation.operations.discard(operation_id)
        return running

    def finish(self, token: str, operation_id: str) -> bool:
        """The operation ended on the server's side: whether to send its ``complete``."""
        reservation = self.by_token.get(token)
        if reservation is None or operation_id not in reservation.operations:
            return False
        reservation.operations.discard(operation_id)
        return True

    def expire(self, now: float) -> list[str]:
        """Drop reservations nobody connected to within ``ttl_s``; their tokens."""
        stale = [
            token
            for token, r in self.by_token.items()
            if not r.connected and now - r.created_at > self.ttl_s
        ]
        for token in stale:
            del self.by_token[token]
        return stale

    def _owned(self, token: str | None, subject: str) -> Reservation:
        reservation = self.by_token.get(token) if token else None
        if reservation is None or reservation.subject != subject:
            raise RequestError("Stream not found.", STREAM_NOT_FOUND, status=404)
        return reservation
