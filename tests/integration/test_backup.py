"""``db backup`` / ``db restore`` on a real server: the demo clinic comes back whole.

The demo is loaded once (committed) into a database of its own and backed up once;
every test restores that file, or a tampered copy of it, into a fresh empty database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import sessionmaker

from crm.cli import main
from crm.controllers import demo
from crm.controllers.access.auth import login
from crm.controllers.access.keys import ensure_key
from crm.controllers.demo.users import DEMO_PASSWORD
from crm.controllers.patients.cards import open_card
from crm.crypto import KeyRing, generate_key_file
from crm.db.backup import (
    DUMP_NAME,
    MANIFEST_NAME,
    BackupError,
    make_backup,
    read_manifest,
    require_tool_for_server,
    user_tables,
)
from crm.models import Patient
from tests.pg import TestServer

PATIENTS = 300
TODAY = dt.date(2026, 11, 5)
LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Source:
    url: str
    key_file: Path
    keyring: KeyRing
    backup: Path


def cli(key_file: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--key-file", str(key_file), *args], input=input)


def fill_with_demo(url: str, key_file: Path) -> KeyRing:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        keyring, _created = ensure_key(factory, key_file)
        demo.load_demo(factory, keyring, patients=PATIENTS, seed=3, today=TODAY)
    finally:
        engine.dispose()
    return keyring


@pytest.fixture(scope="module")
def source(
    pg_server: TestServer, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Source]:
    """A committed demo clinic and one backup of it."""
    name = pg_server.create_database(template=template_database)
    url = pg_server.url_for(name)
    folder = tmp_path_factory.mktemp("backup-source")
    key_file = folder / "key.bin"
    keyring = fill_with_demo(url, key_file)
    result = make_backup(url, folder / "demo.crmbackup")
    yield Source(url, key_file, keyring, result.path)
    pg_server.drop_database(name)


@pytest.fixture
def empty_url(pg_server: TestServer) -> Iterator[str]:
    name = pg_server.create_database()
    yield pg_server.url_for(name)
    pg_server.drop_database(name)


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Rows and an md5 over every row's text, per table (the same text on any server).

    ``app_user.db_role`` is left out: a restore gives each account the role of the
    database it lands in (``login@copy``), tested on its own below.
    """
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, DMY'"))
            connection.execute(sa.text("SET extra_float_digits = 1"))
            result = {}
            for name in user_tables(connection):
                schema, table = name.split(".")
                rows, digest = connection.execute(
                    sa.text(
                        f"SELECT count(*), md5(coalesce(string_agg(r, ',' ORDER BY "
                        f"r COLLATE \"C\"), '')) FROM (SELECT (to_jsonb(t) - 'db_role')::text "
                        f'AS r FROM "{schema}"."{table}" t) rows'
                    )
                ).one()
                result[name] = (rows, digest)
            return result
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return not user_tables(connection)
    finally:
        engine.dispose()


def rewrite(backup: Path, target: Path, *, manifest=None, dump=None) -> Path:
    """A copy of ``backup`` with its manifest (dict → dict) or dump (bytes → bytes) changed."""
    with zipfile.ZipFile(backup) as archive:
        manifest_data = json.loads(archive.read(MANIFEST_NAME))
        dump_data = archive.read(DUMP_NAME)
    if manifest:
        manifest_data = manifest(manifest_data)
    if dump:
        dump_data = dump(dump_data)
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(MANIFEST_NAME, json.dumps(manifest_data))
        archive.writestr(DUMP_NAME, dump_data)
    return target


# --- the round trip -------------------------------------------------------------------------


def test_manifest_describes_the_clinic_without_its_key(source: Source) -> None:
    manifest = read_manifest(source.backup)
    from crm import __version__
    from crm.db.migrate import head_revision

    assert manifest.revision == head_revision()
    assert manifest.program_version == __version__
    assert manifest.key_fingerprint == source.keyring.fingerprint
    assert manifest.row_counts["public.patient"] == PATIENTS
    assert manifest.row_counts["public.alembic_version"] == 1
    assert manifest.server_version and manifest.server_version_num >= 130000
    assert "pg_dump" in manifest.pg_dump_version
    master_hex = source.key_file.read_text().strip()
    raw = source.backup.read_bytes()
    assert master_hex.encode() not in raw and bytes.fromhex(master_hex) not in raw
    assert os.stat(source.backup).st_mode & 0o077 == 0  # personal data: owner only


def test_restore_gives_back_every_row_and_the_cards_decrypt(source: Source, empty_url: str) -> None:
    restored = cli(source.key_file, "db", "restore", str(source.backup), "--database", empty_url)
    assert restored.exit_code == 0, restored.output
    assert "[FAIL]" not in restored.output
    # The only warning: the accounts' roles in this database have no password yet.
    (warning,) = [line for line in restored.output.splitlines() if "[WARN]" in line]
    assert "user passwd" in warning
    assert source.keyring.fingerprint in restored.output

    assert table_fingerprints(empty_url) == table_fingerprints(source.url)

    checked = cli(source.key_file, "--database", empty_url, "db", "check")
    assert checked.exit_code == 0, checked.output
    assert checked.output.count("[ok ]") == 5

    engine = sa.create_engine(empty_url, poolclass=sa.pool.NullPool)
    try:
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        with factory() as session:
            patient_id = session.scalar(
                sa.select(Patient.id).where(Patient.snils_enc.is_not(None)).order_by(Patient.id)
            )
        assert patient_id is not None
        card = open_card(
            factory,
            login(factory, "manager", DEMO_PASSWORD, "cli"),
            source.keyring,
            patient_id,
            reveal=True,
        )
    finally:
        engine.dispose()
    assert card.form.snils and card.form.passport is not None


def test_backup_to_the_default_folder(source: Source, tmp_path: Path) -> None:
    made = cli(source.key_file, "--database", source.url, "db", "backup")
    assert made.exit_code == 0, made.output
    folder = Path(os.environ["CRM_DATA_DIR"]) / "backups"
    files = list(folder.glob("registratura-*.crmbackup"))
    assert len(files) == 1 and str(files[0]) in made.output
    assert read_manifest(files[0]).row_counts == read_manifest(source.backup).row_counts
    again = cli(source.key_file, "--database", source.url, "db", "backup", "-o", str(files[0]))
    assert again.exit_code == 1 and "уже существует" in again.output


# --- refusals -------------------------------------------------------------------------------


def test_restore_into_a_database_with_rows_is_refused(source: Source) -> None:
    before = table_fingerprints(source.url)
    result = cli(source.key_file, "db", "restore", str(source.backup), "--database", source.url)
    assert result.exit_code == 1
    assert "не пуста" in result.output and "public.patient" in result.output
    assert table_fingerprints(source.url) == before


def test_restore_into_a_schema_without_rows_is_refused(source: Source, empty_url: str) -> None:
    engine = sa.create_engine(empty_url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE leftover (id int)"))
    engine.dispose()
    result = cli(source.key_file, "db", "restore", str(source.backup), "--database", empty_url)
    assert result.exit_code == 1
    assert "public.leftover" in result.output and "Traceback" not in result.output


def test_an_altered_dump_is_refused_before_anything_is_written(
    source: Source, empty_url: str, tmp_path: Path
) -> None:
    def flip(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    altered = rewrite(source.backup, tmp_path / "altered.crmbackup", dump=flip)
    result = cli(source.key_file, "db", "restore", str(altered), "--database", empty_url)
    assert result.exit_code == 1
    assert "SHA-256" in result.output
    assert is_empty(empty_url)


def test_a_manifest_that_disagrees_with_the_dump_fails_the_restore(
    source: Source, empty_url: str, tmp_path: Path
) -> None:
    def fewer_patients(data: dict) -> dict:
        data["row_counts"]["public.patient"] -= 1
        return data

    altered = rewrite(source.backup, tmp_path / "counts.crmbackup", manifest=fewer_patients)
    result = cli(source.key_file, "db", "restore", str(altered), "--database", empty_url)
    assert result.exit_code == 1
    assert "[FAIL]" in result.output and "public.patient" in result.output
    assert f"{PATIENTS} вместо {PATIENTS - 1}" in result.output


def test_not_a_backup_is_refused(source: Source, empty_url: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.crmbackup"
    junk.write_bytes(b"not a zip")
    result = cli(source.key_file, "db", "restore", str(junk), "--database", empty_url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    newer = rewrite(
        source.backup,
        tmp_path / "newer.crmbackup",
        manifest=lambda data: {**data, "format_version": 99},
    )
    result = cli(source.key_file, "db", "restore", str(newer), "--database", empty_url)
    assert result.exit_code == 1 and "99" in result.output
    assert is_empty(empty_url)


def test_another_key_on_the_workstation_is_a_warning_naming_both(
    source: Source, empty_url: str, tmp_path: Path
) -> None:
    other = generate_key_file(tmp_path / "other.bin")
    result = cli(
        tmp_path / "other.bin", "db", "restore", str(source.backup), "--database", empty_url
    )
    assert result.exit_code == 0, result.output
    assert "[WARN]" in result.output
    assert other.fingerprint in result.output and source.keyring.fingerprint in result.output


def test_pg_dump_older_than_the_server_is_refused() -> None:
    with pytest.raises(BackupError, match="PostgreSQL 99"):
        require_tool_for_server("pg_dump", 990001)
    assert "pg_dump" in require_tool_for_server("pg_dump", 130000)


# --- another server: the clinic's PostgreSQL 15 on this machine -----------------------------


def _local_server() -> TestServer | None:
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
    except psycopg.Error:
        return None
    previous = os.environ.get("CRM_TEST_DATABASE_URL")
    os.environ["CRM_TEST_DATABASE_URL"] = LOCAL_SERVER
    try:
        return TestServer()
    finally:
        if previous is None:
            del os.environ["CRM_TEST_DATABASE_URL"]
        else:
            os.environ["CRM_TEST_DATABASE_URL"] = previous


@pytest.fixture(scope="module")
def local_server() -> Iterator[TestServer]:
    server = _local_server()
    if server is None:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    yield server
    server.close()


def test_restore_onto_the_local_server(source: Source, local_server: TestServer) -> None:
    """The default test server's backup restored on 127.0.0.1:5432 (another major, maybe)."""
    target = local_server.url_for(local_server.create_database())
    result = cli(source.key_file, "db", "restore", str(source.backup), "--database", target)
    assert result.exit_code == 0, result.output
    assert table_fingerprints(target) == table_fingerprints(source.url)


def test_backup_from_the_local_server_restores_on_the_test_server(
    local_server: TestServer, empty_url: str, tmp_path: Path
) -> None:
    from crm.db.migrate import upgrade

    origin = local_server.url_for(local_server.create_database())
    engine = sa.create_engine(origin, poolclass=sa.pool.NullPool)
    upgrade(engine)
    engine.dispose()
    key_file = tmp_path / "key.bin"
    fill_with_demo(origin, key_file)
    made = cli(key_file, "--database", origin, "db", "backup", "-o", str(tmp_path / "l.crmbackup"))
    assert made.exit_code == 0, made.output
    restored = cli(
        key_file, "db", "restore", str(tmp_path / "l.crmbackup"), "--database", empty_url
    )
    assert restored.exit_code == 0, restored.output
    assert table_fingerprints(empty_url) == table_fingerprints(origin)


def test_writes_during_the_dump_stay_out_of_it_and_the_manifest_agrees(
    source: Source, empty_url: str, tmp_path: Path
) -> None:
    """The counts and the dump share one snapshot: a desk writing while ``pg_dump`` runs
    changes neither (the write is committed between the counting and the dump)."""
    engine = sa.create_engine(source.url, poolclass=sa.pool.NullPool)

    def desk_writes(message: str) -> None:
        if "Dumping" in message or "Выгрузка" in message:
            with engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO clinic_setting (key, value) "
                        "VALUES ('test.during_backup', '{}'::jsonb)"
                    )
                )

    try:
        before = table_fingerprints(source.url)
        result = make_backup(source.url, tmp_path / "busy.crmbackup", progress=desk_writes)
        assert table_fingerprints(source.url) != before  # the desk's write went in
        assert result.manifest.row_counts == {k: rows for k, (rows, _) in before.items()}
        restored = cli(source.key_file, "db", "restore", str(result.path), "--database", empty_url)
        assert restored.exit_code == 0, restored.output
        assert table_fingerprints(empty_url) == before
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM clinic_setting WHERE key LIKE 'test.%'"))
        engine.dispose()


def test_a_restored_copy_has_its_own_roles_and_the_grants(source: Source, empty_url: str) -> None:
    """Restored under another name on the same server, the copy's accounts must not
    share the clinic's login roles, and its tables carry the groups' grants again."""
    restored = cli(source.key_file, "db", "restore", str(source.backup), "--database", empty_url)
    assert restored.exit_code == 0, restored.output
    copy_name = sa.engine.make_url(empty_url).database
    clinic_name = sa.engine.make_url(source.url).database
    engine = sa.create_engine(empty_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            roles = dict(connection.execute(sa.text("SELECT login, db_role FROM app_user")).all())
            granted = connection.execute(
                sa.text(
                    "SELECT has_table_privilege('crm_registrar', 'patient', 'SELECT'), "
                    "has_table_privilege('crm_registrar', 'journal_entry', 'DELETE'), "
                    "has_function_privilege('crm_gate', 'crm_login_check(text)', 'EXECUTE'), "
                    "has_column_privilege('crm_admin', 'app_user', 'password_hash', 'SELECT')"
                )
            ).one()
            members = connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
                    "JOIN pg_roles g ON g.oid = m.roleid "
                    "WHERE r.rolname = :role AND g.rolname LIKE 'crm_%'"
                ),
                {"role": min(roles.values())},
            ).scalar_one()
    finally:
        engine.dispose()
    assert roles and all(role.endswith(f"@{copy_name}") for role in roles.values()), roles
    assert not any(role.endswith(f"@{clinic_name}") for role in roles.values())
    assert tuple(granted) == (True, False, True, False)
    assert members == 1
    assert min(roles) in restored.output  # named in the "no password yet" warning
