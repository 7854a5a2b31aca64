"""Access tokens verify against the served JWKS; the signing key is generated safely."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import jwt
import pytest

from subgraphs.common.testing import RunningSubgraph
from subgraphs.identity.keys import load_signing_key

SIGN_UP = """
mutation($email: String!, $password: String!) {
  signUp(email: $email, password: $password) { accessToken user { id } }
}"""


async def test_jwks_verifies_an_issued_access_token(identity: RunningSubgraph) -> None:
    email = f"jwks-{uuid.uuid4().hex[:8]}@example.com"
    signed_up = await identity.client.graphql(
        SIGN_UP, {"email": email, "password": "correct-horse-battery"}
    )
    token = signed_up.data["signUp"]["accessToken"]

    response = await identity.http.get("/.well-known/jwks.json")  # no claims header needed

    assert response.status_code == 200
    (jwk,) = response.json()["keys"]
    assert {key: jwk[key] for key in ("kty", "use", "alg")} == {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
    }
    assert jwt.get_unverified_header(token)["kid"] == jwk["kid"]
    claims = jwt.decode(
        token,
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience="supergraph",
        issuer="supergraph-identity",
    )
    assert claims["sub"] == signed_up.data["signUp"]["user"]["id"]
    assert claims["scope"] == ""
    assert claims["exp"] - claims["iat"] == 900


async def test_a_token_fails_against_another_key(identity: RunningSubgraph, tmp_path: Path) -> None:
    other_key = load_signing_key(tmp_path / "other.pem", create_if_missing=True)
    jwks = (await identity.http.get("/.well-known/jwks.json")).json()
    token = jwt.encode({"sub": "x"}, other_key.private_key, algorithm="RS256")

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwt.PyJWK(jwks["keys"][0]).key, algorithms=["RS256"])


def test_a_missing_key_is_generated_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "jwt.pem"

    generated = load_signing_key(path, create_if_missing=True)
    loaded = load_signing_key(path, create_if_missing=True)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert loaded.kid == generated.kid
    assert list(path.parent.iterdir()) == [path]


def test_a_missing_key_is_an_error_when_generation_is_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_signing_key(tmp_path / "absent.pem", create_if_missing=False)
