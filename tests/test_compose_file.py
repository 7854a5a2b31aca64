"""compose.yaml only names what exists: commands, files, services, and the env contract.

Nothing here needs Docker: the file is read as data and every command it names is checked
against the project (CLI subcommands, ``python -m`` modules and their subcommands).
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from contracts import services
from supergraph.cli import build_parser
from supergraph.compose_drift import compose_drift

ROOT = Path(__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]


def argv_of(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def commands() -> Iterator[tuple[str, list[str]]]:
    """Every command line compose.yaml runs in a project image (``build:`` services)."""
    for name, service in SERVICES.items():
        if "build" not in service:
            continue
        for key in ("entrypoint", "command"):
            if key in service:
                yield name, argv_of(service[key])


def jobs() -> set[str]:
    """One-shot services: they exit when done, so dependents wait for their success."""
    return {name for name, service in SERVICES.items() if service.get("restart") == "no"}


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on", {})
    return {dep: {} for dep in deps} if isinstance(deps, list) else deps


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        choice
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action.choices
    }


def test_compose_names_the_services_that_exist_now():
    assert {s.name for s in services.SERVICES} <= set(SERVICES)
    assert {"postgres", "kafka", "qdrant", "otel-collector"} <= set(SERVICES)


def test_compose_agrees_with_the_registry_of_services():
    assert compose_drift(COMPOSE, services.SERVICES, where="compose.yaml") == []


def drift_after(change: Any) -> list[str]:
    compose = copy.deepcopy(COMPOSE)
    change(compose["services"])
    return compose_drift(compose, services.SERVICES, where="compose.yaml")


def test_a_registry_subgraph_missing_from_compose_is_named():
    def forget_profiles(services: dict[str, Any]) -> None:
        del services["profiles"]
        del services["router"]["environment"]["SUBGRAPH_URL_PROFILES"]
        del services["router"]["depends_on"]["profiles"]

    assert drift_after(forget_profiles) == [
        "compose.yaml: service 'profiles' is missing (contracts/services.py)",
        "compose.yaml: service 'router' needs SUBGRAPH_URL_PROFILES: http://profiles:4002/graphql",
        "compose.yaml: service 'router' must depend on subgraph 'profiles'",
    ]


def test_a_port_module_or_database_that_differs_is_named():
    def move(services: dict[str, Any]) -> None:
        services["identity"]["command"] = services["identity"]["command"].replace("4001", "4011")
        services["profiles"]["command"] = "python -m subgraphs.identity serve --host 0.0.0.0"
        del services["profiles"]["environment"]["DATABASE_URL"]
        services["billing"] = {"build": {}, "command": "python -m subgraphs.billing serve"}

    assert drift_after(move) == [
        "compose.yaml: service 'identity' does not listen on its port: expected --port 4001",
        "compose.yaml: service 'profiles' runs 'python -m subgraphs.identity serve', "
        "not 'python -m subgraphs.profiles serve'",
        "compose.yaml: service 'profiles' does not listen on its port: expected --port 4002",
        "compose.yaml: service 'profiles' needs DATABASE_URL ending in /profiles "
        "(it owns a database)",
        "compose.yaml: service 'billing' runs project code but is not in contracts/services.py",
    ]


@pytest.mark.parametrize(
    ("service", "argv"), [pytest.param(name, argv, id=name) for name, argv in commands()]
)
def test_every_command_exists_in_the_project(service: str, argv: list[str]):
    program = Path(argv[0]).name
    if program == "supergraph":
        parser = build_parser()
        assert argv[1] in subcommands(parser), f"{service}: unknown subcommand {argv[1]}"
        try:
            parser.parse_args(argv[1:])
        except SystemExit as exc:
            pytest.fail(f"{service}: `{shlex.join(argv)}` is refused by the CLI ({exc})")
    elif program.startswith("python"):
        assert argv[1] == "-m", f"{service}: run project code as a module, not {argv[1]}"
        module = argv[2]
        assert importlib.util.find_spec(module) is not None, f"{service}: no module {module}"
        # The module's own parser must accept the subcommand: ask it for that command's help.
        positional = [arg for arg in argv[3:] if not arg.startswith("-")][:1]
        check = [sys.executable, "-m", module, *positional, "--help"]
        run = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{service}: `{shlex.join(check)}` failed:\n{run.stderr}"
    else:
        pytest.fail(f"{service}: {program} is neither `supergraph` nor `python -m`")


@pytest.mark.parametrize("service", sorted(set(SERVICES) - jobs()))
def test_every_long_running_service_has_a_healthcheck(service: str):
    healthcheck = SERVICES[service].get("healthcheck") or {}
    assert not healthcheck.get("disable"), service
    test = argv_of(healthcheck.get("test", []))
    assert test[:1] in (["CMD"], ["CMD-SHELL"]), f"{service}: healthcheck test {test}"
    if test[1:3] == ["python", "-c"]:
        compile(test[3], f"<{service} healthcheck>", "exec")


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_dependencies_exist_and_wait_for_health_or_success(service: str):
    for dep, spec in depends_on(SERVICES[service]).items():
        assert dep in SERVICES, f"{service} depends on unknown {dep}"
        wanted = "service_completed_successfully" if dep in jobs() else "service_healthy"
        assert spec.get("condition") == wanted, f"{service} -> {dep}"


def test_files_the_compose_file_references_exist():
    for name, service in SERVICES.items():
        if "build" in service:
            context = ROOT / service["build"]["context"]
            assert context.is_dir(), name
            assert (context / service["build"].get("dockerfile", "Dockerfile")).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source} is missing"
            else:
                assert source in COMPOSE.get("volumes", {}), f"{name}: undeclared volume {source}"
        for secret in service.get("secrets", []):
            assert secret in COMPOSE.get("secrets", {}), f"{name}: undeclared secret {secret}"
    for name, secret in COMPOSE.get("secrets", {}).items():
        assert "environment" in secret or (ROOT / secret["file"]).is_file(), name


def environment(service: str) -> dict[str, str]:
    return {k: str(v) for k, v in SERVICES[service].get("environment", {}).items()}


def port_of(service: str) -> int:
    argv = argv_of(SERVICES[service]["command"])
    return int(argv[argv.index("--port") + 1])


@pytest.mark.parametrize("subgraph", ["identity", "profiles"])
def test_subgraphs_get_their_own_database_and_production_settings(subgraph: str):
    env = environment(subgraph)
    assert env["ENVIRONMENT"] == "production"
    assert env["INTERNAL_SECRET"].startswith("${INTERNAL_SECRET:?"), "a secret, never a default"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    # (The URL embeds ${POSTGRES_PASSWORD:?...}, so it is split by hand, not as a URL.)
    scheme, _, rest = env["DATABASE_URL"].partition("://")
    server, _, database = rest.rpartition("@")[2].partition("/")
    assert (scheme, server, database) == ("postgresql+asyncpg", "postgres:5432", subgraph)
    assert database in environment("postgres")["SERVICE_DATABASES"].split()
    router_url = urlsplit(environment("router")[f"SUBGRAPH_URL_{subgraph.upper()}"])
    assert (router_url.hostname, router_url.port) == (subgraph, port_of(subgraph))


def test_identity_signs_with_a_key_from_a_secret_and_the_router_reads_its_jwks():
    key_file = environment("identity")["JWT_PRIVATE_KEY_FILE"]
    assert key_file == f"/run/secrets/{SERVICES['identity']['secrets'][0]}"
    jwks = urlsplit(environment("router")["JWKS_URL"])
    assert (jwks.hostname, jwks.port, jwks.path) == (
        "identity",
        port_of("identity"),
        "/.well-known/jwks.json",
    )


def test_the_router_serves_the_committed_supergraph_on_4000():
    argv = argv_of(SERVICES["router"]["command"])
    assert argv[:2] == ["supergraph", "router"]
    supergraph = argv[argv.index("--supergraph") + 1]
    assert supergraph == "schema/supergraph.graphql"
    assert (ROOT / supergraph).is_file(), "the image serves the committed supergraph"
    assert port_of("router") == 4000
    assert "4000:4000" in SERVICES["router"]["ports"]


def test_router_metrics_listen_on_the_compose_network_but_are_not_published():
    env = environment("router")
    assert env["ENVIRONMENT"] == "production"  # so /metrics is off the public listener
    assert env["METRICS_PORT"] in SERVICES["router"]["expose"]
    assert not any(env["METRICS_PORT"] in str(port) for port in SERVICES["router"]["ports"])


def test_the_image_installs_the_project_with_pip():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "pip install ." in dockerfile


def test_the_collector_pipeline_only_uses_components_it_defines():
    volumes = SERVICES["otel-collector"]["volumes"]
    config_path = next(v.split(":")[0] for v in volumes if v.endswith(".yaml:ro"))
    config = yaml.safe_load((ROOT / config_path).read_text())
    service = config["service"]
    assert set(service["extensions"]) <= set(config["extensions"])
    for pipeline in service["pipelines"].values():
        for kind in ("receivers", "processors", "exporters"):
            assert set(pipeline.get(kind, [])) <= set(config.get(kind) or {}), kind
