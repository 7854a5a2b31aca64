"""``supergraph check``: drift, composition and changes against the published supergraph."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from schema.checks import CheckReport, check_schema
from schema.composition import SubgraphSource, compose

ROOT = Path(__file__).parents[2]

COURSES = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query { courses(level: Level): [Course!]! }
enum Level { BEGINNER ADVANCED EXPERT }
type Course @key(fields: "id") { id: ID! title: String! hours: Int }
"""


def supergraph(sdl: str) -> str:
    result = compose([SubgraphSource("courses", "http://courses/graphql", sdl)])
    assert result.supergraph_sdl is not None, result.errors
    return result.supergraph_sdl


def check(new_sdl: str, *, acknowledged: tuple[str, ...] = ()) -> CheckReport:
    composition = compose([SubgraphSource("courses", "http://courses/graphql", new_sdl)])
    return check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=supergraph(COURSES),
        acknowledged=acknowledged,
    )


def test_an_unchanged_schema_passes() -> None:
    report = check(COURSES)
    assert report.ok
    assert report.findings == ()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ((" hours: Int", ""), "FIELD_REMOVED"),
        (("title: String!", "title: Int!"), "FIELD_CHANGED_KIND"),
        (("courses(level: Level)", "courses(level: Level!)"), "ARG_CHANGED_KIND"),
        (("BEGINNER ADVANCED EXPERT", "BEGINNER ADVANCED"), "VALUE_REMOVED_FROM_ENUM"),
    ],
)
def test_breaking_changes_fail_the_check(change: tuple[str, str], code: str) -> None:
    report = check(COURSES.replace(*change))
    assert not report.ok
    assert code in [f.code for f in report.findings if f.check == "breaking"]


def test_an_acknowledged_breaking_change_passes() -> None:
    changed = COURSES.replace(" hours: Int", "")
    breaking = check(changed).breaking()
    assert check(changed, acknowledged=tuple(breaking)).ok


def test_a_new_optional_field_is_not_breaking() -> None:
    assert check(COURSES.replace("hours: Int", "hours: Int\n  summary: String")).ok


def test_composition_errors_fail_the_check() -> None:
    report = check(COURSES.replace("title: String!", "title: Missing!"))
    assert not report.ok
    assert {f.check for f in report.findings} == {"composition"}


def test_drift_fails_the_check() -> None:
    composition = compose([SubgraphSource("courses", "http://courses/graphql", COURSES)])
    report = check_schema(
        drifted=("courses",),
        composition=composition,
        committed_supergraph="# stale\n",
        published_supergraph=None,
    )
    assert [f.code for f in report.findings] == ["SUBGRAPH_SDL_DRIFT", "SUPERGRAPH_DRIFT"]


def test_the_command_fails_on_a_drifting_subgraph_sdl(tmp_path: Path) -> None:
    subgraphs = tmp_path / "subgraphs"
    shutil.copytree(ROOT / "schema" / "subgraphs", subgraphs)
    profiles = subgraphs / "profiles.graphql"
    profiles.write_text(profiles.read_text().replace("bio: String", "bio: String\n  x: Int"))
    result = subprocess.run(
        [sys.executable, "-m", "supergraph.cli", "check", "--subgraphs-dir", str(subgraphs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "SUBGRAPH_SDL_DRIFT" in result.stdout
    assert "profiles.graphql" in result.stdout


def test_the_command_passes_on_this_repository() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "supergraph.cli", "check", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"ok": true' in result.stdout


def test_an_operation_broken_by_a_change_fails_the_check() -> None:
    composition = compose(
        [SubgraphSource("courses", "http://courses/graphql", COURSES.replace(" hours: Int", ""))]
    )
    report = check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=None,
        operations={"catalog.graphql": "query Catalog { courses { id title hours } }"},
    )
    assert [(f.check, f.code) for f in report.findings] == [("operations", "OPERATION_BROKEN")]
    assert "catalog.graphql: Cannot query field 'hours'" in report.findings[0].message


def test_an_incompatible_event_schema_fails_the_check() -> None:
    composition = compose([SubgraphSource("courses", "http://courses/graphql", COURSES)])
    report = check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=None,
        event_problems=["file.uploaded v2: required field 'owner_id' was removed"],
    )
    assert not report.ok
    assert [f.code for f in report.findings] == ["EVENT_SCHEMA_INCOMPATIBLE"]


def test_a_field_moving_between_subgraphs_is_not_a_change() -> None:
    moved = [
        SubgraphSource("courses", "http://courses/graphql", COURSES.replace(" hours: Int", "")),
        SubgraphSource(
            "schedule",
            "http://schedule/graphql",
            COURSES.split("type Query")[0]
            + 'type Course @key(fields: "id") { id: ID! hours: Int }\n',
        ),
    ]
    composition = compose(moved)
    report = check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=supergraph(COURSES),
    )
    assert report.ok, report.findings
    assert report.findings == ()


def test_a_removed_key_is_breaking() -> None:
    report = check(COURSES.replace('@key(fields: "id")', ""))
    assert not report.ok
    assert [f.code for f in report.findings if f.check == "breaking"] == ["KEY_REMOVED"]


def test_a_key_that_stops_being_resolvable_is_breaking() -> None:
    report = check(COURSES.replace('@key(fields: "id")', '@key(fields: "id", resolvable: false)'))
    assert [f.code for f in report.findings if f.check == "breaking"] == ["KEY_REMOVED"]


@pytest.mark.parametrize(
    ("published", "reason"),
    [("type Query {", "does not parse"), ("type Query { a: Int }", "no @link to the join spec")],
)
def test_a_published_supergraph_that_is_not_one_is_reported(published: str, reason: str) -> None:
    composition = compose([SubgraphSource("courses", "http://courses/graphql", COURSES)])
    report = check_schema(
        drifted=(),
        composition=composition,
        committed_supergraph=composition.supergraph_sdl,
        published_supergraph=published,
    )
    [finding] = report.findings
    assert (finding.code, finding.blocking) == ("INVALID_SUPERGRAPH", True)
    assert reason in finding.message
