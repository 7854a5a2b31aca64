"""Stand-in subgraphs for the router benchmark: fixed answers, no database, so that what a
benchmark measures is the router (parsing, planning, fetching, merging), not the subgraphs.

    python -m bench.standins identity PORT [USERS]   # me, users: USERS users
    python -m bench.standins profiles PORT           # _entities for User representations
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def identity_app(user_count: int) -> Starlette:
    users = [
        {"__typename": "User", "id": f"u{i}", "email": f"learner{i}@example.com"}
        for i in range(user_count)
    ]
    answer = {"data": {"me": users[0], "users": users}}

    async def graphql(request: Request) -> Response:
        await request.body()
        return JSONResponse(answer)

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def profiles_app() -> Starlette:
    async def graphql(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        data = {}
        for name, representations in (body.get("variables") or {}).items():
            alias = (
                "_entities"
                if name == "representations"
                else f"_e{name.removeprefix('representations')}"
            )
            data[alias] = [
                {"profile": {"displayName": f"Learner {r['id']}", "bio": None}}
                for r in representations
            ]
        return JSONResponse({"data": data})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def main(argv: list[str]) -> None:
    kind, port = argv[0], int(argv[1])
    app = (
        identity_app(int(argv[2]) if len(argv) > 2 else 10)
        if kind == "identity"
        else profiles_app()
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
