"""Every error a client sees has ``extensions.code``; unexpected ones leak nothing."""

from __future__ import annotations

import logging

import pytest
import strawberry

from subgraphs.common.errors import Forbidden
from subgraphs.common.federation import build_schema

LEAKY = "duplicate key value violates unique constraint; password=hunter2"


@strawberry.type
class Query:
    @strawberry.field
    def forbidden(self) -> str | None:
        raise Forbidden("Not yours.")

    @strawberry.field
    def bug(self) -> str | None:
        raise RuntimeError(LEAKY)

    @strawberry.field
    def broken_non_null(self) -> str:
        return None  # type: ignore[return-value]

    @strawberry.field
    def echo(self, value: int) -> int:
        return value


schema = build_schema(query=Query)


async def test_service_errors_keep_their_code_and_message() -> None:
    result = await schema.execute("{ forbidden }")

    assert result.data == {"forbidden": None}
    assert result.errors is not None
    (error,) = result.errors
    assert error.formatted["message"] == "Not yours."
    assert error.formatted["extensions"] == {"code": "FORBIDDEN"}
    assert error.formatted["path"] == ["forbidden"]


async def test_unexpected_exceptions_are_generic_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        result = await schema.execute("{ bug }")
        named = await schema.execute("{ brokenNonNull }")

    assert result.errors is not None
    assert named.errors is not None
    for error in [*result.errors, *named.errors]:
        assert error.formatted["message"] == "Internal server error."
        assert error.formatted["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
        assert "hunter2" not in str(error.formatted)
    assert any(LEAKY in record.getMessage() for record in caplog.records)


async def test_expected_errors_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        await schema.execute("{ forbidden }")

    assert caplog.records == []


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ forbidden", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($v: Int!) { echo(value: $v) }", {}, "BAD_USER_INPUT"),
        ("query($v: Int!) { echo(value: $v) }", {"v": "seven"}, "BAD_USER_INPUT"),
    ],
)
async def test_request_errors_have_codes(
    query: str, variables: dict[str, object] | None, code: str
) -> None:
    result = await schema.execute(query, variable_values=variables)

    assert result.errors is not None
    assert [error.formatted["extensions"]["code"] for error in result.errors] == [code]
    assert result.errors[0].formatted["message"] != "Internal server error."
