"""Subscription fan-out through the router: post-to-delivery latency, completeness, memory.

    python -m bench.subscriptions [--subscribers 1000] [--rate 50] [--seconds 10] [--callers 200]

Starts a stand-in chat subgraph (``bench/standin_chat.py``: Strawberry's graphql-transport-ws
server, messages stamped with the time they are emitted), the profiles stand-in
(``bench/standins.py``) and the router (``supergraph router`` over the ``live`` fixture
supergraph), then opens graphql-transport-ws clients on the router that subscribe to
``messageAdded { body author { profile { displayName } } }`` (each event completed with an
``_entities`` fetch to profiles) and emits ``--rate`` messages per second. Two rows:

- one caller: every subscriber is the same user, so the router's hub shares one upstream;
- distinct callers: ``--callers`` users, one upstream each (nothing may be shared between
  users).

Prints p50/p99 post-to-delivery latency, the share of messages every subscriber received,
and the router's resident memory per subscription. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import orjson
import psutil
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.asyncio.client import connect

from bench.router_load import _process, _wait_ready
from tests.harness.asgi_server import free_port

ROOT = Path(__file__).resolve().parent.parent
SUPERGRAPH = ROOT / "tests" / "router" / "fixtures" / "live.graphql"
QUERY = "subscription { messageAdded(roomId: 1) { body author { profile { displayName } } } }"
ISSUER, AUDIENCE = "bench", "bench"


def _text(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()  # the protocol's messages are text frames


async def subscriber(url: str, token: str, latencies: list[float], counts: list[int]) -> None:
    async with connect(url, subprotocols=["graphql-transport-ws"], max_queue=None) as socket:  # type: ignore[list-item]
        await socket.send(
            orjson.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
        )
        assert orjson.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(
            orjson.dumps({"type": "subscribe", "id": "1", "payload": {"query": QUERY}})
        )
        index = len(counts)
        counts.append(0)
        async for frame in socket:
            message = orjson.loads(frame)
            if message["type"] == "ping":
                await socket.send(_text({"type": "pong"}))
                continue
            if message["type"] != "next":
                raise RuntimeError(f"the router ended the subscription: {message}")
            if message["payload"].get("errors"):
                raise RuntimeError(f"an event with errors: {message['payload']}")
            event = message["payload"]["data"]["messageAdded"]
            latencies.append(time.time() - float(event["body"]))
            counts[index] += 1


async def run_row(
    label: str,
    router_url: str,
    chat_url: str,
    tokens: list[str],
    args: argparse.Namespace,
    pid: int,
) -> None:
    latencies: list[float] = []
    counts: list[int] = []
    before = psutil.Process(pid).memory_info().rss
    tasks = [asyncio.create_task(subscriber(router_url, t, latencies, counts)) for t in tokens]
    async with httpx.AsyncClient() as client:
        for _ in range(200):  # every subscription open and listening upstream
            await asyncio.sleep(0.05)
            if len(counts) == len(tokens):
                break
        await asyncio.sleep(1.0)
        rss = psutil.Process(pid).memory_info().rss
        sent, interval = 0, 1 / args.rate
        started = time.monotonic()
        while time.monotonic() - started < args.seconds:
            listeners = (await client.post(f"{chat_url}/emit")).json()["listeners"]
            sent += 1
            await asyncio.sleep(max(0.0, started + sent * interval - time.monotonic()))
        await asyncio.sleep(1.0)  # the last messages arrive
        print(f"    upstream subscriptions at the stand-in: {listeners}")
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    failures = [
        o
        for o in outcomes
        if isinstance(o, Exception) and not isinstance(o, asyncio.CancelledError)
    ]
    if failures:
        print(f"    {len(failures)} subscribers failed, e.g. {failures[0]!r}")
    received = sum(counts)
    expected = sent * len(tokens)
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000 if ordered else float("nan")
    p99 = (
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else float("nan")
    )
    per_sub = (rss - before) / max(1, len(tokens)) / 1024
    print(
        f"{label}\n    {len(tokens)} subscribers, {sent} messages at {args.rate}/s: "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, delivered {received}/{expected} "
        f"({100 * received / max(1, expected):.2f}%), "
        f"router memory {per_sub:.1f} KB per subscription"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--callers", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks_file = Path(tempfile.mkdtemp()) / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}))

    def token(sub: str) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 3600}
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})

    chat, profiles, router = free_port(), free_port(), free_port()
    python = sys.executable
    env = {
        "SUBGRAPH_URL_CHAT": f"http://127.0.0.1:{chat}/graphql",
        "SUBGRAPH_URL_PROFILES": f"http://127.0.0.1:{profiles}/graphql",
        "JWKS_URL": f"http://127.0.0.1:{chat}/.well-known/jwks.json",
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": AUDIENCE,
        "MAX_SUBSCRIPTIONS_PER_CALLER": str(args.subscribers),
    }
    print(f"{os.cpu_count()} cores; router, stand-ins and clients on one machine")
    with (
        _process([python, "-m", "bench.standin_chat", str(chat), str(jwks_file)]),
        _process([python, "-m", "bench.standins", "profiles", str(profiles)]),
    ):
        command = [python, "-m", "supergraph.cli", "router", "--supergraph", str(SUPERGRAPH)]
        with _process([*command, "--port", str(router)], env) as process:
            _wait_ready(f"http://127.0.0.1:{router}/graphql")
            url = f"ws://127.0.0.1:{router}/graphql"
            chat_url = f"http://127.0.0.1:{chat}"
            one = [token("learner")] * args.subscribers
            asyncio.run(
                run_row(
                    "our router, one caller (one shared upstream)",
                    url,
                    chat_url,
                    one,
                    args,
                    process.pid,
                )
            )
            many = [token(f"learner-{i}") for i in range(args.callers)]
            asyncio.run(
                run_row(
                    "our router, distinct callers (an upstream each)",
                    url,
                    chat_url,
                    many,
                    args,
                    process.pid,
                )
            )


if __name__ == "__main__":
    main()
