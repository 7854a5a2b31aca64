"""A run after a killed `supergraph dev` stops what the killed one left running."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import psutil

from supergraph.embedded.postgres import EmbeddedPostgres
from supergraph.leftovers import RunRecord
from tests.supergraph.harness import PROJECT_ROOT


def family_of(pgid: int) -> list[psutil.Process]:
    members = []
    for proc in psutil.process_iter(["status"]):
        try:
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(proc)
        except (ProcessLookupError, psutil.Error):
            pass
    return members


async def test_recorded_children_of_a_killed_run_are_stopped_with_their_groups(
    tmp_path: Path, census_marker: str
):
    env = {**os.environ, "SUPERGRAPH_TEST_MARKER": census_marker}
    orchestrator = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.supergraph.killed_orchestrator", str(tmp_path)),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await orchestrator.communicate()
    assert orchestrator.returncode == 0
    pgid = int(output)
    for _ in range(100):  # the grandchild starts in the background
        if len(family_of(pgid)) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(family_of(pgid)) == 2, "child and grandchild outlived their orchestrator"

    stopped = await RunRecord(tmp_path / "children.json").stop_leftovers(timeout_s=5)
    assert stopped == ["family"]
    assert family_of(pgid) == []
    assert not (tmp_path / "children.json").exists()


async def test_a_reused_pid_is_not_taken_for_a_leftover(tmp_path: Path):
    record = tmp_path / "children.json"
    me = psutil.Process(os.getpid())
    entry = {"name": "router", "pid": me.pid, "started": me.create_time() - 3600}
    record.write_text(json.dumps([entry]))
    assert await RunRecord(record).stop_leftovers(timeout_s=1) == []
    assert me.is_running()


async def test_nothing_recorded_means_nothing_to_stop(tmp_path: Path):
    assert await RunRecord(tmp_path / "children.json").stop_leftovers() == []


def test_postgres_handles_of_dead_processes_are_released(tmp_path: Path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(finished.stdout)
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead, os.getpid()]))
    assert EmbeddedPostgres(tmp_path).release_stale_handles() == [dead]
    assert json.loads(handles.read_text()) == [os.getpid()]
