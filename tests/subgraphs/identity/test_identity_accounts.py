"""Sign up, login, refresh rotation with reuse detection, logout: through identity's HTTP API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from subgraphs.common.testing import GraphQLResponse, RunningSubgraph, SubgraphClient

SESSION_FIELDS = "accessToken refreshToken expiresIn user { id email }"
SIGN_UP = f"""
mutation($email: String!, $password: String!) {{
  signUp(email: $email, password: $password) {{ {SESSION_FIELDS} }}
}}"""
LOGIN = f"""
mutation($email: String!, $password: String!) {{
  login(email: $email, password: $password) {{ {SESSION_FIELDS} }}
}}"""
REFRESH = f"mutation($token: String!) {{ refreshToken(token: $token) {{ {SESSION_FIELDS} }} }}"
LOGOUT = "mutation($token: String) { logout(refreshToken: $token) }"
ME = "{ me { id email } }"
PASSWORD = "correct-horse-battery-staple"


def new_email() -> str:
    return f"learner-{uuid.uuid4().hex[:12]}@example.com"


async def sign_up(client: SubgraphClient, email: str | None = None) -> dict[str, Any]:
    response = await client.graphql(SIGN_UP, {"email": email or new_email(), "password": PASSWORD})
    assert response.errors == []
    session: dict[str, Any] = response.data["signUp"]
    return session


async def refresh(client: SubgraphClient, token: str) -> GraphQLResponse:
    return await client.graphql(REFRESH, {"token": token})


async def test_sign_up_starts_a_session_for_a_new_user(identity: RunningSubgraph) -> None:
    session = await sign_up(identity.client, "  Ada.Lovelace@Example.COM ")

    assert session["user"]["email"] == "ada.lovelace@example.com"
    assert session["expiresIn"] == 900
    assert session["accessToken"].count(".") == 2
    assert len(session["refreshToken"]) >= 40
    me = await identity.client.graphql(ME, user=session["user"]["id"])
    assert me.data == {"me": session["user"]}


async def test_me_is_null_for_anonymous_callers(identity: RunningSubgraph) -> None:
    response = await identity.client.graphql(ME)

    assert response.status == 200
    assert response.data == {"me": None}
    assert response.errors == []


async def test_signing_up_again_with_the_password_logs_the_owner_in(
    identity: RunningSubgraph,
) -> None:
    email = new_email()
    first = await sign_up(identity.client, email)

    again = await sign_up(identity.client, email.upper())

    assert again["user"] == first["user"]
    me = await identity.client.graphql(ME, user=again["user"]["id"])
    assert me.data == {"me": first["user"]}


@pytest.mark.parametrize(
    "password", ["Short1!", "onlylowercaseletters", "12345678901234", "          "]
)
async def test_weak_passwords_are_refused(identity: RunningSubgraph, password: str) -> None:
    response = await identity.client.graphql(SIGN_UP, {"email": new_email(), "password": password})

    assert response.codes == ["WEAK_PASSWORD"]


@pytest.mark.parametrize("email", ["no-at-sign.example.com", "two@@example.com", "a@b", ""])
async def test_malformed_email_is_bad_user_input(identity: RunningSubgraph, email: str) -> None:
    response = await identity.client.graphql(SIGN_UP, {"email": email, "password": PASSWORD})

    assert response.codes == ["BAD_USER_INPUT"]


async def test_login_accepts_any_case_of_the_email(identity: RunningSubgraph) -> None:
    email = new_email()
    signed_up = await sign_up(identity.client, email)

    response = await identity.client.graphql(LOGIN, {"email": email.upper(), "password": PASSWORD})

    assert response.errors == []
    assert response.data["login"]["user"] == signed_up["user"]
    assert response.data["login"]["refreshToken"] != signed_up["refreshToken"]


async def test_wrong_password_and_unknown_email_fail_the_same_way(
    identity: RunningSubgraph,
) -> None:
    email = new_email()
    await sign_up(identity.client, email)

    wrong_password = await identity.client.graphql(
        LOGIN, {"email": email, "password": PASSWORD + "x"}
    )
    unknown_email = await identity.client.graphql(
        LOGIN, {"email": new_email(), "password": PASSWORD}
    )
    malformed_email = await identity.client.graphql(
        LOGIN, {"email": "not an email", "password": PASSWORD}
    )

    assert wrong_password.codes == ["INVALID_CREDENTIALS"]
    assert wrong_password.errors == unknown_email.errors == malformed_email.errors
    assert wrong_password.data is None


async def test_refresh_rotates_the_token(identity: RunningSubgraph) -> None:
    first = await sign_up(identity.client)

    rotated = await refresh(identity.client, first["refreshToken"])

    assert rotated.errors == []
    second = rotated.data["refreshToken"]
    assert second["user"] == first["user"]
    assert second["refreshToken"] != first["refreshToken"]
    third = await refresh(identity.client, second["refreshToken"])
    assert third.errors == []


async def test_reusing_a_rotated_token_revokes_its_whole_family(
    identity: RunningSubgraph,
) -> None:
    email = new_email()
    stolen = (await sign_up(identity.client, email))["refreshToken"]
    other_device = await identity.client.graphql(LOGIN, {"email": email, "password": PASSWORD})
    current = (await refresh(identity.client, stolen)).data["refreshToken"]["refreshToken"]

    reuse = await refresh(identity.client, stolen)

    assert reuse.codes == ["INVALID_REFRESH_TOKEN"]
    assert (await refresh(identity.client, current)).codes == ["INVALID_REFRESH_TOKEN"]
    # Another login is another family and keeps working.
    other_token = other_device.data["login"]["refreshToken"]
    assert (await refresh(identity.client, other_token)).errors == []


async def test_unknown_refresh_token_is_invalid(identity: RunningSubgraph) -> None:
    response = await refresh(identity.client, "not-a-token-we-issued")

    assert response.codes == ["INVALID_REFRESH_TOKEN"]
    assert response.data is None


async def test_logout_revokes_the_family_of_the_given_token(identity: RunningSubgraph) -> None:
    first = await sign_up(identity.client)
    user = first["user"]["id"]
    current = (await refresh(identity.client, first["refreshToken"])).data["refreshToken"]

    logout = await identity.client.graphql(LOGOUT, {"token": current["refreshToken"]}, user=user)

    assert logout.data == {"logout": True}
    assert (await refresh(identity.client, current["refreshToken"])).codes == [
        "INVALID_REFRESH_TOKEN"
    ]


async def test_logout_without_a_token_succeeds(identity: RunningSubgraph) -> None:
    session = await sign_up(identity.client)

    response = await identity.client.graphql(LOGOUT, user=session["user"]["id"])

    assert response.data == {"logout": True}


async def test_logout_requires_authentication(identity: RunningSubgraph) -> None:
    session = await sign_up(identity.client)

    response = await identity.client.graphql(LOGOUT, {"token": session["refreshToken"]})

    assert response.codes == ["UNAUTHENTICATED"]
    assert (await refresh(identity.client, session["refreshToken"])).errors == []


async def test_logout_cannot_revoke_another_users_token(identity: RunningSubgraph) -> None:
    victim = await sign_up(identity.client)
    attacker = await sign_up(identity.client)

    response = await identity.client.graphql(
        LOGOUT, {"token": victim["refreshToken"]}, user=attacker["user"]["id"]
    )

    assert response.codes == ["INVALID_REFRESH_TOKEN"]
    assert (await refresh(identity.client, victim["refreshToken"])).errors == []
