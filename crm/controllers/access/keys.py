"""The identity-document key: created with the database, checked at every start.

Only the key's fingerprint is stored in the database. A workstation whose key file
is missing, or holds another key, is told so with both fingerprints and the path,
instead of silently writing data that other workstations cannot read.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.clinic import settings
from crm.controllers.context import Actor
from crm.crypto import KeyFileError, KeyRing, generate_key_file, load_key_file
from crm.i18n import translate


class KeyProblem(Exception):
    """The key file does not fit this database; the message names both fingerprints."""


def ensure_key(db: sessionmaker[Session], key_file: Path) -> tuple[KeyRing, bool]:
    """Make sure the database has a key: create one if it has none yet.

    Returns the key ring and whether a new key file was created. Used by
    ``db upgrade`` and the embedded first start.
    """
    with db() as session, session.begin():
        stored = settings.get(session, settings.KEY_FINGERPRINT)
        if stored is None:
            created = not key_file.exists()
            try:
                ring = generate_key_file(key_file) if created else load_key_file(key_file)
            except KeyFileError as exc:
                raise KeyProblem(str(exc)) from exc
            settings.put(session, settings.KEY_FINGERPRINT, {"fingerprint": ring.fingerprint})
            return ring, created
    return check_key(db, key_file), False


def check_key(db: sessionmaker[Session], key_file: Path) -> KeyRing:
    """Load the key file and check it against the fingerprint stored in the database."""
    with db() as session:
        stored = settings.get(session, settings.KEY_FINGERPRINT)
    if stored is None:
        raise KeyProblem(
            translate(
                "keys",
                "The database has no identity-document key yet: run `clinic-crm db upgrade` "
                "(key file: {path})",
            ).format(path=key_file)
        )
    expected = stored["fingerprint"]
    try:
        ring = load_key_file(key_file)
    except KeyFileError as exc:
        raise KeyProblem(
            translate(
                "keys",
                "Identity-document key file problem: {error}. The database expects the key "
                "with fingerprint {expected}; copy that key file from a workstation that has it.",
            ).format(error=exc, expected=expected)
        ) from exc
    if ring.fingerprint != expected:
        raise KeyProblem(
            translate(
                "keys",
                "The key file {path} (fingerprint {actual}) is not this database's key "
                "(fingerprint {expected}); copy the right key file from another workstation.",
            ).format(path=key_file, actual=ring.fingerprint, expected=expected)
        )
    return ring


#: The shortest passphrase a sealed copy of the key accepts (``key export`` too).
MIN_PASSPHRASE = 8


def write_sealed_key(key_file: Path, target: Path, passphrase: str) -> str:
    """Write the key file at ``key_file`` sealed with ``passphrase`` (scrypt + AES-GCM)
    into the new, owner-only file ``target``; its fingerprint (``key export`` too).

    Raises:
        ValidationError: a short passphrase (``passphrase``), an existing file (``file``).
        KeyFileError: the key file cannot be read.
    """
    import os

    from crm.controllers.validation.fields import invalid
    from crm.crypto import read_master_key, seal_master_key, sealed_fingerprint

    if len(passphrase) < MIN_PASSPHRASE:
        raise invalid(
            "passphrase",
            translate("keys", "the passphrase must be at least {n} characters long"),
            n=MIN_PASSPHRASE,
        )
    if target.exists():
        raise invalid(
            "file",
            translate("keys", "{path} already exists: choose another file"),
            path=target,
        )
    text = seal_master_key(read_master_key(key_file), passphrase)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return sealed_fingerprint(text)


def export_sealed_key(actor: Actor, key_file: Path, target: Path, passphrase: str) -> str:
    """The administrator's «save the key» on the backups screen: :func:`write_sealed_key`.

    Raises:
        PermissionDenied: not an administrator; and what :func:`write_sealed_key` raises.
    """
    from crm.controllers.access.permissions import Permission, require

    require(actor, Permission.MANAGE_SETTINGS)
    return write_sealed_key(key_file, target, passphrase)
