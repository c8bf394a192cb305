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


def read_master_key(path: Path) -> bytes:
    """The 32-byte master key in the key file at ``path``."""
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
    if len(master) != KEY_BYTES:
        raise KeyFileError(f"a key must be {KEY_BYTES} bytes, got {len(master)}: {path}")
    return master


def load_key_file(path: Path) -> KeyRing:
    """Read the key file at ``path``."""
    return KeyRing.from_master(read_master_key(path))


def write_key_file(path: Path, master: bytes) -> KeyRing:
    """Write ``master`` as a new key file (mode 0600) at ``path``; refuses to overwrite one."""
    ring = KeyRing.from_master(master)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise KeyFileError(f"key file already exists: {path}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(master.hex() + "\n")
    return ring


# --- the key file's own backup, sealed with a passphrase -----------------------------------

SEALED_FORMAT = "registratura-key-backup"
#: scrypt's cost: 2**17 × 8 × 128 bytes = 128 MiB of memory, about half a second.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1


class WrongPassphrase(Exception):
    """The passphrase does not open the sealed key (or the file was altered)."""


def _passphrase_key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def seal_master_key(master: bytes, passphrase: str) -> str:
    """The master key encrypted with a passphrase (scrypt + AES-GCM), as JSON text.

    The header (format, the key's fingerprint, the scrypt parameters and salt) is bound
    to the ciphertext as associated data: changing any of it makes the file unreadable.
    """
    import base64
    import json

    ring = KeyRing.from_master(master)
    salt, nonce = secrets.token_bytes(16), os.urandom(NONCE_BYTES)
    header = {
        "format": SEALED_FORMAT,
        "version": 1,
        "fingerprint": ring.fingerprint,
        "kdf": {
            "name": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": base64.b64encode(salt).decode(),
        },
        "cipher": "AES-256-GCM",
    }
    aad = json.dumps(header, sort_keys=True).encode()
    key = _passphrase_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(key).encrypt(nonce, master, aad)
    document = {
        **header,
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def sealed_fingerprint(text: str) -> str:
    """The fingerprint written in a sealed key's header (readable without the passphrase)."""
    import json

    try:
        document = json.loads(text)
        if document.get("format") != SEALED_FORMAT:
            raise ValueError("not a sealed key")
        return str(document["fingerprint"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(f"not a key backup of this program: {exc}") from exc


def open_sealed_key(text: str, passphrase: str) -> bytes:
    """The master key from :func:`seal_master_key`'s text.

    Raises:
        KeyFileError: the text is not a sealed key of this program.
        WrongPassphrase: the passphrase is wrong or the file was altered.
    """
    import base64
    import binascii
    import json

    sealed_fingerprint(text)
    try:
        document = json.loads(text)
        kdf = document["kdf"]
        if kdf["name"] != "scrypt" or document["cipher"] != "AES-256-GCM":
            raise ValueError(f"unknown protection {kdf['name']} / {document['cipher']}")
        header = {k: document[k] for k in ("format", "version", "fingerprint", "kdf", "cipher")}
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(document["nonce"], validate=True)
        sealed = base64.b64decode(document["ciphertext"], validate=True)
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**14 <= n <= 2**22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("scrypt parameters out of range")
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise KeyFileError(f"the key backup is damaged: {exc}") from exc
    aad = json.dumps(header, sort_keys=True).encode()
    try:
        master = AESGCM(_passphrase_key(passphrase, salt, n, r, p)).decrypt(nonce, sealed, aad)
    except InvalidTag as exc:
        raise WrongPassphrase("the passphrase does not open this key backup") from exc
    if KeyRing.from_master(master).fingerprint != header["fingerprint"]:
        raise WrongPassphrase("the key inside does not match its fingerprint")
    return master
