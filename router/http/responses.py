"""A ``GraphQLResponse`` rendered in the negotiated media type, with that type's status code."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from router.http.media_types import (
    APPLICATION_JSON,
    ResponseMediaType,
    content_type,
    response_status,
)
from router.pipeline.context import GraphQLResponse


def graphql_response(
    result: GraphQLResponse, media: ResponseMediaType | None, *, well_formed: bool
) -> Response:
    """``media`` is None when the client accepts neither type (the 406 itself, in plain JSON).

    ``well_formed``: the request got past receive, so its refusals are GraphQL request errors;
    a malformed request keeps its 4xx under either type.
    """
    status = result.status
    if media is not None and (well_formed or media != APPLICATION_JSON):
        body = result.body
        status = response_status(
            media, status, has_data="data" in body, has_errors=bool(body.get("errors"))
        )
    headers = {**result.headers, "content-type": content_type(media or APPLICATION_JSON)}
    headers.setdefault("vary", "Accept")
    return Response(orjson.dumps(result.body), status_code=status, headers=headers)
