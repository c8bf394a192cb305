"""The identity-document key: created once, its fingerprint in the database, checked."""

from __future__ import annotations

import pytest

from crm.controllers.access.keys import KeyProblem, check_key, ensure_key
from crm.controllers.clinic import settings
from crm.crypto import generate_key_file


def test_first_upgrade_creates_the_key_and_stores_only_its_fingerprint(db, key_file):
    ring, created = ensure_key(db, key_file)
    assert created and key_file.exists()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with db() as session:
        stored = settings.get(session, settings.KEY_FINGERPRINT)
    assert stored == {"fingerprint": ring.fingerprint}
    assert key_file.read_text().strip() not in str(stored)
    # A second run neither creates nor changes anything.
    again, created_again = ensure_key(db, key_file)
    assert not created_again and again.fingerprint == ring.fingerprint


def test_missing_key_file_names_the_path_and_the_expected_fingerprint(db, key_file, tmp_path):
    ring, _ = ensure_key(db, key_file)
    elsewhere = tmp_path / "other-desk" / "key.bin"
    with pytest.raises(KeyProblem) as caught:
        check_key(db, elsewhere)
    assert str(elsewhere) in str(caught.value)
    assert ring.fingerprint in str(caught.value)


def test_wrong_key_names_both_fingerprints(db, key_file, tmp_path):
    ring, _ = ensure_key(db, key_file)
    wrong = generate_key_file(tmp_path / "wrong.bin")
    with pytest.raises(KeyProblem) as caught:
        check_key(db, tmp_path / "wrong.bin")
    assert ring.fingerprint in str(caught.value)
    assert wrong.fingerprint in str(caught.value)


def test_database_without_key_says_to_upgrade(db, key_file):
    with pytest.raises(KeyProblem, match="db upgrade"):
        check_key(db, key_file)


def test_an_existing_key_file_is_adopted_by_a_new_database(db, key_file):
    existing = generate_key_file(key_file)
    ring, created = ensure_key(db, key_file)
    assert not created and ring.fingerprint == existing.fingerprint
