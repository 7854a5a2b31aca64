"""The events package's one error tree; Kafka's own exceptions are mapped at the boundary.

    EventError
    ├── InvalidEvent        a message or payload that is not a valid event (never retried)
    ├── UnknownSchema       no schema for that topic and version in the catalog
    └── PublishFailed       the broker did not acknowledge a record (retry later)

A handler may raise ``Unprocessable`` to send an event to its dead-letter topic at once,
without the retries meant for transient failures.
"""

from __future__ import annotations


class EventError(Exception):
    """Base of every error this package raises on purpose."""


class InvalidEvent(EventError):
    """A record that does not decode to an event, or a payload its schema refuses."""


class UnknownSchema(EventError):
    """The catalog has no schema for a topic, or not that version of it."""


class PublishFailed(EventError):
    """The broker did not acknowledge a record; nothing says it was stored."""


class Unprocessable(Exception):
    """Raised by a handler when retrying cannot help: the event goes to the dead letters."""
