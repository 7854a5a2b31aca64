"""Router throughput, latency and memory against stand-in subgraphs.

    python -m bench.router_load [--duration 10] [--concurrency 16] [--compare-apollo]
    python -m bench.router_load --limits [--rounds 3]

Starts two stand-in subgraphs (``bench/standins.py``: fixed answers, no database) and the
router (``supergraph router``, one process, as operators run it) on free 127.0.0.1 ports, then
drives each scenario with ``bench/load.py`` and prints requests/s, latency percentiles and the
router's resident memory. The first row measures a stand-in directly: the ceiling that the
load generator and the machine put on every other row. ``--compare-apollo`` runs the same
rows through Apollo Gateway (Node; ``bench/node/``, installed from npm into a cache folder on
first use). ``--limits`` instead races two routers on the same rows: every edge limit at its
default (and rate limits on, with a budget the load never exhausts, so their cost is counted)
against every limit off, alternating rounds and printing medians side by side. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.load import graphql_request, run_load
from tests.harness.asgi_server import free_port

ROOT = Path(__file__).resolve().parent.parent
NODE_BENCH = Path(__file__).resolve().parent / "node"
SUPERGRAPH = ROOT / "tests" / "router" / "fixtures" / "accounts.graphql"

SCENARIOS = (
    ("one subgraph: { me { id email } }", "{ me { id email } }"),
    (
        "entity jump, 10 users: { users { id email profile { displayName } } }",
        "{ users { id email profile { displayName } } }",
    ),
)


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


def _apollo_gateway_dir() -> Path:
    """``bench/node`` installed (once per version of its package.json) outside the repo."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "supergraph-bench-node"
    cache.mkdir(parents=True, exist_ok=True)
    manifest = (NODE_BENCH / "package.json").read_text()
    stamp = cache / "installed.json"
    if not stamp.exists() or stamp.read_text() != manifest:
        (cache / "package.json").write_text(manifest)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=cache, check=True)
        stamp.write_text(manifest)
    return cache


def _measure(label: str, url: str, query: str, args: argparse.Namespace) -> None:
    request = graphql_request(url, query)
    asyncio.run(run_load(url, request, concurrency=args.concurrency, duration=1.0))
    result = asyncio.run(
        run_load(url, request, concurrency=args.concurrency, duration=args.duration)
    )
    print(f"{label}\n    {result.summary()}")


LIMITS_OFF = {
    "PARSER_MAX_TOKENS": "1000000000",
    "PARSER_MAX_RECURSION": "1000000000",
    "MAX_DEPTH": "1000000000",
    "MAX_HEIGHT": "1000000000",
    "MAX_ALIASES": "1000000000",
    "MAX_ROOT_FIELDS": "1000000000",
    "MAX_SELECTIONS": "1000000000",
    "MAX_DIRECTIVES": "1000000000",
    "MAX_FIELD_MERGES": "1000000000",
    "DEMAND_CONTROL_MODE": "off",
    "APQ_ENABLED": "false",
    "RATE_LIMIT_ENABLED": "false",
}
LIMITS_ON = {
    "RATE_LIMIT_ENABLED": "true",
    "RATE_LIMIT_PER_ADDRESS": "1000000/s",
    "RATE_LIMIT_PER_USER": "1000000/s",
}


def _in_process_limits(rounds: int) -> None:
    """The same two configurations through ``RouterEngine.handle`` with an in-memory transport:
    no sockets, so the limits' own cost per request shows without the machine's noise."""
    from router.engine import EngineConfig, GraphQLRequest, RouterEngine
    from router.settings import RouterSettings
    from router.supergraph.parse import load_supergraph
    from tests.harness.fake_transport import FakeTransport

    def answer(service: str, body: Any) -> dict[str, Any]:
        if service == "profiles":
            count = len(body["variables"]["representations"])
            return {"data": {"_entities": [{"profile": {"displayName": "x"}}] * count}}
        users = [{"__typename": "User", "id": str(i), "email": "e"} for i in range(10)]
        return {"data": {"me": users[0], "users": users}}

    supergraph = load_supergraph(str(SUPERGRAPH))
    engines: dict[str, RouterEngine] = {}
    for name, overrides in (("limits off", LIMITS_OFF), ("limits on", LIMITS_ON)):
        settings = RouterSettings(**{k.lower(): v for k, v in overrides.items()})  # type: ignore[arg-type]
        config: EngineConfig = settings.engine_config()
        limits = settings.edge_rate_limits()
        engines[name] = RouterEngine(supergraph, FakeTransport(answer), config, rate_limits=limits)

    async def per_request(engine: RouterEngine, query: str, count: int = 2000) -> float:
        for _ in range(200):
            await engine.handle(GraphQLRequest(query), client_address="127.0.0.1")
        started = time.perf_counter()
        for _ in range(count):
            await engine.handle(GraphQLRequest(query), client_address="127.0.0.1")
        return (time.perf_counter() - started) / count * 1e6

    print("in process (RouterEngine.handle, in-memory subgraphs), microseconds per request:")
    for label, query in SCENARIOS:
        costs: dict[str, list[float]] = {name: [] for name in engines}
        for round_ in range(rounds):
            order = list(engines.items())
            for name, engine in order if round_ % 2 == 0 else reversed(order):
                costs[name].append(asyncio.run(per_request(engine, query)))
        off, on = (statistics.median(costs[name]) for name in ("limits off", "limits on"))
        print(f"    {label}: limits off {off:.1f} µs, limits on {on:.1f} µs ({on - off:+.1f} µs)")


def _race_limits(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Rows of the two routers side by side: medians over ``--rounds`` rounds, the order of the
    two flipped every round (whichever runs second in a round tends to be slower here)."""
    python = sys.executable
    router_cmd = [python, "-m", "supergraph.cli", "router", "--supergraph", str(SUPERGRAPH)]
    ports = {"limits off": free_port(), "limits on": free_port()}
    settings = {"limits off": LIMITS_OFF, "limits on": LIMITS_ON}
    with contextlib.ExitStack() as stack:
        urls = {}
        for name, port in ports.items():
            stack.enter_context(
                _process([*router_cmd, "--port", str(port)], {**env, **settings[name]})
            )
            urls[name] = f"http://127.0.0.1:{port}/graphql"
        for url in urls.values():
            _wait_ready(url)
        for label, query in SCENARIOS:
            rates: dict[str, list[float]] = {name: [] for name in urls}
            p99s: dict[str, list[float]] = {name: [] for name in urls}
            for round_ in range(args.rounds):
                order = list(urls.items())
                for name, url in order if round_ % 2 == 0 else reversed(order):
                    request = graphql_request(url, query)
                    asyncio.run(run_load(url, request, concurrency=args.concurrency, duration=1.0))
                    result = asyncio.run(
                        run_load(url, request, concurrency=args.concurrency, duration=args.duration)
                    )
                    rates[name].append(result.requests_per_second)
                    p99s[name].append(result.percentile(99))
            off, on = statistics.median(rates["limits off"]), statistics.median(rates["limits on"])
            print(label)
            for name in urls:
                rate, p99 = statistics.median(rates[name]), statistics.median(p99s[name])
                print(
                    f"    {name:10} {rate:8.0f} req/s  p99 {p99:6.2f} ms  (rounds: "
                    + ", ".join(f"{r:.0f}" for r in rates[name])
                    + ")"
                )
            print(f"    limits on / off: {on / off:.3f}")


def _rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--concurrency", type=int, default=16, help="open connections")
    parser.add_argument("--users", type=int, default=10, help="users the list query returns")
    parser.add_argument("--compare-apollo", action="store_true", help="also race Apollo Gateway")
    parser.add_argument("--limits", action="store_true", help="race all limits on against off")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds for --limits")
    args = parser.parse_args()

    identity, profiles, router, apollo = (free_port() for _ in range(4))
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
    ):
        direct = f"http://127.0.0.1:{identity}/graphql"
        _wait_ready(direct)
        if args.limits:
            _race_limits(args, env)
            _in_process_limits(args.rounds)
            return
        _measure("stand-in subgraph directly (ceiling)", direct, SCENARIOS[0][1], args)
        router_cmd = [python, "-m", "supergraph.cli", "router", "--supergraph", str(SUPERGRAPH)]
        with _process([*router_cmd, "--port", str(router)], env) as process:
            url = f"http://127.0.0.1:{router}/graphql"
            _wait_ready(url)
            print(f"our router, RSS after start: {_rss_mb(process.pid):.1f} MB")
            for label, query in SCENARIOS:
                _measure(f"our router, {label}", url, query, args)
            print(f"our router, RSS after the runs: {_rss_mb(process.pid):.1f} MB")
        if not args.compare_apollo:
            return
        # ES modules resolve packages from their own folder: run the script from the install
        script = _apollo_gateway_dir() / "apollo-gateway.mjs"
        script.write_text((NODE_BENCH / "apollo-gateway.mjs").read_text())
        node_env = {**env, "NODE_ENV": "production"}
        with _process(["node", str(script), str(SUPERGRAPH), str(apollo)], node_env) as process:
            url = f"http://127.0.0.1:{apollo}/graphql"
            _wait_ready(url)
            print(f"Apollo Gateway, RSS after start: {_rss_mb(process.pid):.1f} MB")
            for label, query in SCENARIOS:
                _measure(f"Apollo Gateway, {label}", url, query, args)
            print(f"Apollo Gateway, RSS after the runs: {_rss_mb(process.pid):.1f} MB")


if __name__ == "__main__":
    main()
