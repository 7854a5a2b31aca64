"""A Kafka record as this package sends and receives it, and the header names it uses.

The wire form is separate from the typed ``Envelope`` so that dead letters and replays can
move a record that does not decode (that may be why it is a dead letter) byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

EVENT_ID = "event-id"
SCHEMA_VERSION = "schema-version"
CONTENT_TYPE = "content-type"
TRACEPARENT = "traceparent"
"""W3C Trace Context header name, as OpenTelemetry's Kafka instrumentations write it."""

Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)
class Record:
    """One Kafka record: where it goes, its key (the partitioning and ordering unit), value
    bytes and headers (repeated names allowed, as in Kafka)."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers = ()

    def header(self, name: str) -> bytes | None:
        """The last value of header ``name`` (Kafka's convention for repeated headers)."""
        found = [value for key, value in self.headers if key == name]
        return found[-1] if found else None

    def without_headers(self, names: Sequence[str]) -> Headers:
        return tuple((k, v) for k, v in self.headers if k not in names)
