"""compose.yaml against the registry of services: the same services, modules, ports, URLs.

compose.yaml stays a YAML file Docker reads as it is; ``contracts.services`` is the source.
``supergraph check`` (and tests/test_compose_file.py) report each difference, naming the
service, so a service added to the registry cannot be forgotten in the deployment.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from contracts.services import Service

CONTAINER_HOST = "0.0.0.0"


def compose_drift(compose: Any, registry: Sequence[Service], *, where: str) -> list[str]:
    """What ``compose`` (compose.yaml as data, read from ``where``) says differently from
    ``registry``."""
    services = compose.get("services") if isinstance(compose, Mapping) else None
    if not isinstance(services, Mapping):
        return [f"{where}: no 'services' mapping"]
    problems = []
    for service in registry:
        entry = services.get(service.name)
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: service {service.name!r} is missing (contracts/services.py)")
            continue
        problems += [f"{where}: service {service.name!r} {p}" for p in _entry(service, entry)]
    problems += _postgres(services, registry, where)
    declared = {s.name for s in registry}
    problems += [
        f"{where}: service {name!r} runs project code but is not in contracts/services.py"
        for name, entry in services.items()
        if isinstance(entry, Mapping)
        and "build" in entry
        and entry.get("restart") != "no"  # one-shot jobs such as kafka-topics
        and name not in declared
    ]
    if routers := [s for s in registry if s.kind == "router"]:
        router = services.get(routers[0].name)
        if isinstance(router, Mapping):
            problems += _router(routers[0].name, router, registry, where)
    return problems


def _entry(service: Service, entry: Mapping[str, Any]) -> list[str]:
    problems = []
    argv = _argv(entry.get("command"))
    if service.kind == "router":
        expected = ["supergraph", "router"]
        actual = argv[:2]
    else:
        expected = ["python", "-m", service.package, "serve"]
        actual = argv[:4]
    if actual != expected:
        problems.append(f"runs {shlex.join(actual)!r}, not {shlex.join(expected)!r}")
    if _option(argv, "--port") != str(service.port):
        problems.append(f"does not listen on its port: expected --port {service.port}")
    if _option(argv, "--host") != CONTAINER_HOST:
        problems.append(f"must listen on --host {CONTAINER_HOST} inside its container")
    healthcheck = entry.get("healthcheck")
    test = healthcheck.get("test") if isinstance(healthcheck, Mapping) else None
    health = " ".join(_argv(test))
    if f"127.0.0.1:{service.port}/" not in health:
        problems.append(f"healthcheck does not ask port {service.port}")
    database = _environment(entry).get("DATABASE_URL")
    if service.database and not (database or "").endswith(f"/{service.name}"):
        problems.append(f"needs DATABASE_URL ending in /{service.name} (it owns a database)")
    if not service.database and database is not None:
        problems.append("has a DATABASE_URL but owns no database in contracts/services.py")
    return problems


def _router(
    name: str, router: Mapping[str, Any], registry: Sequence[Service], where: str
) -> list[str]:
    """The router reaches every subgraph by its service name, and starts after them."""
    environment = _environment(router)
    subgraphs = [s for s in registry if s.kind == "subgraph"]
    expected = {
        f"SUBGRAPH_URL_{s.environment_suffix}": s.routing_url(host=s.name) for s in subgraphs
    }
    actual = {k: v for k, v in environment.items() if k.startswith("SUBGRAPH_URL_")}
    problems = [
        f"{where}: service {name!r} needs {key}: {url}"
        for key, url in expected.items()
        if actual.get(key) != url
    ]
    problems += [
        f"{where}: service {name!r} has {key} for no subgraph of contracts/services.py"
        for key in actual
        if key not in expected
    ]
    depends = router.get("depends_on") or {}
    problems += [
        f"{where}: service {name!r} must depend on subgraph {s.name!r}"
        for s in subgraphs
        if s.name not in depends
    ]
    return problems


def _postgres(services: Mapping[str, Any], registry: Sequence[Service], where: str) -> list[str]:
    """Every service that owns a database gets one from the init script."""
    postgres = services.get("postgres")
    listed = str(_environment(postgres).get("SERVICE_DATABASES", "")).split()
    return [
        f"{where}: service 'postgres' must create database {s.name!r} (SERVICE_DATABASES)"
        for s in registry
        if s.database and s.name not in listed
    ]


def _argv(value: Any) -> list[str]:
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, list):
        return [str(part) for part in value]
    return []


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv[:-1] else None


def _environment(entry: Any) -> dict[str, str]:
    environment = entry.get("environment") if isinstance(entry, Mapping) else None
    if isinstance(environment, Mapping):
        return {str(k): str(v) for k, v in environment.items()}
    if isinstance(environment, list):
        return dict(str(item).partition("=")[::2] for item in environment)
    return {}
