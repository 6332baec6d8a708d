"""The deployment's Ed25519 key: made once, kept in a file apart from the database, used to sign.

Receipts and certificates are worth something only if a person who does not trust the bank's database
can check them. So the private key lives in a file of its own (`config.signing_key_path`, mode 0600),
never in the database, and what a verifier needs is the public key alone, handed over out of band
(`sanctionwatch receipt public-key`). A key is named by its key id: the first 16 bytes, in hex, of the
SHA-256 of its raw 32-byte public key, so a receipt says which key signed it without carrying the key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sanctionwatch.config import signing_key_path
from sanctionwatch.errors import ConflictError, InputError

__all__ = [
    "ALGORITHM",
    "PublicKey",
    "SigningKey",
    "SigningKeyError",
    "create_signing_key",
    "load_public_key",
    "load_signing_key",
]

ALGORITHM = "Ed25519"


class SigningKeyError(ConflictError):
    """No signing key where one is configured, or a key file that is not an Ed25519 key."""


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key that checks signatures: the one an examiner holds."""

    key: Ed25519PublicKey

    @property
    def id(self) -> str:
        return key_id(self.key)

    def verifies(self, signature_b64: str, payload: bytes) -> bool:
        """Whether `signature_b64` (standard base64, as `SigningKey.sign` writes it) signs `payload`."""
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except ValueError:
            return False
        # Decoding drops the unused low bits of the last character, so several texts give the same
        # signature: only its one standard text is accepted, or a byte of a signed receipt (its
        # signature's) could change and the receipt still verify.
        if base64.b64encode(signature).decode("ascii") != signature_b64:
            return False
        try:
            self.key.verify(signature, payload)
        except InvalidSignature:
            return False
        return True

    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


@dataclass(frozen=True, slots=True)
class SigningKey:
    key: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key.public_key())

    @property
    def id(self) -> str:
        return self.public.id

    def sign(self, payload: bytes) -> str:
        """The signature of `payload`, in standard base64."""
        return base64.b64encode(self.key.sign(payload)).decode("ascii")


def create_signing_key(path: Path | None = None) -> SigningKey:
    """A new key written to `path` (the configured place by default), readable by its owner only.
    An existing file is never replaced: receipts signed by it would no longer be checkable by the key
    that the examiners were given."""
    target = path or signing_key_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(f"{target}: a signing key exists already; it is never replaced") from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return SigningKey(key, target)


def load_signing_key(path: Path | None = None) -> SigningKey:
    target = path or signing_key_path()
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"no signing key at {target}: create one with `sanctionwatch receipt init-key` "
            "(or point SANCTIONWATCH_SIGNING_KEY at the deployment's key)"
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{target}: not a PEM private key without a password ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{target}: a {type(key).__name__}, not an Ed25519 key")
    return SigningKey(key, target)


def load_public_key(path: Path) -> PublicKey:
    """A public key from a PEM file (SubjectPublicKeyInfo), or the public half of a private key file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--public-key {path}: {exc.strerror or exc}") from None
    try:
        public = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise InputError(f"--public-key {path}: not a PEM public key") from None
        public = private.public_key()
    if not isinstance(public, Ed25519PublicKey):
        raise InputError(f"--public-key {path}: a {type(public).__name__}, not an Ed25519 key")
    return PublicKey(public)
