"""Process supervision: groups stop with no orphans, readiness waits report failing children."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from supergraph.errors import NotReady
from supergraph.layout import DataLayout, subgraph_spec
from supergraph.processes import RUN_MARKER, ChildProcess, ProcessSpec, stop_all, wait_http_ok
from tests.harness.asgi_server import free_port
from tests.supergraph.harness import PROJECT_ROOT

STANDIN = "tests.supergraph.standin_subgraph"

# A child that starts a grandchild, prints its pid, then waits; "--stubborn" ignores SIGTERM
# (the grandchild inherits that), "--leave" exits at once and leaves the grandchild behind.
FAMILY = """
import signal, subprocess, sys, time
if "--stubborn" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(f"grandchild {grandchild.pid}", flush=True)
if "--leave" in sys.argv:
    sys.exit(0)
time.sleep(600)
"""


def start_family(tmp_path: Path, marker: str, *flags: str) -> tuple[ChildProcess, int]:
    spec = ProcessSpec(
        name="family",
        argv=(sys.executable, "-c", FAMILY, *flags),
        log_path=tmp_path / "logs" / "family.log",
        env={"SUPERGRAPH_TEST_MARKER": marker},
    )
    child = ChildProcess.start(spec)
    deadline = time.monotonic() + 10
    while "grandchild" not in child.log_tail():
        assert time.monotonic() < deadline, child.log_tail()
        time.sleep(0.05)
    grandchild = int(child.log_tail().split("grandchild ")[1].split()[0])
    return child, grandchild


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_stopping_a_child_also_ends_its_grandchildren(tmp_path: Path, census_marker: str):
    child, grandchild = start_family(tmp_path, census_marker)
    assert child.group_alive()
    started = time.monotonic()
    await stop_all([child], timeout_s=5)
    assert time.monotonic() - started < 4, "a SIGTERM should have been enough"
    assert child.returncode == -signal.SIGTERM
    assert gone(grandchild)
    assert not child.group_alive()


async def test_a_child_ignoring_sigterm_is_killed_after_the_timeout(
    tmp_path: Path, census_marker: str
):
    child, grandchild = start_family(tmp_path, census_marker, "--stubborn")
    started = time.monotonic()
    await stop_all([child], timeout_s=0.5)
    assert 0.5 <= time.monotonic() - started < 5
    assert child.returncode == -signal.SIGKILL
    assert child.describe_exit() == "was killed by SIGKILL"
    assert gone(grandchild)


async def test_a_grandchild_left_behind_by_an_exited_child_is_stopped(
    tmp_path: Path, census_marker: str
):
    child, grandchild = start_family(tmp_path, census_marker, "--leave")
    for _ in range(200):
        if child.returncode is not None:
            break
        await asyncio.sleep(0.05)
    assert child.returncode == 0
    assert not gone(grandchild)
    assert child.group_alive(), "the grandchild still belongs to the child's group"
    await stop_all([child], timeout_s=5)
    assert gone(grandchild)


def standin(tmp_path: Path, marker: str, name: str, port: int, database_url: str) -> ProcessSpec:
    """The spec `supergraph dev` would use for ``name``, running the stand-in module."""
    spec = subgraph_spec(
        name,
        host="127.0.0.1",
        port=port,
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        layout=DataLayout(tmp_path / "data"),
        module=STANDIN,
    )
    extra = {"PYTHONPATH": str(PROJECT_ROOT), "SUPERGRAPH_TEST_MARKER": marker}
    return dataclasses.replace(spec, env={**spec.env, **extra})


async def test_a_ready_subgraph_gets_its_environment_and_log(tmp_path: Path, census_marker: str):
    port = free_port()
    child = ChildProcess.start(standin(tmp_path, census_marker, "identity", port, "standin://ok"))
    try:
        seconds = await wait_http_ok(child, f"http://127.0.0.1:{port}/ready", timeout_s=30)
        assert seconds < 30
        async with httpx.AsyncClient() as client:
            env = (await client.get(f"http://127.0.0.1:{port}/env")).json()
    finally:
        await stop_all([child])
    layout = DataLayout(tmp_path / "data")
    assert env["DATABASE_URL"] == "standin://ok"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:1"
    assert env["INTERNAL_SECRET"]
    assert env["JWT_PRIVATE_KEY_FILE"] == str(layout.jwt_key)
    assert "stand-in serving on 127.0.0.1" in layout.log("identity").read_text()


async def test_readiness_reports_a_child_that_exits(tmp_path: Path, census_marker: str):
    port = free_port()
    spec = standin(tmp_path, census_marker, "profiles", port, "standin://crash")
    for _ in range(2):  # the log keeps both runs; its tail shows the latest
        child = ChildProcess.start(spec)
        with pytest.raises(NotReady) as failure:
            await wait_http_ok(child, f"http://127.0.0.1:{port}/ready", timeout_s=30)
    assert failure.value.part == "profiles"
    assert "exited with code 3" in failure.value.reason
    assert spec.log_path.read_text().count("could not apply migrations") == 2
    tail = child.log_tail()
    assert tail.startswith(f"{RUN_MARKER}profiles starting")
    assert tail.count("could not apply migrations") == 1


async def test_readiness_gives_up_on_a_child_that_never_gets_ready(
    tmp_path: Path, census_marker: str
):
    port = free_port()
    child = ChildProcess.start(standin(tmp_path, census_marker, "profiles", port, "standin://down"))
    try:
        with pytest.raises(NotReady) as failure:
            await wait_http_ok(child, f"http://127.0.0.1:{port}/ready", timeout_s=3)
    finally:
        await stop_all([child])
    assert "not ready after 3 s (HTTP 503)" in failure.value.reason
