"""Accounts end to end: a frontend talks to the router; identity and profiles answer."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.harness.platform import Platform

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
SIGN_UP = """mutation ($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { accessToken refreshToken expiresIn user { id } }
}"""
LOGIN = """mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken expiresIn user { id } }
}"""
ME = "{ me { id email profile { displayName } } }"
ACCEPT = "application/graphql-response+json, application/json;q=0.9"
"""What GraphQL over HTTP tells clients to send: request errors then come with their 4xx."""


def gql(
    platform: Platform,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> httpx.Response:
    headers = {"accept": ACCEPT} | ({"authorization": f"Bearer {token}"} if token else {})
    payload = {"query": query, "variables": variables or {}}
    return httpx.post(platform.graphql, json=payload, headers=headers, timeout=30)


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


def new_account(platform: Platform) -> tuple[str, dict[str, Any]]:
    email = f"learner-{uuid.uuid4().hex[:10]}@example.com"
    response = gql(platform, SIGN_UP, {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return email, response.json()["data"]["signUp"]


def test_sign_up_login_and_me_spans_both_subgraphs_with_one_request_each(
    platform: Platform,
) -> None:
    email, signed_up = new_account(platform)
    login = gql(platform, LOGIN, {"email": email, "password": PASSWORD}).json()["data"]["login"]
    assert login["user"]["id"] == signed_up["user"]["id"]

    before = platform.subgraph_requests()
    me = gql(platform, ME, token=login["accessToken"])
    after = platform.subgraph_requests()

    assert me.json() == {
        "data": {
            "me": {
                "id": signed_up["user"]["id"],
                "email": email,
                "profile": {"displayName": "New learner"},
            }
        }
    }
    sent = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    assert sent == {"identity": 1, "profiles": 1}


def test_anonymous_me_is_null(platform: Platform) -> None:
    """``me`` is null for anonymous callers; ``profile`` is @authenticated, so the router takes
    it out before planning and says so, as Apollo Router does (statically, whatever ``me`` is)."""
    assert gql(platform, ME).json() == {
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["me", "profile"],
                "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
            }
        ],
        "data": {"me": None},
    }


def test_refresh_rotates_and_a_reused_token_is_refused(platform: Platform) -> None:
    _, account = new_account(platform)
    refresh = "mutation ($t: String!) { refreshToken(token: $t) { accessToken refreshToken } }"
    first = gql(platform, refresh, {"t": account["refreshToken"]}).json()["data"]["refreshToken"]
    assert first["refreshToken"] != account["refreshToken"]
    reused = gql(platform, refresh, {"t": account["refreshToken"]})
    assert codes(reused) == ["INVALID_REFRESH_TOKEN"]


def test_credentials_errors_are_coded_and_do_not_reveal_accounts(platform: Platform) -> None:
    email, _ = new_account(platform)
    duplicate = gql(platform, SIGN_UP, {"email": email, "password": PASSWORD + "?"})
    weak = gql(platform, SIGN_UP, {"email": f"x{email}", "password": "short"})
    wrong = gql(platform, LOGIN, {"email": email, "password": PASSWORD + "!"})
    unknown = gql(platform, LOGIN, {"email": f"nobody{email}", "password": PASSWORD})
    assert codes(duplicate) == []  # answered like a new email (docs/security.md)
    assert duplicate.status_code == 200
    assert codes(weak) == ["WEAK_PASSWORD"]
    assert codes(wrong) == codes(unknown) == ["INVALID_CREDENTIALS"]
    assert wrong.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]


def test_profile_updates_only_for_the_caller(platform: Platform) -> None:
    _, alice = new_account(platform)
    _, bob = new_account(platform)
    update = """mutation ($input: UpdateProfileInput!, $userId: ID) {
      updateProfile(input: $input, userId: $userId) { displayName }
    }"""
    own = gql(platform, update, {"input": {"displayName": "Alice"}}, alice["accessToken"])
    assert own.json() == {"data": {"updateProfile": {"displayName": "Alice"}}}
    other = gql(
        platform,
        update,
        {"input": {"displayName": "pwned"}, "userId": alice["user"]["id"]},
        bob["accessToken"],
    )
    assert codes(other) == ["FORBIDDEN"]
    assert other.json()["data"] is None
    anonymous = gql(platform, update, {"input": {"displayName": "x"}})
    assert codes(anonymous) == ["UNAUTHORIZED_FIELD_OR_TYPE"]  # refused at the router
    assert anonymous.json()["data"] is None
    me = gql(platform, ME, token=alice["accessToken"]).json()["data"]["me"]
    assert me["profile"]["displayName"] == "Alice"


def test_bad_tokens_are_refused_at_the_router(platform: Platform) -> None:
    _, account = new_account(platform)
    claims = jwt.decode(account["accessToken"], options={"verify_signature": False})
    header = jwt.get_unverified_header(account["accessToken"])
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forger, algorithm="RS256", headers={"kid": header["kid"]})
    expired_claims = {**claims, "exp": int(time.time()) - 3600}
    expired = jwt.encode(expired_claims, forger, algorithm="RS256", headers=header)
    for token in (forged, expired, "garbage"):
        response = gql(platform, ME, token=token)
        assert response.status_code == 401
        assert codes(response) == ["UNAUTHENTICATED"]


def test_malformed_and_unknown_queries_are_coded_errors(platform: Platform) -> None:
    malformed = gql(platform, "{ me { id ")
    unknown = gql(platform, "{ me { password } }")
    assert (malformed.status_code, codes(malformed)) == (400, ["GRAPHQL_PARSE_FAILED"])
    assert (unknown.status_code, codes(unknown)) == (400, ["GRAPHQL_VALIDATION_FAILED"])


def test_introspection_shows_the_api_schema_without_federation_machinery(
    platform: Platform,
) -> None:
    response = gql(platform, "{ __schema { types { name } } }")
    names = {t["name"] for t in response.json()["data"]["__schema"]["types"]}
    assert {"User", "Profile", "AuthPayload"} <= names
    assert not any(n.startswith(("join__", "link__", "_Service", "_Any")) for n in names)
