"""Embedded Postgres from the ``pgserver`` wheel: one server, one database per service.

Real Postgres 16 with no root and no Docker. It listens on a Unix socket inside the data
folder, so two runs with different folders never collide on a port.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

with warnings.catch_warnings():
    # pgserver asks platformdirs for a runtime dir at import; without XDG_RUNTIME_DIR it warns
    # and falls back to /tmp, which is fine for sockets we keep inside the data folder anyway.
    warnings.simplefilter("ignore", UserWarning)
    import pgserver


@dataclass
class EmbeddedPostgres:
    """A pgserver instance kept in ``data_dir``; data survives restarts."""

    data_dir: Path
    _server: Any = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = pgserver.get_server(self.data_dir, cleanup_mode="stop")

    @property
    def socket_dir(self) -> str:
        """The folder of the server's Unix socket (pgserver picks it; it may be short-pathed)."""
        uri: str = self._server.get_uri()
        return uri.split("host=", 1)[1].split("&", 1)[0]

    def create_database(self, name: str) -> None:
        """Create ``name`` unless it exists (idempotent across restarts)."""
        exists = self._server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            self._server.psql(f'CREATE DATABASE "{name}";')

    def url(self, database: str) -> str:
        """SQLAlchemy asyncpg URL for ``database`` over the Unix socket."""
        return f"postgresql+asyncpg://postgres@/{database}?host={quote(self.socket_dir)}"

    def release_stale_handles(self) -> list[int]:
        """Forget handles of processes that died without closing them; return their pids.

        pgserver counts its users by pid in ``<data_dir>/.handle_pids.json`` and stops the
        server only when the last one closes. A user killed with SIGKILL never closes, so
        without this the server would outlive every later clean stop. Call before ``start``.
        """
        handles = self.data_dir / ".handle_pids.json"
        try:
            pids = json.loads(handles.read_text())
        except (FileNotFoundError, ValueError):
            return []
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))
        return [pid for pid in pids if pid not in alive]

    def is_running(self) -> bool:
        """Whether the postmaster is alive (the dev supervisor watches it like its children)."""
        return self._server is not None and bool(self._server.get_postmaster_info().is_running())

    def stop(self) -> None:
        """Stop the server cleanly (a fast shutdown: committed data is kept)."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
