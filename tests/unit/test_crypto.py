"""AES-GCM encryption and HMAC lookup hashes of identity documents."""

from __future__ import annotations

import pytest

from crm.crypto import DecryptionError, KeyFileError, KeyRing, generate_key_file, load_key_file


def test_round_trip_and_no_plaintext(tmp_path):
    ring = generate_key_file(tmp_path / "key.bin")
    blob = ring.encrypt("11223344595", "snils")
    assert b"11223344595" not in blob
    assert ring.decrypt(blob, "snils") == "11223344595"
    assert ring.encrypt("11223344595", "snils") != blob  # fresh nonce each time


def test_context_is_bound(tmp_path):
    ring = generate_key_file(tmp_path / "key.bin")
    with pytest.raises(DecryptionError):
        ring.decrypt(ring.encrypt("4508123456", "passport"), "snils")


def test_other_key_cannot_decrypt(tmp_path):
    ring = generate_key_file(tmp_path / "a.bin")
    other = generate_key_file(tmp_path / "b.bin")
    assert ring.fingerprint != other.fingerprint
    with pytest.raises(DecryptionError):
        other.decrypt(ring.encrypt("x", "snils"), "snils")


def test_lookup_hash_is_stable_per_key_and_context(tmp_path):
    ring = generate_key_file(tmp_path / "key.bin")
    reloaded = load_key_file(tmp_path / "key.bin")
    assert ring.lookup_hash("11223344595", "snils") == reloaded.lookup_hash("11223344595", "snils")
    assert ring.lookup_hash("11223344595", "snils") != ring.lookup_hash("11223344595", "passport")
    assert reloaded.fingerprint == ring.fingerprint


def test_key_file_problems_name_the_path(tmp_path):
    with pytest.raises(KeyFileError, match="not found"):
        load_key_file(tmp_path / "missing.bin")
    (tmp_path / "bad.bin").write_text("zz")
    with pytest.raises(KeyFileError, match="bad.bin"):
        load_key_file(tmp_path / "bad.bin")
    generate_key_file(tmp_path / "k.bin")
    with pytest.raises(KeyFileError, match="already exists"):
        generate_key_file(tmp_path / "k.bin")
    with pytest.raises(KeyFileError):
        KeyRing.from_master(b"short")
