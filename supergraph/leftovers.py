"""Children a previous `supergraph dev` left running because it was killed (SIGKILL, a crash).

A clean stop leaves nothing behind, but a killed orchestrator cannot stop its children, and
they keep the ports and the data folder. So each run records its children in the data
folder, and the next run stops whichever of them still run before it starts anything. A
process counts as a leftover only if its pid *and* start time match the record, so a reused
pid is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import psutil

from supergraph.processes import ChildProcess

_START_TIME_TOLERANCE_S = 0.05


class _Entry(TypedDict):
    name: str
    pid: int
    started: float


@dataclass(frozen=True, slots=True)
class RunRecord:
    """The children of the current run, kept in ``path`` until it stops cleanly."""

    path: Path

    def add(self, child: ChildProcess) -> None:
        entries = self._read()
        with contextlib.suppress(psutil.Error):  # it already exited: nothing to stop later
            started = psutil.Process(child.pid).create_time()
            entries.append({"name": child.name, "pid": child.pid, "started": started})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(entries))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    async def stop_leftovers(self, timeout_s: float = 10.0) -> list[str]:
        """Stop the recorded children that still run (their whole groups); return their names."""
        leftovers = [entry for entry in self._read() if _still_running(entry)]
        for entry in leftovers:
            _signal_group(entry["pid"], signal.SIGTERM)
        pending = leftovers
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            pending = [entry for entry in pending if _group_alive(entry["pid"])]
        for entry in pending:
            _signal_group(entry["pid"], signal.SIGKILL)
        self.clear()
        return [entry["name"] for entry in leftovers]

    def _read(self) -> list[_Entry]:
        try:
            raw = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [
            _Entry(name=str(item["name"]), pid=item["pid"], started=float(item["started"]))
            for item in (raw if isinstance(raw, list) else [])
            if isinstance(item, dict)
            and isinstance(item.get("pid"), int)
            and isinstance(item.get("started"), int | float)
        ]


def _still_running(entry: _Entry) -> bool:
    try:
        started: float = psutil.Process(entry["pid"]).create_time()
    except psutil.Error:
        return False
    return abs(started - entry["started"]) < _START_TIME_TOLERANCE_S


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    """Whether a process of group ``pgid`` still runs (zombies waiting to be reaped do not)."""
    for proc in psutil.process_iter(["status"]):
        with contextlib.suppress(ProcessLookupError, psutil.Error):
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                return True
    return False
