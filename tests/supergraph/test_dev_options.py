"""The pure parts of `supergraph dev`: options, data layout, process specs, composition config."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
import yaml

from contracts import services
from contracts.internal_claims import DEVELOPMENT_SECRET
from supergraph.dev_options import DevOptions, add_dev_arguments, options_from_arguments
from supergraph.layout import DataLayout, configured_database_url, router_spec, subgraph_spec
from supergraph.live_composition import dev_supergraph_config
from supergraph.report import Report


def parse(*argv: str) -> DevOptions:
    parser = argparse.ArgumentParser()
    add_dev_arguments(parser)
    return options_from_arguments(parser.parse_args(argv))


REGISTRY_PORTS = {s.name: s.port for s in services.SUBGRAPHS}


def test_defaults_run_every_subgraph_of_the_registry_on_its_port():
    options = parse()
    assert options == DevOptions()
    assert (options.router_port, dict(options.subgraph_ports)) == (4000, REGISTRY_PORTS)
    assert {"identity": 4001, "profiles": 4002}.items() <= REGISTRY_PORTS.items()
    assert (options.data_dir, options.kafka_port) == (Path(".data"), 9092)


def test_ports_and_data_dir_can_be_moved():
    options = parse(
        "--data-dir", "/tmp/d", "--router-port", "5000", "--subgraph-port", "profiles=5002",
        "--kafka-port", "5092",
    )  # fmt: skip
    assert options.data_dir == Path("/tmp/d")
    assert dict(options.subgraph_ports) == {**REGISTRY_PORTS, "profiles": 5002}
    assert (options.router_port, options.kafka_port) == (5000, 5092)


@pytest.mark.parametrize("bad", ["profiles", "profiles=x", "billing=5000"])
def test_a_malformed_subgraph_port_is_refused(bad: str):
    with pytest.raises(SystemExit, match="NAME=PORT"):
        parse("--subgraph-port", bad)


def test_one_data_folder_holds_everything(tmp_path: Path):
    layout = DataLayout(tmp_path / "data")
    assert layout.create() is False
    assert layout.jwt_key == tmp_path / "data" / "identity" / "jwt-key.pem"
    assert layout.supergraph == tmp_path / "data" / "supergraph.graphql"
    assert layout.log("router") == tmp_path / "data" / "logs" / "router.log"
    assert layout.jwt_key.parent.is_dir()
    assert layout.logs.is_dir()
    layout.postgres.mkdir()
    assert layout.create() is True, "a second start reuses the previous run's data"


def test_a_database_url_from_the_environment_replaces_the_embedded_one(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("DATABASE_URL_IDENTITY", "postgresql+asyncpg://u@db/identity")
    monkeypatch.delenv("DATABASE_URL_PROFILES", raising=False)
    assert configured_database_url("identity") == "postgresql+asyncpg://u@db/identity"
    assert configured_database_url("profiles") is None


def test_subgraphs_run_as_their_own_module_with_their_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("INTERNAL_SECRET", raising=False)
    layout = DataLayout(tmp_path)
    common = {"host": "127.0.0.1", "kafka_bootstrap_servers": "127.0.0.1:9", "layout": layout}
    identity = subgraph_spec("identity", port=4101, database_url="pg://i", **common)
    profiles = subgraph_spec("profiles", port=4102, database_url="pg://p", **common)
    assert identity.argv == (
        sys.executable, "-m", "subgraphs.identity", "serve",
        "--host", "127.0.0.1", "--port", "4101",
    )  # fmt: skip
    assert identity.env == {
        "DATABASE_URL": "pg://i",
        "INTERNAL_SECRET": DEVELOPMENT_SECRET,
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9",
        "JWT_PRIVATE_KEY_FILE": str(layout.jwt_key),
    }
    assert "JWT_PRIVATE_KEY_FILE" not in profiles.env
    assert profiles.log_path == layout.log("profiles")


def test_the_router_gets_the_supergraph_jwks_and_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("INTERNAL_SECRET", "s3cret")
    spec = router_spec(
        host="127.0.0.1",
        port=4100,
        subgraph_ports={"identity": 4101, "profiles": 4102},
        layout=DataLayout(tmp_path),
    )
    assert spec.argv[1:] == (
        "-m", "supergraph.cli", "router", "--supergraph", str(tmp_path / "supergraph.graphql"),
        "--host", "127.0.0.1", "--port", "4100",
    )  # fmt: skip
    assert spec.env["JWKS_URL"] == "http://127.0.0.1:4101/.well-known/jwks.json"
    assert spec.env["INTERNAL_SECRET"] == "s3cret"
    assert spec.env["SUBGRAPH_URL_PROFILES"] == "http://127.0.0.1:4102/graphql"


def test_dev_composition_reads_the_running_subgraphs(tmp_path: Path):
    base = tmp_path / "supergraph.yaml"
    base.write_text(
        yaml.safe_dump(
            {
                "federation_version": "=2.9.0",
                "subgraphs": {
                    "identity": {
                        "routing_url": "http://identity:4001/graphql",
                        "schema": {"file": "./schema/subgraphs/identity.graphql"},
                    },
                    "files": {"routing_url": "http://files:4003/graphql"},
                },
            }
        )
    )
    urls = {
        "identity": "http://127.0.0.1:4101/graphql",
        "profiles": "http://127.0.0.1:4102/graphql",
    }
    config = dev_supergraph_config(base, urls)
    running = {
        name: {"routing_url": url, "schema": {"subgraph_url": url}} for name, url in urls.items()
    }
    assert config == {"federation_version": "=2.9.0", "subgraphs": running}
    assert dev_supergraph_config(tmp_path / "missing.yaml", urls) == {"subgraphs": running}


def test_status_lines_show_part_timing_and_detail():
    lines: list[str] = []
    report = Report(lines.append)
    report.step("ok", "postgres", "embedded Postgres 16", 3.14159)
    report.step("--", "postgres", "identity: configured")
    assert lines == [
        "  ok   postgres    3.1 s  embedded Postgres 16",
        "  --   postgres           identity: configured",
    ]


def test_dev_refuses_the_development_secret_beyond_loopback_before_starting_anything(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from supergraph.cli import main

    monkeypatch.delenv("INTERNAL_SECRET", raising=False)
    assert main(["dev", "--host", "0.0.0.0", "--data-dir", str(tmp_path / "data")]) == 2
    assert "refusing to listen on '0.0.0.0'" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # nothing was started
