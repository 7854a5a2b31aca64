"""What `supergraph dev` keeps where, and how it runs each service process.

One data folder holds everything that must survive a restart: Postgres's files, identity's
signing key, the composed supergraph and each part's log. Each service is described as a
``ProcessSpec`` (argv, environment, log file) so the orchestrator only starts and watches.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contracts import services
from contracts.internal_claims import DEVELOPMENT_SECRET
from supergraph.processes import ProcessSpec


@dataclass(frozen=True, slots=True)
class DataLayout:
    """Where each part keeps its state inside the one data folder."""

    root: Path

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def jwt_key(self) -> Path:
        return self.root / "identity" / "jwt-key.pem"

    @property
    def supergraph(self) -> Path:
        return self.root / "supergraph.graphql"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def children(self) -> Path:
        """The running children, so a run after a killed one can stop them."""
        return self.root / "children.json"

    def log(self, part: str) -> Path:
        return self.logs / f"{part}.log"

    def create(self) -> bool:
        """Create the folders; return whether the data folder already held a previous run."""
        existed = self.postgres.exists()
        for folder in (self.root, self.logs, self.jwt_key.parent):
            folder.mkdir(parents=True, exist_ok=True)
        return existed


def internal_secret() -> str:
    return os.environ.get("INTERNAL_SECRET") or DEVELOPMENT_SECRET


def configured_database_url(name: str) -> str | None:
    """``DATABASE_URL_<NAME>`` replaces the embedded database of subgraph ``name``."""
    suffix = services.service(name).environment_suffix
    return os.environ.get(f"DATABASE_URL_{suffix}") or None


def subgraph_spec(
    name: str,
    *,
    host: str,
    port: int,
    database_url: str | None,
    kafka_bootstrap_servers: str,
    layout: DataLayout,
    module: str | None = None,
    embedded_broker: bool = False,
) -> ProcessSpec:
    """How `supergraph dev` runs subgraph ``name`` (``module`` only differs in tests);
    ``database_url`` is None for a service the registry gives no database."""
    env = {
        "INTERNAL_SECRET": internal_secret(),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
    }
    if embedded_broker:  # tansu refuses idempotent producers (events/settings.py)
        env["KAFKA_IDEMPOTENCE"] = "false"
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    if name == "identity":
        env["JWT_PRIVATE_KEY_FILE"] = str(layout.jwt_key)
    if name == "chat":  # the broker runs anyway: fan messages out the way production does
        env["CHAT_FANOUT"] = "kafka"
    argv = (sys.executable, "-m", module or services.service(name).package, "serve")
    return ProcessSpec(
        name=name,
        argv=(*argv, "--host", host, "--port", str(port)),
        log_path=layout.log(name),
        env=env,
    )


def router_spec(
    *, host: str, port: int, subgraph_ports: Mapping[str, int], layout: DataLayout
) -> ProcessSpec:
    """How `supergraph dev` runs the router: on the composed supergraph, JWKS from identity."""
    identity_port = subgraph_ports.get("identity", services.service("identity").port)
    env = {
        "INTERNAL_SECRET": internal_secret(),
        "JWKS_URL": f"http://{host}:{identity_port}/.well-known/jwks.json",
    }
    for name, subgraph_port in subgraph_ports.items():
        subgraph = services.service(name)
        url = subgraph.routing_url(host, subgraph_port)
        env[f"SUBGRAPH_URL_{subgraph.environment_suffix}"] = url
    argv = (
        sys.executable,
        "-m",
        "supergraph.cli",
        "router",
        "--supergraph",
        str(layout.supergraph),
    )
    return ProcessSpec(
        name="router",
        argv=(*argv, "--host", host, "--port", str(port)),
        log_path=layout.log("router"),
        env=env,
    )
