"""The router through graphql-ws's own client (npm ``graphql-ws`` 6 with ``ws``, run by
Node): what frontends use. Installed on first use outside the repository; without Node the
test is skipped, under CI it fails."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.harness.node_packages import installed
from tests.router.http.live import SUBSCRIPTION, Router, live_router

CLIENT = Path(__file__).parent / "graphql_ws_client"


@pytest.fixture(scope="module")
async def router(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Router]:
    async with live_router(tmp_path_factory.mktemp("graphql-ws")) as running:
        yield running


async def run_client(
    url: str, params: dict[str, Any], query: str, variables: dict[str, Any], events: int
) -> list[dict[str, Any]]:
    folder = installed(CLIENT, "graphql-ws-client")
    script = folder / "subscribe.mjs"  # ES modules resolve packages from their own folder
    script.write_text((CLIENT / "subscribe.mjs").read_text())
    node = shutil.which("node")
    assert node is not None
    process = await asyncio.create_subprocess_exec(
        node, str(script), url, orjson.dumps(params).decode(), query,
        orjson.dumps(variables).decode(), str(events),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()[-2000:]
    return [orjson.loads(line) for line in stdout.decode().splitlines() if line.strip()]


async def test_the_real_client_receives_events_completed_from_another_subgraph(
    router: Router,
) -> None:
    params = {"authorization": f"Bearer {router.token()}"}
    seen = await run_client(router.url, params, SUBSCRIPTION, {"room": "r1"}, 10)
    nexts = [line["next"] for line in seen if "next" in line]
    assert nexts == [
        {
            "data": {
                "messageAdded": {"body": f"hello {i}", "author": {"profile": {"displayName": name}}}
            }
        }
        for i, name in enumerate(("name-u1", "name-u2"))
    ]
    assert {"complete": True} in seen


async def test_the_real_client_sees_a_bad_token_refused_with_4403(router: Router) -> None:
    seen = await run_client(
        router.url, {"Authorization": "Bearer forged"}, SUBSCRIPTION, {"room": "r1"}, 1
    )
    closed = [line["closed"] for line in seen if "closed" in line]
    assert closed
    assert closed[0]["code"] == 4403


async def test_the_real_client_gets_validation_errors_as_an_error_message(router: Router) -> None:
    seen = await run_client(router.url, {}, "subscription { nope }", {}, 1)
    errors = [line["error"] for line in seen if "error" in line]
    assert errors
    assert errors[0][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
