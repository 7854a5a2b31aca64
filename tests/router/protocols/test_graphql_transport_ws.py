"""graphql-transport-ws, server side, without sockets: every rule of graphql-ws's
PROTOCOL.md as the state machine applies it, and generated message sequences checked
against the protocol's invariants."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from router.protocols.graphql_transport_ws.messages import CloseCode, parse_message
from router.protocols.graphql_transport_ws.session import (
    Action,
    Authenticate,
    Close,
    Send,
    ServerSession,
    Start,
    Stop,
)

INIT = '{"type": "connection_init", "payload": {"authorization": "Bearer t"}}'
QUERY = "subscription { messageAdded(roomId: 1) { id } }"


def subscribe(ident: str) -> str:
    return orjson.dumps({"type": "subscribe", "id": ident, "payload": {"query": QUERY}}).decode()


def ready(**options: Any) -> ServerSession:
    session = ServerSession(**options)
    assert session.receive(INIT) == [Authenticate({"authorization": "Bearer t"})]
    assert session.accepted() == [Send({"type": "connection_ack"})]
    return session


def closes(actions: list[Action]) -> tuple[CloseCode, str] | None:
    last = actions[-1] if actions else None
    return (last.code, last.reason) if isinstance(last, Close) else None


def test_init_then_subscribe_starts_and_the_stream_completes_once() -> None:
    session = ready()
    [start] = session.receive(subscribe("1"))
    assert isinstance(start, Start)
    assert start.payload["query"] == QUERY
    assert session.deliver("1", {"data": {"x": 1}}) == [
        Send({"type": "next", "id": "1", "payload": {"data": {"x": 1}}})
    ]
    assert session.finish("1") == [Send({"type": "complete", "id": "1"})]
    assert session.finish("1") == []
    assert session.deliver("1", {"data": {}}) == []


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (subscribe("1"), CloseCode.UNAUTHORIZED),
        ('{"type": "next", "id": "1", "payload": {}}', CloseCode.BAD_REQUEST),
        ("not json", CloseCode.BAD_REQUEST),
        ('{"type": "nope"}', CloseCode.BAD_REQUEST),
        ('{"type": "subscribe", "id": "", "payload": {"query": "{a}"}}', CloseCode.BAD_REQUEST),
        ('{"type": "subscribe", "id": "1", "payload": {}}', CloseCode.BAD_REQUEST),
        ('{"type": "connection_init", "payload": []}', CloseCode.BAD_REQUEST),
    ],
)
def test_what_may_not_come_first_closes_with_its_code(first: str, code: CloseCode) -> None:
    result = closes(ServerSession().receive(first))
    assert result is not None
    assert result[0] == code


def test_a_second_init_closes_4429() -> None:
    session = ready()
    assert closes(session.receive(INIT)) == (
        CloseCode.TOO_MANY_INITIALISATION_REQUESTS,
        "Too many initialisation requests",
    )


def test_no_acknowledgement_in_time_closes_4408_and_after_it_nothing() -> None:
    session = ServerSession()
    session.receive(INIT)  # still authenticating when the timer fires
    assert closes(session.init_timed_out()) == (
        CloseCode.CONNECTION_INITIALISATION_TIMEOUT,
        "Connection initialisation timeout",
    )
    assert ready().init_timed_out() == []


def test_a_rejected_init_closes_4403() -> None:
    session = ServerSession()
    session.receive(INIT)
    assert closes(session.rejected()) == (CloseCode.FORBIDDEN, "Forbidden")


def test_an_id_in_use_closes_4409_and_stops_what_ran() -> None:
    session = ready()
    session.receive(subscribe("a"))
    actions = session.receive(subscribe("a"))
    assert actions == [
        Stop("a"),
        Close(CloseCode.SUBSCRIBER_ALREADY_EXISTS, "Subscriber for a already exists"),
    ]


def test_an_id_may_be_reused_once_completed_by_either_side() -> None:
    session = ready()
    session.receive(subscribe("a"))
    assert session.receive('{"type": "complete", "id": "a"}') == [Stop("a")]
    assert isinstance(session.receive(subscribe("a"))[0], Start)
    session.finish("a")
    assert isinstance(session.receive(subscribe("a"))[0], Start)


def test_ping_is_answered_at_any_time_and_pong_ignored() -> None:
    session = ServerSession()
    assert session.receive('{"type": "ping"}') == [Send({"type": "pong"})]
    assert session.receive('{"type": "pong", "payload": {"x": 1}}') == []
    assert session.state == "awaiting_init"


def test_operations_past_the_connection_limit_get_an_error_not_a_close() -> None:
    session = ready(max_operations=2)
    session.receive(subscribe("1"))
    session.receive(subscribe("2"))
    [error] = session.receive(subscribe("3"))
    assert isinstance(error, Send)
    assert error.message["type"] == "error"
    assert session.state == "ready"
    assert session.active == {"1", "2"}


def test_a_disconnect_stops_everything_still_running() -> None:
    session = ready()
    for ident in ("b", "a", "c"):
        session.receive(subscribe(ident))
    session.finish("c")
    assert session.disconnected() == [Stop("a"), Stop("b")]
    assert session.receive(subscribe("d")) == []


def test_messages_round_trip_through_the_parser() -> None:
    raw = {"type": "subscribe", "id": "7", "payload": {"query": "{a}", "variables": {"v": 1}}}
    assert parse_message(orjson.dumps(raw)) == raw


MESSAGES = [
    INIT,
    '{"type": "connection_init"}',
    '{"type": "ping"}',
    '{"type": "pong"}',
    '{"type": "complete", "id": "1"}',
    '{"type": "complete", "id": "2"}',
    subscribe("1"),
    subscribe("2"),
    '{"type": "next", "id": "1", "payload": {}}',
    "{broken",
]
EVENTS = ["accept", "reject", "timeout", "deliver 1", "finish 1", "fail 2", "disconnect"]


def test_generated_sequences_keep_the_protocols_invariants() -> None:
    """Whatever the order: at most one close and nothing after it; no start before the
    acknowledgement; every started operation is stopped, completed or errored exactly once;
    nothing is sent for an operation after it ended."""
    rng = random.Random(9)
    for _ in range(3000):
        session = ServerSession(max_operations=1)
        actions: list[Action] = []
        for _ in range(rng.randrange(1, 12)):
            if rng.random() < 0.7:
                actions += session.receive(rng.choice(MESSAGES))
                continue
            event = rng.choice(EVENTS)
            match event.split():
                case ["accept"]:
                    actions += session.accepted()
                case ["reject"]:
                    actions += session.rejected()
                case ["timeout"]:
                    actions += session.init_timed_out()
                case ["deliver", ident]:
                    actions += session.deliver(ident, {"data": {}})
                case ["finish", ident]:
                    actions += session.finish(ident)
                case ["fail", ident]:
                    actions += session.fail(ident, [{"message": "x"}])
                case ["disconnect"]:
                    actions += session.disconnected()
        _check_invariants(actions)


def _check_invariants(actions: list[Action]) -> None:
    acknowledged = closed = False
    running: set[str] = set()
    for action in actions:
        assert not closed, f"{action} after the close"
        match action:
            case Close():
                closed = True
            case Send(message={"type": "connection_ack"}):
                acknowledged = True
            case Start(id=ident):
                assert acknowledged
                assert ident not in running
                running.add(ident)
            case Stop(id=ident):
                running.remove(ident)
            case Send(message={"type": "complete" | "error", "id": ident}):
                if ident in running:
                    running.remove(ident)
            case Send(message={"type": "next", "id": ident}):
                assert ident in running
