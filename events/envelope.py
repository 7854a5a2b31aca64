"""An event's typed envelope and its Kafka wire form.

The value is one JSON object: the envelope's ``event_id``, ``schema_version`` and
``occurred_at`` beside the payload's fields, validated as a whole against the topic's schema
(``events/schemas/<topic>/v<N>.json`` require those three). The event id, schema version and
traceparent are also headers, so brokers, dead letters and tracing read them without parsing
the value. A record that does not decode raises ``InvalidEvent``, never anything else.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import orjson

from events.catalog import SchemaCatalog, default_catalog
from events.errors import InvalidEvent
from events.records import CONTENT_TYPE, EVENT_ID, SCHEMA_VERSION, TRACEPARENT, Record
from events.traceparent import valid_traceparent

ENVELOPE_FIELDS = ("event_id", "schema_version", "occurred_at")
"""Fields of the value that belong to the envelope; a payload may not use these names."""
_JSON = b"application/json"


@dataclass(frozen=True, slots=True)
class Envelope:
    """One event. ``id`` is assigned once by the producer and survives retries, the outbox,
    dead letters and replays: consumers deduplicate on it."""

    id: uuid.UUID
    topic: str
    key: str
    payload: Mapping[str, Any]
    schema_version: int
    occurred_at: datetime
    traceparent: str | None = None

    def __post_init__(self) -> None:
        clash = set(ENVELOPE_FIELDS) & set(self.payload)
        if clash:
            raise InvalidEvent(f"payload fields {sorted(clash)} are the envelope's own")
        if self.occurred_at.tzinfo is None:
            raise InvalidEvent("occurred_at must carry a time zone")
        if self.traceparent is not None and not valid_traceparent(self.traceparent):
            raise InvalidEvent(f"not a W3C traceparent: {self.traceparent!r}")
        object.__setattr__(self, "payload", MappingProxyType(dict(self.payload)))

    @classmethod
    def new(
        cls,
        topic: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        traceparent: str | None = None,
        schema_version: int | None = None,
        catalog: SchemaCatalog | None = None,
    ) -> Envelope:
        """A new event with a fresh id, now, at the topic's latest schema unless told;
        validated here so a bad payload fails in the caller's code, not in the relay."""
        catalog = catalog or default_catalog()
        envelope = cls(
            id=uuid.uuid4(),
            topic=topic,
            key=key,
            payload=payload,
            schema_version=schema_version or catalog.latest(topic),
            occurred_at=datetime.now(UTC),
            traceparent=traceparent,
        )
        catalog.validate(topic, envelope.schema_version, envelope.document())
        return envelope

    def document(self) -> dict[str, Any]:
        """The JSON object the value carries and the schema describes."""
        return {
            "event_id": str(self.id),
            "schema_version": self.schema_version,
            "occurred_at": self.occurred_at.isoformat(),
            **self.payload,
        }

    def headers(self) -> tuple[tuple[str, bytes], ...]:
        headers = [
            (EVENT_ID, str(self.id).encode()),
            (SCHEMA_VERSION, str(self.schema_version).encode()),
            (CONTENT_TYPE, _JSON),
        ]
        if self.traceparent is not None:
            headers.append((TRACEPARENT, self.traceparent.encode()))
        return tuple(headers)

    def encode(self, catalog: SchemaCatalog | None = None) -> Record:
        """The Kafka record, after validating the document against its schema version."""
        document = self.document()
        (catalog or default_catalog()).validate(self.topic, self.schema_version, document)
        return Record(self.topic, self.key.encode(), orjson.dumps(document), self.headers())


def decode(record: Record, catalog: SchemaCatalog | None = None) -> Envelope:
    """The envelope of ``record``; ``InvalidEvent`` says why when it is not a valid event."""
    catalog = catalog or default_catalog()
    if record.key is None or record.value is None:
        raise InvalidEvent(f"{record.topic}: an event needs a key and a value")
    try:
        key = record.key.decode()
        document = orjson.loads(record.value)
    except (UnicodeDecodeError, orjson.JSONDecodeError) as exc:
        raise InvalidEvent(f"{record.topic}: not UTF-8 JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise InvalidEvent(f"{record.topic}: the value is not a JSON object")
    version = document.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidEvent(f"{record.topic}: schema_version missing or not an integer")
    catalog.validate(record.topic, version, document)
    try:
        event_id = uuid.UUID(document["event_id"])
        occurred_at = datetime.fromisoformat(document["occurred_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidEvent(f"{record.topic}: bad event_id or occurred_at: {exc}") from exc
    header_id = record.header(EVENT_ID)
    if header_id is not None and header_id != str(event_id).encode():
        raise InvalidEvent(f"{record.topic}: header event-id differs from the value's event_id")
    traceparent = _traceparent(record)
    payload = {k: v for k, v in document.items() if k not in ENVELOPE_FIELDS}
    try:
        return Envelope(event_id, record.topic, key, payload, version, occurred_at, traceparent)
    except InvalidEvent as exc:
        raise InvalidEvent(f"{record.topic}: {exc}") from exc


def _traceparent(record: Record) -> str | None:
    raw = record.header(TRACEPARENT)
    if raw is None:
        return None
    try:
        value = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return value if valid_traceparent(value) else None
