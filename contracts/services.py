"""The registry of services: every process the platform runs, declared once.

What derives from it: the processes, ports and databases of `supergraph dev`
(``supergraph/dev_options.py``, ``supergraph/layout.py``), which subgraph schemas are exported
and checked for drift (``subgraphs/common/sdl.py``), each subgraph's default port
(``subgraphs/common/service.py``), and the audiences of internal claims (one per name).
``supergraph.yaml`` (rover's format) and ``compose.yaml`` stay literal files; ``supergraph
check`` reports where they disagree with this list (``schema/service_drift.py``,
``supergraph/compose_drift.py``). Adding a service is one entry here plus its package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ServiceKind = Literal["router", "subgraph", "worker"]

DEV_HOST = "127.0.0.1"
"""Where `supergraph dev` runs everything, and the host of the routing URLs in supergraph.yaml."""


@dataclass(frozen=True, slots=True)
class Service:
    """One process of the platform.

    ``port`` is its default port, the same on loopback under `supergraph dev` and inside its
    container; a worker has one too, for ``/health`` and ``/metrics``. ``database`` says whether
    it owns a Postgres database, named after the service.
    """

    name: str
    kind: ServiceKind
    package: str
    """The Python package; ``python -m <package> serve`` runs a subgraph or a worker."""
    port: int
    database: bool = False

    @property
    def schema(self) -> str:
        """``module:attribute`` of a subgraph's Strawberry schema, by convention."""
        if self.kind != "subgraph":
            raise ValueError(f"{self.name} is a {self.kind}, not a subgraph: it has no schema")
        return f"{self.package}.schema:schema"

    @property
    def environment_suffix(self) -> str:
        """How environment variables name it: ``SUBGRAPH_URL_<X>``, ``DATABASE_URL_<X>``."""
        return self.name.upper().replace("-", "_")

    def routing_url(self, host: str = DEV_HOST, port: int | None = None) -> str:
        """Where the router reaches it: its GraphQL endpoint over HTTP."""
        return f"http://{host}:{self.port if port is None else port}/graphql"


SERVICES: tuple[Service, ...] = (
    Service("router", "router", "router", 4000),
    Service("identity", "subgraph", "subgraphs.identity", 4001, database=True),
    Service("profiles", "subgraph", "subgraphs.profiles", 4002, database=True),
    Service("chat", "subgraph", "subgraphs.chat", 4003, database=True),
)
"""Every service, router first, then in start order."""


def of_kind(kind: ServiceKind) -> tuple[Service, ...]:
    return tuple(s for s in SERVICES if s.kind == kind)


SUBGRAPHS = of_kind("subgraph")
WORKERS = of_kind("worker")
ROUTER = of_kind("router")[0]


def service(name: str) -> Service:
    """The service called ``name``; ``KeyError`` naming the known ones otherwise."""
    for candidate in SERVICES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no service {name!r} in contracts/services.py (known: {names(SERVICES)})")


def names(services: tuple[Service, ...]) -> str:
    return ", ".join(s.name for s in services)


def problems(services: tuple[Service, ...]) -> list[str]:
    """What makes a list of services unusable: a name or port used twice, not one router."""
    found = []
    for attribute in ("name", "port"):
        users: dict[object, list[str]] = {}
        for candidate in services:
            users.setdefault(getattr(candidate, attribute), []).append(candidate.name)
        found += [
            f"{attribute} {value} is used by {', '.join(by)}"
            for value, by in users.items()
            if len(by) > 1
        ]
    routers = [s for s in services if s.kind == "router"]
    if len(routers) != 1:
        found.append(f"there must be exactly one router, not {len(routers)}")
    return found
