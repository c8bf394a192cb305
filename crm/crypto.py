"""Encryption of identity documents (AES-GCM) and their keyed lookup hashes (HMAC).

One 32-byte master key lives in a key file outside the database. Separate subkeys
for encryption, lookup hashing and the fingerprint are derived from it with HKDF,
so the fingerprint stored in the database reveals nothing about the others.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"


class KeyFileError(Exception):
    """The key file is missing, unreadable or malformed; the message names the path."""


class DecryptionError(Exception):
    """A value could not be decrypted with this key (wrong key or damaged data)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@dataclass(frozen=True)
class KeyRing:
    """The keys derived from one master key."""

    encryption_key: bytes
    lookup_key: bytes
    fingerprint: str

    @classmethod
    def from_master(cls, master: bytes) -> KeyRing:
        """Derive the subkeys from a 32-byte master key."""
        if len(master) != KEY_BYTES:
            raise KeyFileError(f"a key must be {KEY_BYTES} bytes, got {len(master)}")
        fingerprint = _derive(master, b"registratura fingerprint").hex()[:32]
        return cls(
            encryption_key=_derive(master, b"registratura aes-gcm"),
            lookup_key=_derive(master, b"registratura hmac lookup"),
            fingerprint=":".join(fingerprint[i : i + 4] for i in range(0, 32, 4)),
        )

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """Encrypt ``plaintext``; ``context`` (e.g. ``"snils"``) is bound as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.encryption_key).encrypt(nonce, plaintext.encode(), context.encode())
        return FORMAT_VERSION + nonce + sealed

    def decrypt(self, blob: bytes, context: str) -> str:
        """Decrypt a value made by :meth:`encrypt` with the same ``context``."""
        if not blob or blob[:1] != FORMAT_VERSION:
            raise DecryptionError("unknown ciphertext format")
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            return AESGCM(self.encryption_key).decrypt(nonce, sealed, context.encode()).decode()
        except InvalidTag as exc:
            raise DecryptionError("the value does not decrypt with this key") from exc

    def lookup_hash(self, canonical: str, context: str) -> bytes:
        """A keyed hash of a canonical value, for exact search without decrypting."""
        message = context.encode() + b"\x00" + canonical.encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).digest()


def generate_key_file(path: Path) -> KeyRing:
    """Create a new key file (mode 0600) at ``path``; refuses to overwrite one."""
    if path.exists():
        raise KeyFileError(f"key file already exists: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    master = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(master.hex() + "\n")
    return KeyRing.from_master(master)


def load_key_file(path: Path) -> KeyRing:
    """Read the key file at ``path``."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise KeyFileError(f"key file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"key file unreadable: {path}: {exc}") from exc
    try:
        master = bytes.fromhex(text)
    except ValueError as exc:
        raise KeyFileError(f"key file is not a hex key: {path}") from exc
    return KeyRing.from_master(master)
