"""Apollo's multipart subscription parts and the ``Accept`` that asks for them, without sockets."""

from __future__ import annotations

import pytest

from router.protocols.multipart.messages import (
    END,
    HEARTBEAT,
    OPEN,
    PartParser,
    accepts_multipart_subscription,
    error_part,
    payload_part,
)


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        ('multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json', True),
        ("multipart/mixed;subscriptionSpec=1.0", True),
        ('multipart/mixed; subscriptionSpec="1.0"', True),
        ("application/json, multipart/mixed;subscriptionSpec=1.0;q=0.5", True),
        ("multipart/mixed;subscriptionSpec=1.0;q=0", False),
        ("multipart/mixed;subscriptionSpec=2.0", False),
        ("multipart/mixed;deferSpec=20220824,application/json", False),  # @defer, not ours
        ("multipart/mixed", False),
        (None, False),
    ],
)
def test_accepting_multipart_subscriptions(accept: str | None, wanted: bool) -> None:
    assert accepts_multipart_subscription(accept) is wanted


def test_the_stream_on_the_wire() -> None:
    body = OPEN + HEARTBEAT + payload_part({"data": {"a": 1}}) + END
    assert body == (
        b"\r\n--graphql\r\ncontent-type: application/json\r\n\r\n{}"
        b'\r\n--graphql\r\ncontent-type: application/json\r\n\r\n{"payload":{"data":{"a":1}}}'
        b"\r\n--graphql--\r\n"
    )


def test_each_part_is_readable_as_soon_as_it_is_written() -> None:
    """A client knows a part is complete when the next delimiter arrives: every chunk the
    router writes ends with one, so no part waits for the next event or heartbeat."""
    parser = PartParser()
    assert parser.feed(OPEN + HEARTBEAT) == [{}]
    assert parser.feed(payload_part({"data": 1})) == [{"payload": {"data": 1}}]
    assert parser.feed(error_part([{"message": "gone"}])) == [
        {"payload": None, "errors": [{"message": "gone"}]}
    ]
    assert not parser.done
    assert parser.feed(END) == []
    assert parser.done


def test_the_parser_reads_byte_by_byte() -> None:
    stream = OPEN + payload_part({"data": 1}) + HEARTBEAT + END
    parser = PartParser()
    seen = [part for i in range(len(stream)) for part in parser.feed(stream[i : i + 1])]
    assert seen == [{"payload": {"data": 1}}, {}]
    assert parser.done
