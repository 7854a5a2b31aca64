"""Credential abuse: throttled failures, a signUp that does not tell who has an account, and
at most a configured number of login/signUp fields per operation.

The client address comes from the router's signed claims (``extra.client_address``), as in
production; one test sends none and is counted by its peer address instead.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from contracts.internal_claims import HEADER, Claims, sign
from subgraphs.common.testing import (
    GraphQLResponse,
    RunningSubgraph,
    SubgraphClient,
    recorded_statements,
    running_subgraph,
)
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.models import LoginThrottle
from tests.subgraphs.conftest import SECRET, identity_settings
from tests.subgraphs.identity.test_identity_accounts import LOGIN, ME, PASSWORD, SIGN_UP, new_email

PER_EMAIL, PER_ADDRESS, WINDOW = 3, 6, timedelta(minutes=15)


@pytest.fixture(scope="module")
async def strict(
    fresh_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningSubgraph]:
    """Identity with small limits, so reaching them takes few password hashes."""
    settings = identity_settings(
        fresh_database,
        tmp_path_factory,
        login_max_failures_per_email=PER_EMAIL,
        login_max_failures_per_address=PER_ADDRESS,
        login_failure_window_seconds=int(WINDOW.total_seconds()),
        max_credential_fields=2,
    )
    async with running_subgraph(IDENTITY, settings) as running:
        yield running


def new_address() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


async def call(
    subgraph: RunningSubgraph,
    query: str,
    variables: dict[str, Any],
    address: str | None = None,
    *,
    user: str | None = None,
) -> GraphQLResponse:
    """Call as the router does, with the client's address in the signed claims."""
    extra = {} if address is None else {"client_address": address}
    header = sign(Claims(sub=user, extra=extra), SECRET, service="identity")
    return await subgraph.client.graphql(query, variables, headers={HEADER: header})


async def login(
    subgraph: RunningSubgraph, email: str, password: str, address: str
) -> GraphQLResponse:
    return await call(subgraph, LOGIN, {"email": email, "password": password}, address)


async def signed_up(subgraph: RunningSubgraph, email: str) -> dict[str, Any]:
    response = await call(subgraph, SIGN_UP, {"email": email, "password": PASSWORD}, new_address())
    assert response.errors == []
    session: dict[str, Any] = response.data["signUp"]
    return session


# --- throttling --------------------------------------------------------------------------


async def test_failures_for_one_email_are_throttled(strict: RunningSubgraph) -> None:
    email = new_email()
    await signed_up(strict, email)

    failures = [
        await login(strict, email, "wrong-Password-1", new_address()) for _ in range(PER_EMAIL)
    ]
    refused = await login(strict, email, PASSWORD, new_address())  # even the right password

    assert [f.codes for f in failures] == [["INVALID_CREDENTIALS"]] * PER_EMAIL
    assert refused.codes == ["TOO_MANY_ATTEMPTS"]
    assert refused.data is None
    assert (await login(strict, new_email(), PASSWORD, new_address())).codes == [
        "INVALID_CREDENTIALS"
    ]


async def test_unknown_emails_are_throttled_like_existing_ones(strict: RunningSubgraph) -> None:
    email = new_email()

    answers = [await login(strict, email, PASSWORD, new_address()) for _ in range(PER_EMAIL + 1)]

    assert [a.codes for a in answers] == [["INVALID_CREDENTIALS"]] * PER_EMAIL + [
        ["TOO_MANY_ATTEMPTS"]
    ]


async def test_failures_from_one_address_are_throttled(strict: RunningSubgraph) -> None:
    address, email = new_address(), new_email()
    await signed_up(strict, email)

    failures = [await login(strict, new_email(), PASSWORD, address) for _ in range(PER_ADDRESS)]
    refused = await login(strict, email, PASSWORD, address)

    assert {tuple(f.codes) for f in failures} == {("INVALID_CREDENTIALS",)}
    assert refused.codes == ["TOO_MANY_ATTEMPTS"]
    assert (await login(strict, email, PASSWORD, new_address())).errors == []


async def test_without_claims_the_peer_address_is_counted(strict: RunningSubgraph) -> None:
    peer = "192.0.2.77"
    transport = httpx.ASGITransport(app=strict.app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://identity") as http:
        client = SubgraphClient(http, SECRET, service="identity")
        for _ in range(PER_ADDRESS):
            failed = await client.graphql(LOGIN, {"email": new_email(), "password": PASSWORD})
            assert failed.codes == ["INVALID_CREDENTIALS"]
        refused = await client.graphql(LOGIN, {"email": new_email(), "password": PASSWORD})

    assert refused.codes == ["TOO_MANY_ATTEMPTS"]
    elsewhere = await login(strict, new_email(), PASSWORD, new_address())
    assert elsewhere.codes == ["INVALID_CREDENTIALS"]


async def test_a_successful_login_resets_the_emails_count(strict: RunningSubgraph) -> None:
    email = new_email()
    await signed_up(strict, email)
    for _ in range(PER_EMAIL - 1):
        await login(strict, email, "wrong-Password-1", new_address())
    assert (await login(strict, email, PASSWORD, new_address())).errors == []

    again = [
        await login(strict, email, "wrong-Password-1", new_address()) for _ in range(PER_EMAIL)
    ]

    assert [a.codes for a in again] == [["INVALID_CREDENTIALS"]] * PER_EMAIL


async def test_the_window_resets(strict: RunningSubgraph) -> None:
    email = new_email()
    await signed_up(strict, email)
    for _ in range(PER_EMAIL):
        await login(strict, email, "wrong-Password-1", new_address())
    assert (await login(strict, email, PASSWORD, new_address())).codes == ["TOO_MANY_ATTEMPTS"]

    await age_throttle(strict, WINDOW - timedelta(seconds=5))
    assert (await login(strict, email, PASSWORD, new_address())).codes == ["TOO_MANY_ATTEMPTS"]
    await age_throttle(strict, timedelta(seconds=5))

    assert (await login(strict, email, PASSWORD, new_address())).errors == []


async def age_throttle(subgraph: RunningSubgraph, by: timedelta) -> None:
    """Move every window's start back by ``by``, as if that much time had passed."""
    async with subgraph.database.sessions.begin() as session:
        await session.execute(
            update(LoginThrottle).values(window_started=LoginThrottle.window_started - by)
        )


async def test_concurrent_guesses_cannot_pass_the_limit(strict: RunningSubgraph) -> None:
    email = new_email()
    await signed_up(strict, email)

    answers = await asyncio.gather(
        *(login(strict, email, f"guess-Number-{n}", new_address()) for n in range(20))
    )

    codes = sorted(code for answer in answers for code in answer.codes)
    assert codes == ["INVALID_CREDENTIALS"] * PER_EMAIL + ["TOO_MANY_ATTEMPTS"] * 17


# --- signUp does not tell whether an email has an account ---------------------------------


def shape(value: Any) -> Any:
    """The structure of a JSON value with its leaves replaced by their types."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


async def test_sign_up_answers_alike_for_new_and_existing_emails(
    identity: RunningSubgraph,
) -> None:
    taken = new_email()
    owner = await signed_up(identity, taken)
    other_password = "another-Password-2"

    for_new = await call(
        identity, SIGN_UP, {"email": new_email(), "password": other_password}, new_address()
    )
    for_existing = await call(
        identity, SIGN_UP, {"email": taken, "password": other_password}, new_address()
    )

    assert for_new.status == for_existing.status == 200
    assert for_existing.errors == for_new.errors == []
    assert shape(for_existing.body) == shape(for_new.body)
    existing, new = for_existing.data["signUp"], for_new.data["signUp"]
    assert existing["user"]["email"] == taken
    assert len(existing["accessToken"]) == pytest.approx(len(new["accessToken"]), abs=4)
    assert len(existing["refreshToken"]) == len(new["refreshToken"])
    # The decoy session belongs to nobody: the caller did not get into the owner's account.
    assert existing["user"]["id"] != owner["user"]["id"]
    me = await call(identity, ME, {}, user=existing["user"]["id"])
    assert me.data == {"me": None}


async def test_sign_up_for_an_existing_email_costs_the_same_time(
    identity: RunningSubgraph,
) -> None:
    taken = [new_email() for _ in range(6)]  # one guess each: they are counted as failures
    for email in taken:
        await signed_up(identity, email)

    async def timed(email: str) -> float:
        variables = {"email": email, "password": "another-Password-2"}
        started = time.perf_counter()
        response = await call(identity, SIGN_UP, variables, new_address())
        assert response.errors == []
        return time.perf_counter() - started

    new, existing = [], []
    for email in taken:  # interleaved, so load on the machine hits both alike
        new.append(await timed(new_email()))
        existing.append(await timed(email))

    ratio = statistics.median(existing) / statistics.median(new)
    assert 0.6 < ratio < 1.6, (new, existing)


async def test_sign_up_guesses_at_an_existing_email_are_throttled(strict: RunningSubgraph) -> None:
    taken = new_email()
    await signed_up(strict, taken)

    guesses = [
        await call(
            strict, SIGN_UP, {"email": taken, "password": f"guess-Number-{n}"}, new_address()
        )
        for n in range(PER_EMAIL + 1)
    ]

    assert [g.errors for g in guesses[:PER_EMAIL]] == [[]] * PER_EMAIL
    assert guesses[-1].codes == ["TOO_MANY_ATTEMPTS"]
    assert (await login(strict, taken, PASSWORD, new_address())).codes == ["TOO_MANY_ATTEMPTS"]


# --- login/signUp fields per operation ----------------------------------------------------


def aliased_logins(count: int) -> str:
    fields = " ".join(
        f'a{n}: login(email: "victim@example.com", password: "guess-{n}") {{ accessToken }}'
        for n in range(count)
    )
    return f"mutation {{ {fields} }}"


async def test_an_aliased_login_flood_checks_no_password(identity: RunningSubgraph) -> None:
    with recorded_statements(identity.database.engine) as log:
        started = time.perf_counter()
        response = await call(identity, aliased_logins(300), {}, new_address())
        elapsed = time.perf_counter() - started

    assert response.codes == ["TOO_MANY_CREDENTIAL_FIELDS"]
    assert response.data is None
    assert "300" in response.errors[0]["message"]
    # Every login reserves its attempt in SQL before it verifies: no statement, no check.
    assert log.statements == []
    assert elapsed < 1.0


@pytest.mark.parametrize(
    "operation",
    [
        aliased_logins(2),
        'mutation { login(email: "a@example.com", password: "x") { expiresIn }'
        ' signUp(email: "b@example.com", password: "x") { expiresIn } }',
        "mutation { ...A ...B } "
        'fragment A on Mutation { a: login(email: "a@example.com", password: "x") { expiresIn } }'
        'fragment B on Mutation { b: login(email: "a@example.com", password: "x") { expiresIn } }',
        "mutation { ... on Mutation {"
        ' a: login(email: "a@example.com", password: "x") { expiresIn } }'
        ' b: signUp(email: "b@example.com", password: "x") { expiresIn } }',
        "mutation { ...A } "
        "fragment A on Mutation { ...B "
        'x: login(email: "a@example.com", password: "x") { expiresIn } }'
        'fragment B on Mutation { y: login(email: "a@example.com", password: "x") { expiresIn } }',
    ],
    ids=["aliases", "login-and-signUp", "fragments", "inline-fragment", "nested-fragments"],
)
async def test_aliases_and_fragments_count(identity: RunningSubgraph, operation: str) -> None:
    with recorded_statements(identity.database.engine) as log:
        response = await call(identity, operation, {}, new_address())

    assert response.codes == ["TOO_MANY_CREDENTIAL_FIELDS"]
    assert log.statements == []


async def test_one_field_spread_twice_is_one_field(identity: RunningSubgraph) -> None:
    operation = (
        "mutation($e: String!, $p: String!) { ...L ...L } "
        "fragment L on Mutation { login(email: $e, password: $p) { expiresIn } }"
    )

    response = await call(identity, operation, {"e": new_email(), "p": PASSWORD}, new_address())

    assert response.codes == ["INVALID_CREDENTIALS"]


async def test_the_limit_is_per_operation_and_configurable(strict: RunningSubgraph) -> None:
    email = new_email()
    await signed_up(strict, email)
    two = (
        "mutation($e: String!, $p: String!) {"
        " a: login(email: $e, password: $p) { expiresIn } b: login(email: $e, password: $p) {"
        " expiresIn } }"
    )

    allowed = await call(strict, two, {"e": email, "p": PASSWORD}, new_address())
    refused = await call(strict, aliased_logins(3), {}, new_address())

    assert allowed.errors == []
    assert allowed.data == {"a": {"expiresIn": 900}, "b": {"expiresIn": 900}}
    assert refused.codes == ["TOO_MANY_CREDENTIAL_FIELDS"]
