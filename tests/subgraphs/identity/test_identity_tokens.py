"""Access tokens verify against the served JWKS; the signing key is generated safely."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Callable
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from subgraphs.common.testing import RunningSubgraph, running_subgraph
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.keys import load_signing_key
from tests.subgraphs.conftest import identity_settings

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


@pytest.mark.parametrize("form", ["public", "private"])
async def test_during_a_rotation_the_jwks_publishes_the_previous_key_too(
    fresh_database: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    form: str,
) -> None:
    """Tokens signed before the rotation keep verifying at the router until they expire."""
    old = load_signing_key(tmp_path / "old.pem", create_if_missing=True)
    if form == "public":
        public = old.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (tmp_path / "old.pub.pem").write_bytes(public)
    previous = tmp_path / ("old.pub.pem" if form == "public" else "old.pem")
    settings = identity_settings(
        fresh_database, tmp_path_factory, jwt_previous_public_key_file=previous
    )
    old_token = jwt.encode(
        {"sub": "x"}, old.private_key, algorithm="RS256", headers={"kid": old.kid}
    )

    async with running_subgraph(IDENTITY, settings) as identity:
        jwks = (await identity.http.get("/.well-known/jwks.json")).json()

    current, published_old = jwks["keys"]
    assert current["kid"] != old.kid == published_old["kid"]
    assert "d" not in published_old  # never the private part
    assert jwt.decode(old_token, jwt.PyJWK(published_old).key, algorithms=["RS256"]) == {"sub": "x"}
