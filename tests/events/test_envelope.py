"""Envelopes: what a producer writes decodes to the same event; anything else decodes to a
clear ``EventError``, never a crash."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from events.catalog import SchemaCatalog
from events.envelope import Envelope, decode
from events.errors import EventError, InvalidEvent, UnknownSchema
from events.records import EVENT_ID, TRACEPARENT, Record
from events.traceparent import new_traceparent, valid_traceparent

UPLOADED: dict[str, Any] = {
    "file_id": "f-1",
    "owner_id": "u-1",
    "filename": "notes.md",
    "content_type": "text/markdown",
    "size_bytes": 1234,
    "sha256": "ab" * 32,
}


def uploaded(**changes: Any) -> Envelope:
    return Envelope.new("file.uploaded", "f-1", {**UPLOADED, **changes})


def test_an_event_survives_its_wire_form() -> None:
    trace = new_traceparent()
    event = Envelope.new("file.uploaded", "f-1", UPLOADED, traceparent=trace)
    record = event.encode()
    assert (record.topic, record.key) == ("file.uploaded", b"f-1")
    assert record.header(EVENT_ID) == str(event.id).encode()
    assert record.header(TRACEPARENT) == trace.encode()
    back = decode(record)
    assert back == event
    assert dict(back.payload) == UPLOADED
    assert back.schema_version == 1
    assert back.occurred_at.tzinfo is not None


def test_each_event_gets_its_own_id() -> None:
    assert len({uploaded().id for _ in range(100)}) == 100


def test_a_payload_its_schema_refuses_fails_in_the_producer() -> None:
    with pytest.raises(InvalidEvent, match=r"\$\.size_bytes: expected integer, got str"):
        uploaded(size_bytes="big")
    with pytest.raises(InvalidEvent, match=r"\$\.sha256: required"):
        Envelope.new("file.uploaded", "f-1", {k: v for k, v in UPLOADED.items() if k != "sha256"})
    with pytest.raises(InvalidEvent, match="expected integer, got bool"):
        uploaded(size_bytes=True)
    with pytest.raises(InvalidEvent, match="envelope's own"):
        uploaded(event_id="mine")
    with pytest.raises(UnknownSchema):
        Envelope.new("no.such.topic", "k", {})


def test_a_producer_cannot_send_a_malformed_traceparent() -> None:
    with pytest.raises(InvalidEvent, match="traceparent"):
        Envelope.new("file.uploaded", "f-1", UPLOADED, traceparent="00-abc-def-01")


def test_a_malformed_traceparent_header_is_ignored_not_fatal() -> None:
    # W3C Trace Context: a reader drops an invalid traceparent and starts a new trace.
    record = uploaded().encode()
    for bad in (b"garbage", b"\xff\xfe", b"00-" + b"0" * 32 + b"-" + b"1" * 16 + b"-01"):
        event = decode(
            Record(record.topic, record.key, record.value, (*record.headers, (TRACEPARENT, bad)))
        )
        assert event.traceparent is None


def test_the_header_event_id_must_match_the_value() -> None:
    record = uploaded().encode()
    forged = Record(
        record.topic, record.key, record.value, ((EVENT_ID, str(uuid.uuid4()).encode()),)
    )
    with pytest.raises(InvalidEvent, match="event-id"):
        decode(forged)


def _valid_document() -> dict[str, Any]:
    return uploaded().document()


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        (Record("file.uploaded", None, b"{}"), "needs a key and a value"),
        (Record("file.uploaded", b"k", None), "needs a key and a value"),
        (Record("file.uploaded", b"k", b"not json"), "not UTF-8 JSON"),
        (Record("file.uploaded", b"\xff", orjson.dumps(_valid_document())), "not UTF-8 JSON"),
        (Record("file.uploaded", b"k", b"[1, 2]"), "not a JSON object"),
        (Record("file.uploaded", b"k", b'{"schema_version": "1"}'), "schema_version"),
        (Record("file.uploaded", b"k", b'{"schema_version": true}'), "schema_version"),
        (
            Record("file.uploaded", b"k", orjson.dumps({**_valid_document(), "schema_version": 9})),
            "no schema v9",
        ),
        (
            Record("file.uploaded", b"k", orjson.dumps({**_valid_document(), "event_id": "x"})),
            "bad event_id",
        ),
        (
            Record(
                "file.uploaded",
                b"k",
                orjson.dumps({**_valid_document(), "occurred_at": "2026-11-29T10:00:00"}),
            ),
            "no time zone",
        ),
        (Record("unknown.topic", b"k", orjson.dumps(_valid_document())), "unknown.topic"),
    ],
)
def test_bad_records_are_named(record: Record, problem: str) -> None:
    with pytest.raises(EventError, match=problem):
        decode(record)


@pytest.mark.parametrize("seed", range(5))
def test_mangled_records_decode_or_fail_cleanly(seed: int) -> None:
    """Random byte edits, truncations and field swaps of valid records: decode either returns
    an envelope that re-encodes to a valid record or raises ``EventError``, never else."""
    rng = random.Random(seed)
    strange: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], {}, "2026-13-40T99:99:99Z"]
    for _ in range(300):
        record = uploaded(size_bytes=rng.randrange(10**9)).encode()
        value = bytearray(record.value or b"")
        match rng.randrange(4):
            case 0:
                for _ in range(rng.randint(1, 4)):
                    value[rng.randrange(len(value))] = rng.randrange(256)
            case 1:
                del value[rng.randrange(len(value)) :]
            case 2:
                document = orjson.loads(bytes(value))
                document[rng.choice(sorted(document))] = rng.choice(strange)
                value = bytearray(orjson.dumps(document))
            case _:
                document = orjson.loads(bytes(value))
                del document[rng.choice(sorted(document))]
                value = bytearray(orjson.dumps(document))
        try:
            event = decode(Record(record.topic, record.key, bytes(value), record.headers))
        except EventError:
            continue
        assert decode(event.encode()) == event


def test_old_schema_versions_still_decode() -> None:
    base = SchemaCatalog.load()
    v1 = base.schemas["file.uploaded"][1]
    v2 = {**v1, "properties": {**v1["properties"], "language": {"type": "string"}}}
    catalog = SchemaCatalog({"file.uploaded": {1: v1, 2: v2}})
    old = Envelope.new("file.uploaded", "f-1", UPLOADED, catalog=catalog, schema_version=1)
    new = Envelope.new("file.uploaded", "f-1", {**UPLOADED, "language": "en"}, catalog=catalog)
    assert new.schema_version == 2
    assert decode(old.encode(catalog), catalog).schema_version == 1
    assert decode(new.encode(catalog), catalog).payload["language"] == "en"


def test_the_catalog_refuses_keywords_it_would_not_check(tmp_path: Any) -> None:
    topic = tmp_path / "t"
    topic.mkdir()
    (topic / "v1.json").write_text('{"type": "object", "properties": {"n": {"minimum": 1}}}')
    with pytest.raises(UnknownSchema, match=r"t/v1\.json\.n: unsupported JSON Schema keywords"):
        SchemaCatalog.load(tmp_path)


def test_every_committed_schema_loads_and_has_the_envelope_fields() -> None:
    catalog = SchemaCatalog.load()
    assert set(catalog.schemas) >= {"file.uploaded", "file.indexed", "chat.messages"}
    for versions in catalog.schemas.values():
        for schema in versions.values():
            assert {"event_id", "schema_version", "occurred_at"} <= set(schema["required"])


def test_generated_traceparents_are_valid() -> None:
    assert all(valid_traceparent(new_traceparent()) for _ in range(100))
    assert not valid_traceparent("ff-" + "1" * 32 + "-" + "1" * 16 + "-01")
    assert valid_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")


def test_occurred_at_must_be_aware() -> None:
    with pytest.raises(InvalidEvent, match="time zone"):
        Envelope(uuid.uuid4(), "file.uploaded", "k", {}, 1, datetime(2026, 1, 1))
    assert Envelope(uuid.uuid4(), "t", "k", {}, 1, datetime(2026, 1, 1, tzinfo=UTC))
