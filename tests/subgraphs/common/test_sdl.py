"""The committed ``schema/subgraphs/*.graphql`` files are what the services serve (drift)."""

from __future__ import annotations

from pathlib import Path

from subgraphs.common.sdl import SUBGRAPHS, drifted, export_sdl, file_text, write_all
from subgraphs.common.testing import RunningSubgraph

COMMITTED = Path(__file__).resolve().parents[3] / "schema" / "subgraphs"


async def assert_serves_committed_sdl(name: str, running: RunningSubgraph) -> None:
    response = await running.client.graphql("{ _service { sdl } }")

    committed = (COMMITTED / f"{name}.graphql").read_text(encoding="utf-8")
    assert file_text(response.data["_service"]["sdl"]) == committed, (
        f"schema/subgraphs/{name}.graphql is stale: run `supergraph export-sdl`"
    )


async def test_identity_serves_the_committed_sdl(identity: RunningSubgraph) -> None:
    await assert_serves_committed_sdl("identity", identity)


async def test_profiles_serves_the_committed_sdl(profiles: RunningSubgraph) -> None:
    await assert_serves_committed_sdl("profiles", profiles)


def test_no_subgraph_has_drifted() -> None:
    assert drifted(COMMITTED) == []


def test_subgraphs_pin_federation_2_9() -> None:
    for name in SUBGRAPHS:
        assert 'url: "https://specs.apollo.dev/federation/v2.9"' in export_sdl(name)


def test_write_all_writes_one_file_per_subgraph(tmp_path: Path) -> None:
    written = write_all(tmp_path / "out")

    assert sorted(path.name for path in written) == sorted(f"{n}.graphql" for n in SUBGRAPHS)
    assert drifted(tmp_path / "out") == []
    (tmp_path / "out" / "profiles.graphql").write_text("type Query { stale: Int }\n")
    assert drifted(tmp_path / "out") == ["profiles"]
