"""`supergraph dev` end to end: start everything, query through the router, Ctrl-C, restart.

Runs ``python -m supergraph.dev`` (the same code as ``supergraph dev``) on a temporary data
folder and free ports, so a `supergraph dev` running on the default ports is never touched.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from contracts import services
from tests.harness.asgi_server import free_port
from tests.supergraph.harness import PROJECT_ROOT, processes_mentioning

pytestmark = pytest.mark.e2e

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0


class DevRun:
    """One ``supergraph dev`` process, its output in a file, tagged with a census marker."""

    def __init__(self, data_dir: Path, output: Path, marker: str) -> None:
        self.router_port = free_port()
        self.output = output
        argv = [
            sys.executable, "-m", "supergraph.dev",
            "--data-dir", str(data_dir),
            "--router-port", str(self.router_port),
            "--kafka-port", str(free_port()),
        ]  # fmt: skip
        for subgraph in services.SUBGRAPHS:  # every one of them, away from `make dev`'s ports
            argv += ["--subgraph-port", f"{subgraph.name}={free_port()}"]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DATABASE_URL") and k != "KAFKA_BOOTSTRAP_SERVERS"
        }
        env["SUPERGRAPH_TEST_MARKER"] = marker
        with output.open("wb") as out:
            self.process = subprocess.Popen(
                argv,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a failing test can still stop the whole tree
            )

    @property
    def text(self) -> str:
        return self.output.read_text(errors="replace")

    async def wait_ready(self) -> None:
        url = f"http://127.0.0.1:{self.router_port}/health"
        deadline = time.monotonic() + START_TIMEOUT_S
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, f"supergraph dev exited:\n{self.text}"
                try:
                    if (await client.get(url)).status_code == 200 and "ready in" in self.text:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.5)
        pytest.fail(f"the router never got healthy:\n{self.text}")

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    async def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it; return the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.to_thread(self.process.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"supergraph dev did not stop within {STOP_TIMEOUT_S} s:\n{self.text}")
        return self.process.returncode

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


SIGN_UP = """mutation ($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { user { id } }
}"""
LOGIN = """mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { user { id } }
}"""


async def query(
    port: int, document: str, variables: dict[str, str] | None = None
) -> dict[str, Any]:
    payload = {"query": document, "variables": variables or {}}
    async with httpx.AsyncClient(timeout=10.0) as client:
        response = await client.post(f"http://127.0.0.1:{port}/graphql", json=payload)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def run_once(
    data_dir: Path, output: Path, marker: str, work: Callable[[DevRun], Awaitable[None]]
) -> str:
    """Start dev, run ``work(dev)`` once it is ready, Ctrl-C it, check nothing survives."""
    dev = DevRun(data_dir, output, marker)
    try:
        await dev.wait_ready()
        family = dev.descendants()
        assert len(family) >= 4, "kafka, identity, profiles and the router run as children"
        await work(dev)
        assert await dev.interrupt() == 0, dev.text
    finally:
        dev.kill()
    survivors = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not survivors, f"children left running: {survivors}"
    assert not processes_mentioning(str(data_dir)), "a process still uses the data folder"
    assert not processes_mentioning(marker), "a process started by supergraph dev survived"
    assert "Traceback" not in dev.text, dev.text
    return dev.text


async def test_dev_runs_everything_stops_cleanly_and_keeps_data(tmp_path: Path, census_marker: str):
    data_dir = tmp_path / "data"
    account = {"email": "kept@example.com", "password": "correct horse battery"}
    user_ids: list[str] = []

    async def first(dev: DevRun) -> None:
        body = await query(dev.router_port, "{ __typename }")
        assert body.get("data") == {"__typename": "Query"}, body
        body = await query(dev.router_port, SIGN_UP, account)
        user_ids.append(body["data"]["signUp"]["user"]["id"])

    first_output = await run_once(data_dir, tmp_path / "first.log", census_marker, first)
    assert "SIGINT: stopping" in first_output
    assert (data_dir / "supergraph.graphql").read_text().strip()
    key = (data_dir / "identity" / "jwt-key.pem").read_bytes()

    async def second(dev: DevRun) -> None:
        body = await query(dev.router_port, LOGIN, account)
        assert body["data"]["login"]["user"]["id"] == user_ids[0], body

    second_output = await run_once(data_dir, tmp_path / "second.log", census_marker, second)
    assert "reusing the previous run's data" in second_output
    assert (data_dir / "identity" / "jwt-key.pem").read_bytes() == key


async def test_a_run_after_a_killed_one_stops_its_leftovers(tmp_path: Path, census_marker: str):
    data_dir = tmp_path / "data"
    killed = DevRun(data_dir, tmp_path / "killed.log", census_marker)
    try:
        await killed.wait_ready()
        orphans = killed.descendants()
    finally:
        killed.kill()  # SIGKILL: no chance to stop its children
    assert all(p.is_running() for p in orphans), "the killed run's children outlive it"

    async def nothing(dev: DevRun) -> None:
        children = ["kafka", *(s.name for s in services.SUBGRAPHS), "router"]
        assert f"stopped {', '.join(children)}" in dev.text

    await run_once(data_dir, tmp_path / "next.log", census_marker, nothing)
    assert not [p for p in orphans if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
