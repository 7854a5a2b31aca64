"""graphql-sse's events and the single connection mode's reservations, without sockets."""

from __future__ import annotations

import pytest

from router.errors import RequestError
from router.protocols.graphql_sse.messages import (
    Event,
    EventParser,
    accepts_event_stream,
    complete_event,
    next_event,
)
from router.protocols.graphql_sse.reservations import Reservations


def test_distinct_mode_events_carry_the_result_and_an_empty_complete() -> None:
    assert next_event({"data": {"a": 1}}) == b'event: next\ndata: {"data":{"a":1}}\n\n'
    assert complete_event() == b"event: complete\ndata: \n\n"  # EventSource needs the data line


def test_single_mode_events_carry_the_operation_id() -> None:
    assert next_event({"data": None}, "op") == (
        b'event: next\ndata: {"id":"op","payload":{"data":null}}\n\n'
    )
    assert complete_event("op") == b'event: complete\ndata: {"id":"op"}\n\n'


def test_the_parser_reads_split_chunks_and_skips_comments() -> None:
    stream = b":\n\n" + next_event({"data": 1}, "a") + b":\n\n" + complete_event()
    parser = EventParser()
    seen = [event for i in range(len(stream)) for event in parser.feed(stream[i : i + 1])]
    assert seen == [Event("next", {"id": "a", "payload": {"data": 1}}), Event("complete", None)]


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ("text/event-stream", True),
        ("application/json, text/event-stream;q=0.5", True),
        ("text/event-stream;q=0", False),
        ("application/json", False),
        (None, False),
        ("*/*", False),  # a wildcard is not a request for a stream
    ],
)
def test_accepting_an_event_stream(accept: str | None, wanted: bool) -> None:
    assert accepts_event_stream(accept) is wanted


def refused(code: str, status: int) -> pytest.RaisesExc[RequestError]:
    return pytest.raises(RequestError, check=lambda e: (e.code, e.status) == (code, status))


def test_a_reservation_opens_one_stream_for_its_subject_only() -> None:
    streams = Reservations()
    token = streams.reserve("u1", now=0).token
    with refused("STREAM_NOT_FOUND", 404):
        streams.connect(token, "u2")  # someone else holding the token
    with refused("STREAM_NOT_FOUND", 404):
        streams.connect("unknown", "u1")
    streams.connect(token, "u1")
    with refused("STREAM_ALREADY_OPEN", 409):
        streams.connect(token, "u1")


def test_operations_need_a_unique_id_and_stop_with_the_stream() -> None:
    streams = Reservations(max_operations=2)
    token = streams.reserve("", now=0).token
    with refused("BAD_REQUEST", 400):
        streams.start(token, "", None)
    streams.start(token, "", "a")
    with refused("OPERATION_ALREADY_EXISTS", 409):
        streams.start(token, "", "a")
    streams.start(token, "", "b")
    with refused("TOO_MANY_OPERATIONS", 429):
        streams.start(token, "", "c")
    assert streams.stop(token, "", "a") is True
    assert streams.finish(token, "a") is False  # stopped by the client: no complete event
    assert streams.finish(token, "b") is True
    streams.start(token, "", "c")
    assert streams.disconnect(token) == {"c"}
    with refused("STREAM_NOT_FOUND", 404):
        streams.start(token, "", "d")


def test_unconnected_reservations_expire_and_are_bounded_per_subject() -> None:
    streams = Reservations(max_reservations=2, ttl_s=30)
    first = streams.reserve("u1", now=0).token
    streams.connect(streams.reserve("u1", now=10).token, "u1")
    with refused("TOO_MANY_STREAMS", 429):
        streams.reserve("u1", now=20)
    streams.reserve("u2", now=20)  # a budget per subject
    assert streams.expire(now=31) == [first]  # the connected one stays
    streams.reserve("u1", now=31)
