"""``key export`` / ``key import``: the key file's own backup under a passphrase.

No database is needed; the commands go through the real ``clinic-crm`` group and the
real scrypt + AES-GCM (about half a second a passphrase).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm.cli import main
from crm.crypto import (
    KeyFileError,
    WrongPassphrase,
    generate_key_file,
    load_key_file,
    open_sealed_key,
    read_master_key,
    seal_master_key,
)

PASSPHRASE = "корова-забор-42"


def cli(key_file: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--key-file", str(key_file), *args], input=input)


def test_export_then_import_gives_the_same_key(tmp_path: Path) -> None:
    original = generate_key_file(tmp_path / "key.bin")
    exported = tmp_path / "key.export"
    result = cli(tmp_path / "key.bin", "key", "export", str(exported), input=PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    assert original.fingerprint in result.output
    assert os.stat(exported).st_mode & 0o077 == 0
    text = exported.read_text()
    assert (tmp_path / "key.bin").read_text().strip() not in text  # the key is sealed

    new_home = tmp_path / "workstation-2" / "key.bin"
    imported = cli(new_home, "key", "import", str(exported), input=PASSPHRASE + "\n")
    assert imported.exit_code == 0, imported.output
    assert load_key_file(new_home).fingerprint == original.fingerprint
    assert read_master_key(new_home) == read_master_key(tmp_path / "key.bin")
    assert os.stat(new_home).st_mode & 0o077 == 0
    shown = cli(new_home, "key", "show")
    assert shown.exit_code == 0 and original.fingerprint in shown.output


def test_a_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    generate_key_file(tmp_path / "key.bin")
    exported = tmp_path / "key.export"
    assert (
        cli(tmp_path / "key.bin", "key", "export", str(exported), input=PASSPHRASE + "\n").exit_code
        == 0
    )
    target = tmp_path / "other" / "key.bin"
    result = cli(target, "key", "import", str(exported), input="не-та-фраза\n")
    assert result.exit_code == 1
    assert "неверная парольная фраза" in result.output and "Traceback" not in result.output
    assert not target.exists()


def test_an_altered_header_is_refused_even_with_the_passphrase(tmp_path: Path) -> None:
    master = os.urandom(32)
    document = json.loads(seal_master_key(master, PASSPHRASE))
    assert open_sealed_key(json.dumps(document), PASSPHRASE) == master
    document["kdf"]["r"] = 9  # the header is bound to the ciphertext
    with pytest.raises(WrongPassphrase):
        open_sealed_key(json.dumps(document), PASSPHRASE)
    with pytest.raises(KeyFileError):
        open_sealed_key('{"format": "something else"}', PASSPHRASE)


def test_short_passphrase_and_existing_files_are_refused(tmp_path: Path) -> None:
    generate_key_file(tmp_path / "key.bin")
    exported = tmp_path / "key.export"
    short = cli(tmp_path / "key.bin", "key", "export", str(exported), input="short\n")
    assert short.exit_code == 1 and "не короче 8" in short.output
    assert not exported.exists()
    assert (
        cli(tmp_path / "key.bin", "key", "export", str(exported), input=PASSPHRASE + "\n").exit_code
        == 0
    )
    again = cli(tmp_path / "key.bin", "key", "export", str(exported), input=PASSPHRASE + "\n")
    assert again.exit_code == 1 and "уже существует" in again.output
    not_a_key = tmp_path / "junk.txt"
    not_a_key.write_text("hello")
    junk = cli(tmp_path / "key.bin", "key", "import", str(not_a_key), input=PASSPHRASE + "\n")
    assert junk.exit_code == 1 and "не ключ" in junk.output


def test_import_over_another_key_needs_replace_and_keeps_the_old_one(tmp_path: Path) -> None:
    exported_ring = generate_key_file(tmp_path / "a.bin")
    exported = tmp_path / "a.export"
    assert (
        cli(tmp_path / "a.bin", "key", "export", str(exported), input=PASSPHRASE + "\n").exit_code
        == 0
    )
    other = generate_key_file(tmp_path / "b.bin")

    refused = cli(tmp_path / "b.bin", "key", "import", str(exported), input=PASSPHRASE + "\n")
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert other.fingerprint in refused.output and exported_ring.fingerprint in refused.output
    assert load_key_file(tmp_path / "b.bin").fingerprint == other.fingerprint

    replaced = cli(
        tmp_path / "b.bin", "key", "import", str(exported), "--replace", input=PASSPHRASE + "\n"
    )
    assert replaced.exit_code == 0, replaced.output
    assert load_key_file(tmp_path / "b.bin").fingerprint == exported_ring.fingerprint
    (aside,) = tmp_path.glob("b.bin.replaced-*")
    assert load_key_file(aside).fingerprint == other.fingerprint

    same = cli(tmp_path / "b.bin", "key", "import", str(exported), input=PASSPHRASE + "\n")
    assert same.exit_code == 0 and exported_ring.fingerprint in same.output
