"""Fixtures for the orchestrator tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.supergraph.harness import processes_mentioning


@pytest.fixture
def census_marker(tmp_path: Path) -> Iterator[str]:
    """A unique string to tag every process a test starts; fails the test if one survives.

    Children inherit it through their environment, so grandchildren are counted too.
    """
    marker = f"supergraph-test-{tmp_path.name}-{id(tmp_path)}"
    yield marker
    survivors = processes_mentioning(marker)
    for proc in survivors:
        proc.kill()
    assert not survivors, f"orphans left behind: {[p.info['cmdline'] for p in survivors]}"
