"""Rate limits at the edge: token buckets per client address and per user.

A bucket holds up to ``burst`` tokens and refills at ``rate`` tokens a second; a request
takes one token or is refused (429 ``RATE_LIMITED``) with the seconds until a token is back,
sent as ``Retry-After``. Buckets live in a ``RateLimiter``: ``InMemoryRateLimiter`` (the
default, one budget per router instance, bounded memory) or ``RedisRateLimiter`` (one budget
shared by every instance, one atomic Lua script per request).

When Redis is configured but unreachable the limiter fails open by default, to the in-memory
buckets of each instance: rate limiting protects capacity, it is not what makes answers
correct, so a Redis outage should not become an outage of the whole API (Envoy's global rate
limit filter defaults to ``failure_mode_deny: false`` and Kong's Redis policy ignores Redis
errors for the same reason). ``failure_mode="closed"`` refuses instead.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from router.errors import RATE_LIMITED, RequestError

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
FailureMode = Literal["open", "closed"]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class RateRule:
    """``rate`` tokens a second, at most ``burst`` saved up (the size of a burst allowed)."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and math.isfinite(self.rate)) or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")

    @property
    def seconds_to_fill(self) -> float:
        """How long an empty bucket takes to fill; past it an idle bucket is as good as new."""
        return self.burst / self.rate

    @classmethod
    def parse(cls, text: str) -> RateRule:
        """Read ``"50/s burst 100"`` (units ``s``, ``m``, ``h``; burst defaults to the rate)."""
        match = _RULE.fullmatch(text.strip().lower())
        if match is None:
            raise ValueError(f"not a rate limit: {text!r} (expected e.g. '50/s burst 100')")
        count = float(match["count"])
        rate = count / _UNIT_SECONDS[match["unit"]]
        burst = int(match["burst"]) if match["burst"] else max(1, math.ceil(count))
        return cls(rate=rate, burst=burst)

    def __str__(self) -> str:
        return f"{self.rate:g}/s burst {self.burst}"


_RULE = re.compile(r"(?P<count>\d+(?:\.\d+)?)\s*/\s*(?P<unit>s|m|h)(?:\s+burst\s+(?P<burst>\d+))?")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0}

DEFAULT_PER_ADDRESS = RateRule(rate=50, burst=100)
"""Generous: many people share one address (offices, schools, carrier-grade NAT)."""
DEFAULT_PER_USER = RateRule(rate=20, burst=40)
"""A person clicking through the app sends a few operations a second; 20/s sustained is a bot."""


class RateLimiter(Protocol):
    """Where buckets live. ``acquire`` takes a token: None if allowed, else seconds to wait."""

    async def acquire(self, key: str, rule: RateRule) -> float | None: ...

    async def aclose(self) -> None: ...


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    full_at: float


class InMemoryRateLimiter:
    """Buckets in this process, at most ``max_keys`` of them (least recently used go first).

    A bucket idle long enough to be full again is dropped: a missing bucket means a full one,
    so dropping it changes no decision. Past ``max_keys`` (a flood of distinct addresses)
    the least recently used bucket is dropped even if not full, which can only hand its
    owner a fresh burst early; memory stays bounded either way.
    """

    def __init__(self, *, max_keys: int = 100_000, clock: Clock = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self._max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    async def acquire(self, key: str, rule: RateRule) -> float | None:
        """No ``await`` inside: two requests can never both take the bucket's last token."""
        now = self._clock()
        self._evict_idle(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            tokens = float(rule.burst)
        else:
            tokens = min(rule.burst, bucket.tokens + max(0.0, now - bucket.updated) * rule.rate)
            self._buckets.move_to_end(key)
        wait: float | None = None
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / rule.rate
        full_at = now + (rule.burst - tokens) / rule.rate
        if bucket is None:
            self._buckets[key] = _Bucket(tokens, now, full_at)
            if len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        else:
            bucket.tokens, bucket.updated, bucket.full_at = tokens, now, full_at
        return wait

    def _evict_idle(self, now: float) -> None:
        # The front is the least recently used; a couple per call keeps this O(1) amortized.
        for _ in range(2):
            if not self._buckets:
                return
            key, oldest = next(iter(self._buckets.items()))
            if oldest.full_at > now:
                return
            del self._buckets[key]

    async def aclose(self) -> None:
        self._buckets.clear()


# One round trip, atomic: refill, take a token or say how long to wait, store, expire when full.
# ``now`` comes from Redis' clock unless the caller passes one, so instances never disagree.
_ACQUIRE_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens),
           'updated', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return string.format('%.17g', wait)
"""


class RedisRateLimiter:
    """Buckets in Redis, shared by every router instance that uses the same ``prefix``.

    Keys expire once their bucket would be full again, so Redis holds only active clients.
    After a Redis error the next ``retry_after_error`` seconds skip Redis entirely (no
    request waits on a dead server) and follow ``failure_mode``: ``"open"`` asks ``fallback``
    (allows everything if None), ``"closed"`` refuses with ``closed_retry_after`` seconds.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "supergraph:ratelimit:",
        failure_mode: FailureMode = "open",
        fallback: RateLimiter | None = None,
        retry_after_error: float = 5.0,
        closed_retry_after: float = 1.0,
        clock: Clock | None = None,
        monotonic: Clock = time.monotonic,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._failure_mode = failure_mode
        self._fallback = fallback
        self._retry_after_error = retry_after_error
        self._closed_retry_after = closed_retry_after
        self._clock = clock
        self._monotonic = monotonic
        self._script = redis.register_script(_ACQUIRE_LUA)
        self._skip_until = 0.0

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout: float = 0.25,
        prefix: str = "supergraph:ratelimit:",
        failure_mode: FailureMode = "open",
        fallback: RateLimiter | None = None,
    ) -> RedisRateLimiter:
        """A limiter on a new client for ``url``; short timeouts, a limiter must not stall."""
        client = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # retrying here would stall the request; fall back
        )
        return cls(client, prefix=prefix, failure_mode=failure_mode, fallback=fallback)

    async def acquire(self, key: str, rule: RateRule) -> float | None:
        if self._monotonic() < self._skip_until:
            return await self._on_failure(key, rule)
        now = "" if self._clock is None else repr(self._clock())
        try:
            reply = await self._script(
                keys=[self._prefix + key], args=[repr(rule.rate), rule.burst, now]
            )
        except (RedisError, OSError) as exc:
            self._skip_until = self._monotonic() + self._retry_after_error
            logger.warning(
                "rate limit store unreachable, failing %s for %.0fs: %s",
                self._failure_mode,
                self._retry_after_error,
                exc,
            )
            return await self._on_failure(key, rule)
        wait = float(reply)
        return wait if wait > 0 else None

    async def _on_failure(self, key: str, rule: RateRule) -> float | None:
        if self._failure_mode == "closed":
            return self._closed_retry_after
        return None if self._fallback is None else await self._fallback.acquire(key, rule)

    async def aclose(self) -> None:
        await self._redis.aclose()
        if self._fallback is not None:
            await self._fallback.aclose()


class EdgeRateLimits:
    """What the request pipeline calls once per request, after the token is verified.

    Every request spends a token of its client address's bucket; an authenticated one also
    spends one of its user's bucket, so one account cannot fan out over many addresses, and
    many users behind one address are still bounded together. IPv6 addresses are bucketed by
    their /64: one subscriber usually holds a whole /64 and could otherwise rotate through it.
    """

    def __init__(
        self,
        limiter: RateLimiter,
        *,
        per_address: RateRule = DEFAULT_PER_ADDRESS,
        per_user: RateRule = DEFAULT_PER_USER,
    ) -> None:
        self.limiter = limiter
        self.per_address = per_address
        self.per_user = per_user

    async def check(self, client_address: str, subject: str | None) -> RequestError | None:
        """None when the request may go on, else the 429 error to answer with."""
        return await self.check_address(client_address) or await self.check_user(subject)

    async def check_address(self, client_address: str) -> RequestError | None:
        """The address's bucket alone: the edge asks it before reading a request's body."""
        wait = await self.limiter.acquire(
            "address:" + address_key(client_address), self.per_address
        )
        return None if wait is None else rate_limited(wait)

    async def check_user(self, subject: str | None) -> RequestError | None:
        """The user's bucket, once the token says who the caller is (anonymous: none)."""
        if subject is None:
            return None
        wait = await self.limiter.acquire("user:" + subject, self.per_user)
        return None if wait is None else rate_limited(wait)

    async def aclose(self) -> None:
        await self.limiter.aclose()


def rate_limited(wait: float) -> RequestError:
    """The 429 refusal; ``Retry-After`` is whole seconds (RFC 9110), rounded up, at least 1."""
    seconds = max(1, math.ceil(wait))
    return RequestError(
        f"Too many requests; retry in {seconds} s.",
        RATE_LIMITED,
        status=429,
        headers={"Retry-After": str(seconds)},
    )


def build_edge_rate_limits(
    *,
    per_address: RateRule = DEFAULT_PER_ADDRESS,
    per_user: RateRule = DEFAULT_PER_USER,
    redis_url: str | None = None,
    failure_mode: FailureMode = "open",
    max_keys: int = 100_000,
) -> EdgeRateLimits:
    """The limits from settings: Redis when ``redis_url`` is set, else in memory."""
    memory = InMemoryRateLimiter(max_keys=max_keys)
    if not redis_url:
        return EdgeRateLimits(memory, per_address=per_address, per_user=per_user)
    shared = RedisRateLimiter.from_url(redis_url, failure_mode=failure_mode, fallback=memory)
    return EdgeRateLimits(shared, per_address=per_address, per_user=per_user)


def parse_trusted_proxies(text: str) -> tuple[IPNetwork, ...]:
    """Read ``TRUSTED_PROXIES``: comma-separated addresses or networks (``10.0.0.0/8``)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
    )


def client_address(
    peer: str, headers: Mapping[str, str], trusted_proxies: Sequence[IPNetwork]
) -> str:
    """The address to rate limit: the peer, or what trusted proxies say in X-Forwarded-For.

    ``X-Forwarded-For`` is believed only when the peer is a trusted proxy, and read from the
    right: each trusted proxy appends the address it saw, so the first untrusted address from
    the right is the client; anything left of it was written by the client and is ignored.
    ``headers.items()`` must yield repeated headers separately (Starlette's ``Headers`` does).
    """
    peer_ip = _parse_ip(peer)
    if peer_ip is None or not _trusted(peer_ip, trusted_proxies):
        return peer if peer_ip is None else str(peer_ip)
    hops = [
        hop.strip()
        for name, value in headers.items()
        if name.lower() == "x-forwarded-for"
        for hop in value.split(",")
    ]
    nearest = peer_ip
    for hop in reversed(hops):
        hop_ip = _parse_ip(hop)
        if hop_ip is None:  # a trusted proxy passed on garbage: keep the last address we trust
            break
        nearest = hop_ip
        if not _trusted(hop_ip, trusted_proxies):
            break
    return str(nearest)


@functools.lru_cache(maxsize=65_536)
def address_key(address: str) -> str:
    """The bucket of an address: IPv4 as is, IPv6 by its /64 network (memoized: parsing an
    address costs more than the bucket itself)."""
    ip = _parse_ip(address)
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return address if ip is None else str(ip)


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _trusted(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[IPNetwork]
) -> bool:
    return any(ip.version == network.version and ip in network for network in networks)
