"""PostgreSQL roles: which group role each staff role is, and what each group may touch.

The database, not only the program, refuses what a role may not do: every staff login
is a PostgreSQL role in one of the groups below, and the grants here are the whole of
what the group may read and write. A table missing from :data:`TABLE_GRANTS` is a
decision not yet taken (``tests/unit/test_database_roles_map.py`` fails); a column list
means "these columns only" (the others — password material, a document's contents —
stay unreadable). Applied by the migrations (:func:`apply_grants`), so a later migration that adds a
table adds its line here and calls it again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from crm.models.enums import Role

REGISTRAR = "crm_registrar"
DOCTOR = "crm_doctor"
MANAGER = "crm_manager"
ADMIN = "crm_admin"
#: The workstation's own role before anyone has logged in: it may only call the
#: login functions and read the schema's revision (``db check``).
GATE = "crm_gate"

GROUP_OF_ROLE: dict[Role, str] = {
    Role.REGISTRAR: REGISTRAR,
    Role.DOCTOR: DOCTOR,
    Role.MANAGER: MANAGER,
    Role.ADMIN: ADMIN,
}
STAFF_GROUPS = (REGISTRAR, DOCTOR, MANAGER, ADMIN)
ALL_GROUPS = (*STAFF_GROUPS, GATE)

_DESK = (REGISTRAR, MANAGER)

#: The clinic settings a desk may read before login (row-level security): the key's
#: fingerprint, so that ``db check`` and the start can check the desk's key file.
#: The clinic settings a desk reads before anyone logs in: the key's fingerprint (to check
#: its key file) and the clinic's timezone (a lockout's end in the clinic's time).
GATE_SETTINGS = ("crypto.key_fingerprint", "clinic.timezone")
_DIRECTORY_EDITORS = (MANAGER, ADMIN)

#: ``app_user`` without its password hash.
USER_COLUMNS = (
    "id",
    "login",
    "full_name",
    "role",
    "doctor_id",
    "active",
    "failed_attempts",
    "locked_until",
    "last_login_at",
    "created_at",
    "db_role",
)
#: ``medical_document`` without which contents it names (``content_id``): the desk sees
#: that a document exists, never its bytes (``document_content``, ``document_part``).
DOCUMENT_COLUMNS = (
    "id",
    "patient_id",
    "appointment_id",
    "kind",
    "title",
    "file_name",
    "mime_type",
    "size_bytes",
    "document_date",
    "author",
    "uploaded_by_id",
    "created_at",
    "withdrawn_at",
    "withdrawn_by_id",
    "withdraw_reason",
)


@dataclass(frozen=True)
class Grant:
    """``privileges`` on ``table`` for ``groups`` (on ``columns`` only, when given)."""

    table: str
    privileges: str  # space-separated: SELECT INSERT UPDATE DELETE
    groups: tuple[str, ...]
    columns: tuple[str, ...] = ()


def _reference(table: str, editors: tuple[str, ...] = _DIRECTORY_EDITORS) -> list[Grant]:
    return [Grant(table, "SELECT", STAFF_GROUPS), Grant(table, "INSERT UPDATE", editors)]


TABLE_GRANTS: tuple[Grant, ...] = (
    Grant("alembic_version", "SELECT", ALL_GROUPS),
    # Users: everybody reads names and roles (the journal, pickers); only admins write.
    Grant("app_user", "SELECT", STAFF_GROUPS, USER_COLUMNS),
    Grant("app_user", "INSERT UPDATE", (ADMIN,)),
    # A desk before login asks only whether there is any user (the setup wizard first?).
    Grant("app_user", "SELECT", (GATE,), ("id",)),
    Grant("clinic_setting", "SELECT", STAFF_GROUPS),
    # …and the key's fingerprint, to check its key file (row-level: GATE_SETTINGS only).
    Grant("clinic_setting", "SELECT", (GATE,)),
    Grant("clinic_setting", "INSERT UPDATE", (MANAGER, ADMIN)),
    *_reference("branch"),
    *_reference("room"),
    *_reference("specialty"),
    *_reference("specialty_alternative"),
    Grant("specialty_alternative", "DELETE", _DIRECTORY_EDITORS),
    *_reference("doctor"),
    *_reference("service"),
    *_reference("service_price"),
    *_reference("insurer", (REGISTRAR, MANAGER, ADMIN)),
    *_reference("issuing_organisation", (REGISTRAR, MANAGER)),
    Grant("issuing_organisation", "DELETE", _DESK),
    *_reference("educational_material", (DOCTOR, MANAGER)),
    # Schedules: managers set hours; everyone who books reads them.
    Grant("schedule_template", "SELECT", STAFF_GROUPS),
    # Weekly hours are a directory («Справочники»): the administrator edits them too.
    Grant("schedule_template", "INSERT UPDATE DELETE", _DIRECTORY_EDITORS),
    Grant("schedule_exception", "SELECT", STAFF_GROUPS),
    Grant("schedule_exception", "INSERT UPDATE DELETE", (MANAGER,)),
    # Patients: the desk writes cards; doctors read them; admins do not see them.
    Grant("patient", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("patient", "INSERT UPDATE", _DESK),
    Grant("patient_surname", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("patient_surname", "INSERT UPDATE DELETE", _DESK),
    Grant("patient_consent", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("patient_consent", "INSERT UPDATE", _DESK),
    # Appointments: row-level security keeps a doctor to her own (see POLICIES).
    Grant("appointment", "SELECT", STAFF_GROUPS),
    Grant("appointment", "INSERT UPDATE", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("referral", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("referral", "INSERT UPDATE", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("referral_extension", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("referral_extension", "INSERT", (DOCTOR, MANAGER)),
    Grant("waiting_list_entry", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("waiting_list_entry", "INSERT UPDATE", _DESK),
    Grant("priority_request", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("priority_request", "INSERT UPDATE", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("outbox_message", "SELECT INSERT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("outbox_message", "UPDATE", _DESK),
    Grant("patient_message", "SELECT INSERT", (REGISTRAR, DOCTOR, MANAGER)),
    # Notices' texts: whoever queues a notice reads them; managers (and admins) edit them.
    Grant("notice_template", "SELECT", STAFF_GROUPS),
    Grant("notice_template", "INSERT UPDATE", (MANAGER, ADMIN)),
    # The call list: whoever queues a notice may queue a call; the desk makes the calls.
    Grant("call_task", "SELECT INSERT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("call_task", "UPDATE", _DESK),
    # Any desk's action may end a waiting-list offer, and its call goes with it.
    Grant("call_task", "UPDATE", (DOCTOR,), ("status",)),
    # Medical documents: the desk sees that one exists, never its contents.
    Grant("medical_document", "SELECT", (REGISTRAR,), DOCUMENT_COLUMNS),
    Grant("medical_document", "SELECT", (DOCTOR, MANAGER)),
    Grant("medical_document", "INSERT UPDATE", (DOCTOR, MANAGER)),
    # …whose bytes (kept once per SHA-256, a part per row) the desk never reads.
    Grant("document_content", "SELECT INSERT", (DOCTOR, MANAGER)),
    Grant("document_part", "SELECT INSERT", (DOCTOR, MANAGER)),
    Grant("treatment_plan", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("treatment_plan", "INSERT UPDATE", (DOCTOR,)),
    Grant("treatment_task", "SELECT", (REGISTRAR, DOCTOR, MANAGER)),
    Grant("treatment_task", "INSERT UPDATE", (DOCTOR,)),
    Grant("treatment_task", "UPDATE", _DESK),
    # Money and feedback: the desk takes payments and ratings; managers correct.
    # Payments are append-only (a trigger too): a mistake is refunded, not rewritten.
    Grant("payment", "SELECT INSERT", _DESK),
    Grant("bonus_ledger_entry", "SELECT INSERT", _DESK),
    Grant("feedback", "SELECT INSERT", _DESK),
    Grant("feedback", "UPDATE", (MANAGER,)),
    Grant("feedback", "SELECT", (DOCTOR,)),
    # The journal: everyone appends (the actor is set by the database) and reads the
    # history of what they work on; nobody updates or deletes (trigger and grants).
    Grant("journal_entry", "SELECT INSERT", STAFF_GROUPS),
    # Backups: every desk sees the age of the last one; administrators run one now.
    Grant("backup_run", "SELECT", STAFF_GROUPS),
    Grant("backup_run", "INSERT UPDATE", (ADMIN,)),
)


#: The functions of migration 0004 that only some groups may call (the rest is PUBLIC's).
PRIVATE_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "crm_sync_login(integer, text)": (ADMIN,),
    "crm_login_check(text)": (GATE,),
    "crm_login_failed(text, text, text, integer, interval)": (GATE,),
    "crm_login_succeeded(text)": STAFF_GROUPS,
    "crm_my_user_id()": STAFF_GROUPS,
    "crm_my_doctor_id()": STAFF_GROUPS,
}


def create_groups_statement() -> str:
    """SQL creating the group roles that do not exist yet (they are the cluster's)."""
    names = ", ".join(f"'{g}'" for g in ALL_GROUPS)
    return f"""
DO $$
DECLARE
    g text;
BEGIN
    FOREACH g IN ARRAY ARRAY[{names}] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
    END LOOP;
END
$$;
"""


def function_grant_statements() -> list[str]:
    """The SQL that lets exactly :data:`PRIVATE_FUNCTIONS`' groups call those functions."""
    statements = []
    for signature, groups in PRIVATE_FUNCTIONS.items():
        statements.append(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        statements.append(f"GRANT EXECUTE ON FUNCTION {signature} TO {', '.join(groups)}")
    return statements


def grant_statements(existing: Mapping[str, Collection[str]] | None = None) -> list[str]:
    """The SQL that makes every table's privileges exactly :data:`TABLE_GRANTS`.

    Args:
        existing: the tables there are now, with their columns; grants of tables and
            columns a later migration creates are left to it (every migration that adds
            a table or a granted column applies the grants again, see
            :func:`apply_grants`). ``None``: the whole map.
    """
    grants = []
    for grant in TABLE_GRANTS:
        if existing is None:
            grants.append(grant)
        elif grant.table in existing:
            present = tuple(c for c in grant.columns if c in existing[grant.table])
            if present or not grant.columns:
                grants.append(Grant(grant.table, grant.privileges, grant.groups, present))
    tables = sorted({grant.table for grant in grants})
    groups = ", ".join(ALL_GROUPS)
    statements = [f"GRANT USAGE ON SCHEMA public TO {groups}"]
    statements += [f"REVOKE ALL ON TABLE {table} FROM PUBLIC, {groups}" for table in tables]
    for grant in grants:
        privileges = grant.privileges.split()
        if grant.columns:
            columns = ", ".join(grant.columns)
            privilege_list = ", ".join(f"{p} ({columns})" for p in privileges)
        else:
            privilege_list = ", ".join(privileges)
        statements.append(
            f"GRANT {privilege_list} ON TABLE {grant.table} TO {', '.join(grant.groups)}"
        )
    statements.append(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {', '.join(STAFF_GROUPS)}"
    )
    return statements


def apply_grants(connection: sa.Connection) -> None:
    """Give the groups exactly the map's privileges on the tables that exist now.

    Every migration that creates a table calls this at its end (the map is the program's
    newest, so an older migration must not name tables it has not made yet).
    """
    inspector = sa.inspect(connection)
    existing = {
        table: {column["name"] for column in inspector.get_columns(table)}
        for table in inspector.get_table_names()
    }
    for statement in grant_statements(existing):
        connection.execute(sa.text(statement))
