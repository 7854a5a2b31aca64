"""Child processes of `supergraph dev`: own session each, logged to a file, stopped as a group.

A child in its own session (hence its own process group) does not get the terminal's Ctrl-C:
only the orchestrator does, and it stops the children in order. Signalling the whole group
also reaches grandchildren (a server's workers or helpers), so stopping leaves no orphans.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from supergraph.errors import NotReady

_POLL_S = 0.1
RUN_MARKER = "--- supergraph dev: "
"""Starts each run's section of a log file; a log tail shows only the latest run."""
_AFTER_KILL_S = 5.0
"""SIGKILL cannot be refused, but a process stuck in the kernel may take a moment to go."""


@dataclass(frozen=True, slots=True)
class ProcessSpec:
    """What to run, with which environment, and where its output goes."""

    name: str
    argv: tuple[str, ...]
    log_path: Path
    env: Mapping[str, str] = field(default_factory=dict)
    """Added to (and overriding) the orchestrator's own environment."""


class ChildProcess:
    """A started child; its pid is also its process group id."""

    def __init__(self, spec: ProcessSpec, popen: subprocess.Popen[bytes]) -> None:
        self.spec = spec
        self._popen = popen

    @classmethod
    def start(cls, spec: ProcessSpec) -> ChildProcess:
        spec.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **spec.env}
        with spec.log_path.open("ab") as log:
            log.write(f"\n{RUN_MARKER}{spec.name} starting {time.strftime('%F %T')}\n".encode())
            log.flush()
            popen = subprocess.Popen(
                spec.argv,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return cls(spec, popen)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int:
        return self._popen.pid

    @property
    def returncode(self) -> int | None:
        """The exit code once the child has exited (reaping it), else None."""
        return self._popen.poll()

    def group_alive(self) -> bool:
        """Whether any process of the child's group is left (the child itself included)."""
        self._popen.poll()
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # the group id was reused by someone else's processes
            return False
        return True

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def log_tail(self, lines: int = 20) -> str:
        return log_tail(self.spec.log_path, lines)

    def describe_exit(self) -> str:
        code = self.returncode
        if code is None:
            return "is running"
        if code < 0:
            return f"was killed by {signal.Signals(-code).name}"
        return f"exited with code {code}"


async def stop_all(children: Iterable[ChildProcess], timeout_s: float = 10.0) -> None:
    """SIGTERM each child's group, wait up to ``timeout_s`` for it to end, then SIGKILL it."""
    pending = [c for c in children if c.group_alive()]
    for child in pending:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_S)
        pending = [c for c in pending if c.group_alive()]
    for child in pending:
        child.signal_group(signal.SIGKILL)
    deadline = time.monotonic() + _AFTER_KILL_S
    while pending and time.monotonic() < deadline:
        await asyncio.sleep(_POLL_S / 10)
        pending = [c for c in pending if c.group_alive()]


async def wait_http_ok(child: ChildProcess, url: str, timeout_s: float = 60.0) -> float:
    """Poll ``url`` until it answers 200; return the seconds it took.

    Raise ``NotReady`` if the child exits first or time runs out; its log says why.
    """
    started = time.monotonic()
    last = "no answer yet"
    async with httpx.AsyncClient(timeout=2.0) as client:
        while True:
            if child.returncode is not None:
                raise NotReady(child.name, f"{child.describe_exit()} before {url} answered")
            try:
                response = await client.get(url)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}"
            else:
                if response.status_code == 200:
                    return time.monotonic() - started
                last = f"HTTP {response.status_code}"
            if time.monotonic() - started > timeout_s:
                raise NotReady(child.name, f"{url} not ready after {timeout_s:.0f} s ({last})")
            await asyncio.sleep(_POLL_S * 2)


async def wait_tcp_open(
    child: ChildProcess, host: str, port: int, timeout_s: float = 30.0
) -> float:
    """Wait until ``host:port`` accepts a connection; return the seconds it took."""
    started = time.monotonic()
    while True:
        if child.returncode is not None:
            raise NotReady(child.name, f"{child.describe_exit()} before {host}:{port} accepted")
        if port_accepts(host, port):
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise NotReady(child.name, f"{host}:{port} refused connections for {timeout_s:.0f} s")
        await asyncio.sleep(_POLL_S / 2)


def port_accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def log_tail(path: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file's latest run ("" if there is no log)."""
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 64 * 1024))
            data = log.read()
    except FileNotFoundError:
        return ""
    text = data.decode(errors="replace")
    run_starts = text.rfind(RUN_MARKER)
    return "\n".join(text[max(run_starts, 0) :].splitlines()[-lines:])
