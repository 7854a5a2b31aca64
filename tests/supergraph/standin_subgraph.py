"""A stand-in subgraph for orchestrator tests, launched exactly like a real one.

``python -m tests.supergraph.standin_subgraph serve --host H --port P`` serves a tiny ASGI
app with uvicorn. Its ``DATABASE_URL`` picks the behaviour the test needs, as a real
subgraph's database would: ``standin://ok`` is ready, ``standin://down`` answers /ready with
503 forever, ``standin://crash`` fails at start-up like a subgraph that cannot migrate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import uvicorn


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    database_up = os.environ["DATABASE_URL"] != "standin://down"
    routes = {
        "/health": (200, {"status": "ok"}),
        "/ready": (200, {"status": "ready"}) if database_up else (503, {"status": "no database"}),
        "/env": (200, {k: v for k, v in os.environ.items() if k.isupper()}),
    }
    status, body = routes.get(scope["path"], (404, {"error": "not found"}))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if os.environ["DATABASE_URL"] == "standin://crash":
        print("stand-in: could not apply migrations: connection refused", flush=True)
        return 3
    print(f"stand-in serving on {args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", lifespan="off")
    return 0


if __name__ == "__main__":
    sys.exit(main())
