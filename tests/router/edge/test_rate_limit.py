"""Token buckets per address and per user, in memory and in the real Redis on loopback.

Time is a ``ManualClock`` the tests move forward, never a sleep. The Redis tests use a key
prefix unique to this run; they skip when Redis is unreachable, except under ``CI=true``
where a missing Redis fails them (CI provides one).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from router.edge.rate_limit import (
    DEFAULT_PER_ADDRESS,
    DEFAULT_PER_USER,
    EdgeRateLimits,
    InMemoryRateLimiter,
    RateRule,
    RedisRateLimiter,
    address_key,
    build_edge_rate_limits,
    client_address,
    parse_trusted_proxies,
)
from router.errors import RATE_LIMITED

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class ManualClock:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate", "burst"),
    [
        ("50/s burst 100", 50.0, 100),
        (" 600 / m ", 10.0, 600),
        ("3600/h burst 5", 1.0, 5),
        ("0.5/s burst 1", 0.5, 1),
    ],
)
def test_rules_are_read_from_settings_text(text: str, rate: float, burst: int) -> None:
    assert RateRule.parse(text) == RateRule(rate=rate, burst=burst)


@pytest.mark.parametrize("text", ["", "50", "50/d", "-1/s", "0/s", "50/s burst 0", "fast"])
def test_malformed_rules_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        RateRule.parse(text)


def test_defaults_print_as_they_are_documented() -> None:
    assert str(DEFAULT_PER_ADDRESS) == "50/s burst 100"
    assert str(DEFAULT_PER_USER) == "20/s burst 40"


# --- in memory ---------------------------------------------------------------------------


async def test_a_burst_is_allowed_then_refused_with_the_wait() -> None:
    limiter = InMemoryRateLimiter(clock=ManualClock())
    rule = RateRule(rate=2, burst=3)

    allowed = [await limiter.acquire("k", rule) for _ in range(3)]
    refused = await limiter.acquire("k", rule)

    assert allowed == [None, None, None]
    assert refused == pytest.approx(0.5)


async def test_tokens_refill_over_time_up_to_the_burst() -> None:
    clock = ManualClock()
    limiter = InMemoryRateLimiter(clock=clock)
    rule = RateRule(rate=2, burst=3)
    for _ in range(3):
        assert await limiter.acquire("k", rule) is None

    clock.now += 0.25  # half a token
    assert await limiter.acquire("k", rule) == pytest.approx(0.25)
    clock.now += 0.25
    assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) is not None

    clock.now += 3600  # an hour idle refills to the burst, not beyond
    assert [await limiter.acquire("k", rule) for _ in range(4)][-1] is not None


async def test_keys_have_separate_buckets() -> None:
    limiter = InMemoryRateLimiter(clock=ManualClock())
    rule = RateRule(rate=1, burst=1)

    assert await limiter.acquire("a", rule) is None
    assert await limiter.acquire("a", rule) is not None
    assert await limiter.acquire("b", rule) is None


async def test_a_flood_of_distinct_keys_stays_within_max_keys() -> None:
    limiter = InMemoryRateLimiter(max_keys=100, clock=ManualClock())
    rule = RateRule(rate=1, burst=5)

    for number in range(10_000):
        await limiter.acquire(f"address:{number}", rule)

    assert len(limiter) == 100


async def test_idle_buckets_are_evicted_once_full_again() -> None:
    clock = ManualClock()
    limiter = InMemoryRateLimiter(clock=clock)
    rule = RateRule(rate=10, burst=10)
    for number in range(50):
        await limiter.acquire(f"idle:{number}", rule)
    assert len(limiter) == 50

    clock.now += rule.seconds_to_fill
    for _ in range(50):
        await limiter.acquire("busy", rule)
        clock.now += 0.1

    assert len(limiter) == 1


async def test_the_recently_used_bucket_survives_a_flood() -> None:
    clock = ManualClock()
    limiter = InMemoryRateLimiter(max_keys=10, clock=clock)
    rule = RateRule(rate=0.001, burst=1)
    assert await limiter.acquire("victim-of-its-own-flood", rule) is None
    for number in range(9):
        await limiter.acquire(f"other:{number}", rule)

    assert await limiter.acquire("victim-of-its-own-flood", rule) is not None


# --- the façade --------------------------------------------------------------------------


def edge(address: RateRule, user: RateRule) -> EdgeRateLimits:
    return EdgeRateLimits(
        InMemoryRateLimiter(clock=ManualClock()), per_address=address, per_user=user
    )


async def test_refusal_is_a_429_with_retry_after_in_whole_seconds() -> None:
    limits = edge(RateRule(rate=0.4, burst=1), DEFAULT_PER_USER)

    assert await limits.check("203.0.113.7", None) is None
    error = await limits.check("203.0.113.7", None)

    assert error is not None
    assert (error.code, error.status) == (RATE_LIMITED, 429)
    assert error.headers == {"Retry-After": "3"}  # 2.5 s rounded up
    assert error.to_dict()["extensions"] == {"code": "RATE_LIMITED"}


async def test_a_user_is_limited_across_addresses() -> None:
    limits = edge(RateRule(rate=1, burst=100), RateRule(rate=1, burst=2))

    assert await limits.check("203.0.113.1", "user-1") is None
    assert await limits.check("203.0.113.2", "user-1") is None
    refused = await limits.check("203.0.113.3", "user-1")

    assert refused is not None
    assert await limits.check("203.0.113.3", "user-2") is None
    assert await limits.check("203.0.113.3", None) is None


async def test_an_address_is_limited_across_users_and_anonymous_callers() -> None:
    limits = edge(RateRule(rate=1, burst=3), RateRule(rate=1, burst=100))

    assert await limits.check("198.51.100.9", None) is None
    assert await limits.check("198.51.100.9", "user-1") is None
    assert await limits.check("198.51.100.9", "user-2") is None
    assert await limits.check("198.51.100.9", "user-3") is not None
    assert await limits.check("198.51.100.10", "user-3") is None


async def test_ipv6_addresses_share_the_bucket_of_their_64() -> None:
    limits = edge(RateRule(rate=1, burst=1), DEFAULT_PER_USER)

    assert await limits.check("2001:db8:1:2::1", None) is None
    assert await limits.check("2001:db8:1:2:ffff::9", None) is not None
    assert await limits.check("2001:db8:1:3::1", None) is None


def test_address_keys() -> None:
    assert address_key("203.0.113.7") == "203.0.113.7"
    assert address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_key("unix-socket") == "unix-socket"


# --- the client's address ----------------------------------------------------------------

PROXIES = parse_trusted_proxies("10.0.0.0/8, 127.0.0.1, fd00::/8")


def test_trusted_proxies_are_read_from_settings_text() -> None:
    proxies = parse_trusted_proxies("10.0.0.0/8, 127.0.0.1, fd00::/8")

    assert proxies == tuple(map(ipaddress.ip_network, ["10.0.0.0/8", "127.0.0.1/32", "fd00::/8"]))
    assert parse_trusted_proxies("") == ()
    with pytest.raises(ValueError, match="does not appear"):
        parse_trusted_proxies("10.0.0.0/8, not-a-network")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # An untrusted peer is the client, whatever it claims.
        ("203.0.113.7", ["1.2.3.4"], "203.0.113.7"),
        ("203.0.113.7", [], "203.0.113.7"),
        # Behind one trusted proxy: the address it appended.
        ("10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
        # The client's own forged entries are left of the real one and ignored.
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        # Through two trusted proxies, and as two header lines.
        ("10.0.0.2", ["6.6.6.6, 198.51.100.1, 10.1.1.1"], "198.51.100.1"),
        ("10.0.0.2", ["6.6.6.6", "198.51.100.1, 10.1.1.1"], "198.51.100.1"),
        # A trusted proxy without the header (a health check): the proxy itself.
        ("10.0.0.2", [], "10.0.0.2"),
        # Only trusted hops: the leftmost one.
        ("10.0.0.2", ["10.9.9.9, 10.1.1.1"], "10.9.9.9"),
        # Garbage behind trusted hops: the nearest address we could read.
        ("10.0.0.2", ["198.51.100.1, unknown"], "10.0.0.2"),
        # Ports, brackets and IPv4-mapped IPv6 are normalized.
        ("10.0.0.2", ["198.51.100.1:5123"], "198.51.100.1"),
        ("fd00::1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::ffff:10.0.0.2", ["198.51.100.1"], "198.51.100.1"),
        ("::ffff:203.0.113.7", [], "203.0.113.7"),
        # A peer that is not an address (a unix socket) is passed through.
        ("unix", ["198.51.100.1"], "unix"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], expected: str) -> None:
    headers = MultiHeaders([("X-Forwarded-For", value) for value in forwarded])

    assert client_address(peer, headers, PROXIES) == expected


def test_no_trusted_proxies_means_the_peer() -> None:
    headers = {"x-forwarded-for": "198.51.100.1"}

    assert client_address("127.0.0.1", headers, ()) == "127.0.0.1"


class MultiHeaders(dict[str, str]):
    """Headers with repeated names, as Starlette's ``Headers.items()`` yields them."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        super().__init__(pairs)
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return self._pairs


# --- Redis -------------------------------------------------------------------------------


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        await client.aclose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide Redis at {REDIS_URL}: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); set TEST_REDIS_URL or start one")
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    """A key prefix no other test run uses; its keys are deleted afterwards."""
    unique = f"test:ratelimit:{uuid.uuid4().hex}:"
    yield unique
    keys = [key async for key in redis.scan_iter(match=unique + "*")]
    if keys:
        await redis.delete(*keys)


async def test_redis_allows_a_burst_then_refuses(redis: Redis, prefix: str) -> None:
    limiter = RedisRateLimiter(redis, prefix=prefix)  # Redis' own clock
    rule = RateRule(rate=0.01, burst=2)

    assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) is None
    wait = await limiter.acquire("k", rule)

    assert wait == pytest.approx(100, abs=1)
    ttl = await redis.pttl(prefix + "k")
    assert 0 < ttl <= 201_000  # expires once full again: 2 tokens at 0.01/s, plus a second


async def test_redis_tokens_refill_over_time(redis: Redis, prefix: str) -> None:
    clock = ManualClock()
    limiter = RedisRateLimiter(redis, prefix=prefix, clock=clock)
    rule = RateRule(rate=4, burst=2)
    for _ in range(2):
        assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) == pytest.approx(0.25)

    clock.now += 0.25
    assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) is not None
    clock.now += 60
    assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) is None
    assert await limiter.acquire("k", rule) is not None


async def test_two_limiters_on_one_redis_share_the_budget(redis: Redis, prefix: str) -> None:
    clock = ManualClock()
    second_client = Redis.from_url(REDIS_URL)
    first = RedisRateLimiter(redis, prefix=prefix, clock=clock)
    second = RedisRateLimiter(second_client, prefix=prefix, clock=clock)
    rule = RateRule(rate=1, burst=4)
    try:
        answers = [await limiter.acquire("shared", rule) for limiter in (first, second) * 3]
    finally:
        await second_client.aclose()

    assert answers[:4] == [None] * 4
    assert all(wait is not None for wait in answers[4:])


async def test_an_edge_on_redis_limits_users_and_addresses(redis: Redis, prefix: str) -> None:
    limits = EdgeRateLimits(
        RedisRateLimiter(redis, prefix=prefix, clock=ManualClock()),
        per_address=RateRule(rate=1, burst=2),
        per_user=RateRule(rate=1, burst=1),
    )

    assert await limits.check("203.0.113.1", "u") is None
    assert (await limits.check("203.0.113.2", "u")) is not None
    assert await limits.check("203.0.113.1", None) is None
    refused = await limits.check("203.0.113.1", None)
    assert refused is not None
    assert refused.headers == {"Retry-After": "1"}


async def test_unreachable_redis_fails_open_to_the_local_buckets() -> None:
    clock = ManualClock()
    limiter = RedisRateLimiter.from_url(
        "redis://127.0.0.1:1/0", fallback=InMemoryRateLimiter(clock=clock)
    )
    rule = RateRule(rate=1, burst=2)
    try:
        answers = [await limiter.acquire("k", rule) for _ in range(3)]
    finally:
        await limiter.aclose()

    assert answers[:2] == [None, None]
    assert answers[2] == pytest.approx(1)


async def test_unreachable_redis_without_fallback_allows_everything() -> None:
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0")
    try:
        answers = [await limiter.acquire("k", RateRule(rate=1, burst=1)) for _ in range(5)]
    finally:
        await limiter.aclose()

    assert answers == [None] * 5


async def test_unreachable_redis_can_fail_closed() -> None:
    limiter = RedisRateLimiter.from_url("redis://127.0.0.1:1/0", failure_mode="closed")
    try:
        wait = await limiter.acquire("k", RateRule(rate=100, burst=100))
    finally:
        await limiter.aclose()

    assert wait == 1.0


async def test_after_an_error_redis_is_skipped_for_a_while() -> None:
    connections = 0

    async def refuse(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        writer.close()

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monotonic = ManualClock()
    limiter = RedisRateLimiter(
        Redis.from_url(f"redis://127.0.0.1:{port}/0", retry=Retry(NoBackoff(), 0)),
        failure_mode="closed",
        retry_after_error=5,
        monotonic=monotonic,
    )
    rule = RateRule(rate=1, burst=1)
    try:
        assert await limiter.acquire("k", rule) == 1.0
        tried = connections
        assert [await limiter.acquire("k", rule) for _ in range(10)] == [1.0] * 10
        assert connections == tried  # no request waited on the broken store
        monotonic.now += 5
        assert await limiter.acquire("k", rule) == 1.0
        assert connections > tried
    finally:
        await limiter.aclose()
        server.close()
        await server.wait_closed()


async def test_limits_are_built_from_settings(redis: Redis) -> None:
    memory = build_edge_rate_limits()
    shared = build_edge_rate_limits(redis_url=REDIS_URL, per_user=RateRule(rate=1, burst=1))
    try:
        assert isinstance(memory.limiter, InMemoryRateLimiter)
        assert memory.per_address == DEFAULT_PER_ADDRESS
        assert isinstance(shared.limiter, RedisRateLimiter)
        assert shared.per_user == RateRule(rate=1, burst=1)
    finally:
        await memory.aclose()
        await shared.aclose()
