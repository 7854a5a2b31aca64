"""Runs the real platform (``python -m supergraph.dev``) once per session, for the tests that
go through the router as a frontend would (tests/e2e, tests/security).

Real subgraph processes on real Postgres, the real broker and the real router, on free ports
and a temporary data folder, so a developer's running ``make dev`` is never disturbed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from contracts import services
from tests.harness.asgi_server import free_port

STARTUP_TIMEOUT_S = 180


@dataclass(frozen=True)
class Platform:
    router: str
    data_dir: Path

    @property
    def graphql(self) -> str:
        return f"{self.router}/graphql"

    def subgraph_requests(self) -> dict[str, int]:
        """Requests the router has sent to each subgraph so far (from /metrics)."""
        counts: dict[str, int] = {}
        for line in httpx.get(f"{self.router}/metrics").text.splitlines():
            if line.startswith("router_subgraph_requests_total{"):
                name = line.split('"')[1]
                counts[name] = int(line.rsplit(" ", 1)[1])
        return counts


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    data_dir = tmp_path_factory.mktemp("platform")
    router_port = free_port()
    command = [
        sys.executable, "-m", "supergraph.dev",
        "--data-dir", str(data_dir),
        "--router-port", str(router_port),
        "--kafka-port", str(free_port()),
    ]  # fmt: skip
    for subgraph in services.SUBGRAPHS:  # every one of them, away from `make dev`'s ports
        command += ["--subgraph-port", f"{subgraph.name}={free_port()}"]
    log = (data_dir / "dev.log").open("wb")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    router = f"http://127.0.0.1:{router_port}"
    try:
        _wait_for_router(router, process, data_dir)
        yield Platform(router, data_dir)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for_router(router: str, process: subprocess.Popen[bytes], data_dir: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (data_dir / "dev.log").read_text(errors="replace")
            raise RuntimeError(f"supergraph dev exited with {process.returncode}:\n{log[-4000:]}")
        try:
            if httpx.get(f"{router}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the router did not become healthy in time")
