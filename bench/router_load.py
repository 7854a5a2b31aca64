"""Router throughput, latency and memory against stand-in subgraphs.

    python -m bench.router_load [--duration 10] [--concurrency 16]

Starts two stand-in subgraphs (``bench/standins.py``: fixed answers, no database) and the
router (``supergraph router``, one process, as operators run it) on free 127.0.0.1 ports, then
drives each scenario with ``bench/load.py`` and prints requests/s, latency percentiles and the
router's resident memory. The first row measures a stand-in directly: the ceiling that the
load generator and the machine put on every other row. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

from bench.load import graphql_request, run_load

ROOT = Path(__file__).resolve().parent.parent
SUPERGRAPH = ROOT / "tests" / "router" / "fixtures" / "accounts.graphql"

SCENARIOS = (
    ("one subgraph: { me { id email } }", "{ me { id email } }"),
    (
        "entity jump, 10 users: { users { id email profile { displayName } } }",
        "{ users { id email profile { displayName } } }",
    ),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _process(
    args: list[str], env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})})
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_ready(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.post(url, json={"query": "{ __typename }"}, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections")
    parser.add_argument("--users", type=int, default=10, help="users the list query returns")
    args = parser.parse_args()

    identity, profiles, router = _free_port(), _free_port(), _free_port()
    python = sys.executable
    env = {
        "SUBGRAPH_URL_IDENTITY": f"http://127.0.0.1:{identity}/graphql",
        "SUBGRAPH_URL_PROFILES": f"http://127.0.0.1:{profiles}/graphql",
    }
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; concurrency {args.concurrency},"
        f" {args.duration:.0f} s per scenario, {args.users} users in the list"
    )
    with (
        _process([python, "-m", "bench.standins", "identity", str(identity), str(args.users)]),
        _process([python, "-m", "bench.standins", "profiles", str(profiles)]),
        _process(
            [
                python,
                "-m",
                "supergraph.cli",
                "router",
                "--supergraph",
                str(SUPERGRAPH),
                "--port",
                str(router),
            ],
            env,
        ) as router_process,
    ):
        direct = f"http://127.0.0.1:{identity}/graphql"
        url = f"http://127.0.0.1:{router}/graphql"
        _wait_ready(direct)
        _wait_ready(url)
        print(f"router RSS after start: {_rss_mb(router_process.pid):.1f} MB")
        rows = [("stand-in subgraph directly (ceiling)", direct, SCENARIOS[0][1])]
        rows += [(label, url, query) for label, query in SCENARIOS]
        for label, target, query in rows:
            request = graphql_request(target, query)
            asyncio.run(run_load(target, request, concurrency=args.concurrency, duration=1.0))
            result = asyncio.run(
                run_load(target, request, concurrency=args.concurrency, duration=args.duration)
            )
            print(f"{label}\n    {result.summary()}")
        print(f"router RSS after the runs: {_rss_mb(router_process.pid):.1f} MB")


if __name__ == "__main__":
    main()
