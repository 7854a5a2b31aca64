"""npm packages for tests that compare against or audit with Node tools (dev and CI only).

A test folder's ``package.json`` is installed on first use into a cache folder outside the
repository, and again whenever that manifest changes. Without Node or npm the test is skipped
with the reason; under CI (``CI=true``) that is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def installed(manifest_dir: Path, cache_name: str) -> Path:
    """The cache folder holding ``manifest_dir/package.json``'s packages in ``node_modules``."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable(f"Node and npm are not installed: {cache_name} cannot run")
    assert npm is not None
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / cache_name
    cache.mkdir(parents=True, exist_ok=True)
    manifest = (manifest_dir / "package.json").read_text()
    stamp = cache / "installed.json"
    if not stamp.exists() or stamp.read_text() != manifest:
        (cache / "package.json").write_text(manifest)
        result = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--silent"],
            cwd=cache,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            _unavailable(f"cannot install {cache_name}: {result.stderr[-500:]}")
        stamp.write_text(manifest)
    return cache


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
