"""Plays a `supergraph dev` killed with SIGKILL: starts and records a child, then vanishes.

``python -m tests.supergraph.killed_orchestrator DATA_DIR`` prints the child's pid (its
process group) and exits without stopping it; the child has a grandchild of its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from supergraph.leftovers import RunRecord
from supergraph.processes import ChildProcess, ProcessSpec

FAMILY = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
time.sleep(600)
"""

if __name__ == "__main__":
    data = Path(sys.argv[1])
    argv = (sys.executable, "-c", FAMILY)
    child = ChildProcess.start(ProcessSpec("family", argv, data / "family.log"))
    RunRecord(data / "children.json").add(child)
    print(child.pid, flush=True)
    os._exit(0)
