"""``python -m subgraphs.<name>`` really migrates and serves, as ``supergraph dev`` runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from contracts.internal_claims import DEVELOPMENT_SECRET, HEADER, Claims, sign

SECRET = "process-test-internal-secret-of-some-length"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "INTERNAL_SECRET": SECRET,
        "ENVIRONMENT": "development",
        **extra,
    }


async def wait_until_healthy(http: httpx.AsyncClient, process: asyncio.subprocess.Process) -> None:
    for _ in range(150):
        if process.returncode is not None:
            raise AssertionError(f"service exited with {process.returncode}")
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("service did not become healthy in 15 s")


async def test_identity_serve_migrates_and_serves(
    fresh_database: Callable[[str], str], tmp_path: Path
) -> None:
    port = free_port()
    key_file = tmp_path / "jwt.pem"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "subgraphs.identity",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        env=service_env(fresh_database("process_identity"), JWT_PRIVATE_KEY_FILE=str(key_file)),
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            await wait_until_healthy(http, process)
            ready = await http.get("/ready")
            jwks = await http.get("/.well-known/jwks.json")
            refused = await http.post("/graphql", json={"query": "{ me { id } }"})
            signed_up = await http.post(
                "/graphql",
                json={
                    "query": 'mutation { signUp(email: "p@example.com", '
                    'password: "correct-horse-battery") { user { id email } } }'
                },
                headers={HEADER: sign(Claims(), SECRET, service="identity")},
            )
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(process.wait(), timeout=10)

    assert ready.json() == {"status": "ready"}
    assert jwks.json()["keys"][0]["kty"] == "RSA"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert refused.status_code == 401
    assert signed_up.json()["data"]["signUp"]["user"]["email"] == "p@example.com"
    assert exit_code in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after shutdown


async def test_profiles_migrate_command(fresh_database: Callable[[str], str]) -> None:
    url = fresh_database("process_profiles")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "subgraphs.profiles",
        "migrate",
        env=service_env(url),
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == 0, stderr.decode()
    assert "Running upgrade  -> 0001" in stderr.decode()


async def test_serve_refuses_the_development_secret_beyond_loopback() -> None:
    """Even in development: anyone who reaches the port could forge claims with it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "subgraphs.profiles",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        str(free_port()),
        "--no-migrate",
        env={
            **service_env("postgresql+asyncpg://nobody@/nowhere"),
            "INTERNAL_SECRET": DEVELOPMENT_SECRET,
        },
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)

    assert process.returncode == 2
    assert "refusing to listen on '0.0.0.0'" in stderr.decode()
    assert "INTERNAL_SECRET" in stderr.decode()
