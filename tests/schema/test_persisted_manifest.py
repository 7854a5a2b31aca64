"""The persisted query manifest: built from schema/operations/, guarded by ``supergraph check``,
written by ``supergraph publish``, and accepted by the router's safelist as written."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.persisted import parse_manifest
from router.pipeline.persisted import PersistedConfig, PersistedOperations
from schema.checks import check_schema
from schema.composition import SubgraphSource, compose
from schema.persisted import ManifestProblem, build_manifest, manifest_text

ROOT = Path(__file__).parents[2]

OPERATIONS = """
query Courses { courses { ...Course } }
fragment Unused on Course { hours }
fragment Course on Course { id ...Title }
fragment Title on Course { title }
mutation Enroll($id: ID!) { enroll(id: $id) }
"""

COURSES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query { courses: [Course!]! }
type Mutation { enroll(id: ID!): Boolean }
type Course @key(fields: "id") { id: ID! title: String! hours: Int }
"""


def test_each_operation_is_listed_with_the_fragments_it_uses_and_its_hash() -> None:
    manifest = build_manifest({"catalog.graphql": OPERATIONS})
    assert manifest["format"] == "apollo-persisted-query-manifest"
    assert manifest["version"] == 1
    courses, enroll = manifest["operations"]
    assert (courses["name"], courses["type"]) == ("Courses", "query")
    assert courses["body"] == (
        "query Courses {\n  courses {\n    ...Course\n  }\n}\n\n"
        "fragment Course on Course {\n  id\n  ...Title\n}\n\n"
        "fragment Title on Course {\n  title\n}"
    )
    assert courses["id"] == hashlib.sha256(courses["body"].encode()).hexdigest()
    assert (enroll["name"], enroll["type"]) == ("Enroll", "mutation")
    assert "fragment" not in enroll["body"]


def test_the_router_safelist_accepts_what_the_manifest_lists(tmp_path: Path) -> None:
    path = tmp_path / "persisted-queries.json"
    path.write_text(manifest_text({"catalog.graphql": OPERATIONS}), encoding="utf-8")
    manifest = parse_manifest(path.read_text(encoding="utf-8"))
    safelist = PersistedOperations(PersistedConfig(apq=False, safelist_path=str(path)))
    for operation in manifest.operations:
        assert safelist.resolve(operation.body, {}) == operation.body
        extension = {"persistedQuery": {"version": 1, "sha256Hash": operation.id}}
        assert safelist.resolve(None, extension) == operation.body


@pytest.mark.parametrize(
    ("operations", "problem"),
    [
        ({"a.graphql": "{ courses { id } }"}, "no name"),
        ({"a.graphql": "query A { x }", "b.graphql": "query A { y }"}, "also in a.graphql"),
        ({"a.graphql": "query A {"}, "a.graphql: Syntax Error"),
    ],
)
def test_operations_that_cannot_be_listed_are_refused(
    operations: dict[str, str], problem: str
) -> None:
    with pytest.raises(ManifestProblem, match=problem):
        build_manifest(operations)


def check(manifest: str | None, operations: dict[str, str]) -> list[tuple[str, str]]:
    composition = compose([SubgraphSource("courses", "http://courses/graphql", COURSES)])
    report = check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=None,
        operations=operations,
        persisted_manifest=manifest,
    )
    return [(f.check, f.code) for f in report.findings]


def test_check_reports_a_stale_or_missing_manifest_as_drift() -> None:
    valid = OPERATIONS.replace("fragment Unused on Course { hours }", "")
    operations = {"catalog.graphql": valid}
    assert check(manifest_text(operations), operations) == []
    stale = manifest_text({"catalog.graphql": valid.replace("title", "hours")})
    assert check(stale, operations) == [("drift", "PERSISTED_QUERIES_DRIFT")]
    assert check("", operations) == [("drift", "PERSISTED_QUERIES_DRIFT")]
    assert check(None, operations) == []
    anonymous = {"catalog.graphql": "{ courses { id } }"}
    assert check(manifest_text(operations), anonymous) == [
        ("operations", "OPERATION_NOT_PERSISTABLE")
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supergraph.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_publish_writes_the_manifest_that_check_then_accepts(tmp_path: Path) -> None:
    operations = tmp_path / "operations"
    shutil.copytree(ROOT / "schema" / "operations", operations)
    registry = tmp_path / "registry"
    shutil.copytree(ROOT / "schema" / "registry", registry)
    manifest = registry / "persisted-queries.json"
    manifest.unlink()
    common = ["--operations", str(operations), "--registry", str(registry)]
    common += ["--persisted-queries", str(manifest)]

    missing = run_cli("check", *common)
    assert missing.returncode == 1
    assert "PERSISTED_QUERIES_DRIFT" in missing.stdout

    published = run_cli("publish", *common, "--changelog", "list the operations")
    assert published.returncode == 0, published.stderr
    assert f"wrote {manifest}" in published.stdout
    listed = json.loads(manifest.read_text(encoding="utf-8"))["operations"]
    assert "Me" in [operation["name"] for operation in listed]
    assert run_cli("check", *common).returncode == 0

    # a changed operation makes the committed manifest stale again
    accounts = operations / "accounts.graphql"
    accounts.write_text(accounts.read_text().replace("bio\n", ""), encoding="utf-8")
    stale = run_cli("check", *common)
    assert stale.returncode == 1
    assert "PERSISTED_QUERIES_DRIFT" in stale.stdout


def test_the_committed_manifest_lists_this_repositorys_operations() -> None:
    operations = {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "schema" / "operations").glob("*.graphql"))
    }
    committed = ROOT / "schema" / "registry" / "persisted-queries.json"
    assert committed.read_text(encoding="utf-8") == manifest_text(operations)
