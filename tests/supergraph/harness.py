"""Shared pieces for the orchestrator tests: where the project is, and a process census."""

from __future__ import annotations

from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def processes_mentioning(marker: str) -> list[psutil.Process]:
    """Live processes whose command line or environment contains ``marker``."""
    found = []
    for proc in psutil.process_iter(["cmdline", "environ", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(proc.info["cmdline"] or ())
        environ = proc.info["environ"] or {}
        if marker in cmdline or any(marker in value for value in environ.values()):
            found.append(proc)
    return found
