"""The registry of services: well formed, and every entry backed by a package that runs."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

from contracts import services
from contracts.services import Service

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_is_well_formed() -> None:
    assert services.problems(services.SERVICES) == []
    assert services.ROUTER.name == "router"


def test_the_port_contract_of_the_services_that_exist() -> None:
    ports = {s.name: s.port for s in services.SERVICES}
    assert {"router": 4000, "identity": 4001, "profiles": 4002}.items() <= ports.items()


def test_a_name_or_port_used_twice_or_a_missing_router_is_reported() -> None:
    twice = (
        Service("identity", "subgraph", "subgraphs.identity", 4001),
        Service("identity", "subgraph", "subgraphs.chat", 4001),
    )
    assert services.problems(twice) == [
        "name identity is used by identity, identity",
        "port 4001 is used by identity, identity",
        "there must be exactly one router, not 0",
    ]


@pytest.mark.parametrize("service", services.SUBGRAPHS, ids=lambda s: s.name)
def test_each_subgraph_is_a_runnable_package_with_its_schema(service: Service) -> None:
    assert importlib.util.find_spec(f"{service.package}.__main__") is not None
    module, attribute = service.schema.split(":")
    assert importlib.util.find_spec(module) is not None
    app = importlib.import_module(f"{service.package}.app")
    assert (app.SERVICE.name, app.SERVICE.default_port) == (service.name, service.port)
    migrations = ROOT / service.package.replace(".", "/") / "migrations"
    assert migrations.is_dir() == service.database, "a database comes with its migrations"
    assert attribute == "schema"


def test_routing_urls_and_environment_names() -> None:
    identity = services.service("identity")
    assert identity.routing_url() == "http://127.0.0.1:4001/graphql"
    assert identity.routing_url("identity") == "http://identity:4001/graphql"
    assert identity.routing_url(port=5001) == "http://127.0.0.1:5001/graphql"
    assert Service("rag-worker", "worker", "rag", 4010).environment_suffix == "RAG_WORKER"


def test_an_unknown_service_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: router, identity, profiles"):
        services.service("billing")
    with pytest.raises(ValueError, match="router is a router, not a subgraph"):
        _ = services.ROUTER.schema
