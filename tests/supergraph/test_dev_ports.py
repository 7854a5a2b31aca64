"""`supergraph dev` refuses ports that are taken before it starts anything."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from supergraph.dev import run_dev
from supergraph.dev_options import DevOptions
from tests.harness.asgi_server import free_port


def test_a_taken_port_stops_dev_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        options = DevOptions(
            data_dir=tmp_path / "data",
            router_port=free_port(),
            subgraph_ports={"identity": taken, "profiles": free_port()},
            kafka_port=free_port(),
        )
        assert run_dev(options) == 1
    out = capsys.readouterr().out
    assert "FAIL ports" in out
    assert f"identity {taken}" in out
    assert not (tmp_path / "data").exists(), "nothing was started or created"
