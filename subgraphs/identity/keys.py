"""The RSA key that signs access tokens, the previous one kept during a rotation, and their
public forms as JWKs.

In development a missing key file is generated (mode 0600) so ``supergraph dev`` works from
a clean checkout; in production the file must exist. The ``kid`` is the key's RFC 7638 JWK
thumbprint, so it changes exactly when the key does. During a rotation identity publishes
both keys, so tokens signed by the previous key verify until they expire
(docs/runbooks/key-rotation.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_SIZE = 2048


@dataclass(frozen=True, slots=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    @classmethod
    def from_private_key(cls, private_key: rsa.RSAPrivateKey) -> SigningKey:
        return cls(private_key=private_key, kid=thumbprint(private_key.public_key()))

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK: kid, kty RSA, use sig, alg RS256, n, e."""
        return public_jwk(self.private_key.public_key())


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    """A verification-only JWK (the previous key during a rotation)."""
    jwk = _public_numbers_jwk(public_key)
    return {"kid": thumbprint(public_key), "kty": "RSA", "use": "sig", "alg": "RS256", **jwk}


def load_public_key(path: Path) -> rsa.RSAPublicKey:
    """The RSA public key in the PEM at ``path``; a private key's PEM gives its public half,
    so the retired key file can be used as it is."""
    pem = path.read_bytes()
    if b"PRIVATE KEY" in pem:
        private_key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} does not hold an RSA key")
        return private_key.public_key()
    public_key = serialization.load_pem_public_key(pem)
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError(f"{path} does not hold an RSA key")
    return public_key


def _public_numbers_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {"n": str(jwk["n"]), "e": str(jwk["e"])}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638: SHA-256 over the canonical JSON of the required members, base64url."""
    members = {"kty": "RSA", **_public_numbers_jwk(public_key)}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(canonical).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def load_signing_key(path: Path, *, create_if_missing: bool) -> SigningKey:
    """Read the PEM key at ``path``; generate and write it first when allowed and missing."""
    if not path.exists() and create_if_missing:
        _write_new_key(path)
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return SigningKey.from_private_key(private_key)


def _write_new_key(path: Path) -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside, then link into place: the file appears complete or not at all, and a
    # concurrent writer's key wins without either process reading a half-written file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
