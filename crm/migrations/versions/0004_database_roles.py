"""The database as the security boundary: group roles, grants, row-level security, the actor.

Every staff login becomes a PostgreSQL role (``login@database``) in the group of its
role (``crm_registrar``, ``crm_doctor``, ``crm_manager``, ``crm_admin``); the groups get
exactly the grants of :mod:`crm.models.database_roles`. A doctor changes only her own
appointments (row-level security); the desk never reads a document's contents nor
anyone password material (column grants). The journal's actor is taken from
``session_user``, so nobody writes an entry in another's name. ``crm_gate`` is a
workstation before login: it may only ask whether a login may try, and count a failure.

The migration must run as a role with CREATEROLE (the owner, or a superuser); the
functions below run as that role (SECURITY DEFINER) so that an administrator's desk can
create and change staff roles without holding CREATEROLE itself.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crm.models.database_roles import (
    ALL_GROUPS,
    DOCTOR,
    GATE,
    GATE_SETTINGS,
    GROUP_OF_ROLE,
    MANAGER,
    PRIVATE_FUNCTIONS,
    REGISTRAR,
    STAFF_GROUPS,
    apply_grants,
    create_groups_statement,
    function_grant_statements,
)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAFF = ", ".join(STAFF_GROUPS)
_STAFF_LITERALS = ", ".join(f"'{g}'" for g in STAFF_GROUPS)
_GROUP_CASE = (
    "CASE u.role "
    + " ".join(f"WHEN '{role.value}' THEN '{group}'" for role, group in GROUP_OF_ROLE.items())
    + " END"
)

FUNCTIONS = f"""
CREATE FUNCTION crm_my_user_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM app_user WHERE db_role = session_user
$$;

CREATE FUNCTION crm_my_doctor_id() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT doctor_id FROM app_user WHERE db_role = session_user
$$;

-- Makes the PostgreSQL role of app_user p_user_id match the row: exists, in exactly
-- its role's group, LOGIN only while active, its password expired while locked out,
-- and the new password when one is given (a SCRAM verifier made on the desk, never
-- the password itself, so it cannot reach the server's log).
CREATE FUNCTION crm_sync_login(p_user_id integer, p_verifier text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u app_user;
    r text;
    g text;
    wanted text;
    existing pg_roles;
BEGIN
    SELECT * INTO u FROM app_user WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no user with id %', p_user_id USING ERRCODE = 'P0002';
    END IF;
    r := coalesce(u.db_role, left(lower(u.login), 30) || '@' || left(current_database(), 32));
    SELECT * INTO existing FROM pg_roles WHERE rolname = r;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    ELSIF existing.rolsuper OR existing.rolcreaterole OR existing.rolcreatedb
          OR existing.rolreplication OR existing.rolbypassrls THEN
        RAISE EXCEPTION 'role % exists with powers a staff login must not have', r
            USING ERRCODE = '42501';
    END IF;
    wanted := {_GROUP_CASE};
    FOREACH g IN ARRAY ARRAY[{_STAFF_LITERALS}] LOOP
        IF g = wanted THEN
            EXECUTE format('GRANT %I TO %I', g, r);
        ELSIF pg_has_role(r, g, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', g, r);
        END IF;
    END LOOP;
    EXECUTE format('ALTER ROLE %I %s', r, CASE WHEN u.active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    IF p_verifier IS NOT NULL THEN
        IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
            RAISE EXCEPTION 'a password reaches the server only as a SCRAM verifier'
                USING ERRCODE = '22023';
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', r, p_verifier);
    END IF;
    IF u.locked_until IS NOT NULL AND u.locked_until > now() THEN
        -- An expired password: the server itself refuses the login while locked.
        EXECUTE format('ALTER ROLE %I VALID UNTIL %L', r, '-infinity');
    ELSE
        EXECUTE format('ALTER ROLE %I VALID UNTIL %L', r, 'infinity');
    END IF;
    IF u.db_role IS DISTINCT FROM r THEN
        UPDATE app_user SET db_role = r WHERE id = p_user_id;
    END IF;
    RETURN r;
END
$$;

-- Before a login tries its password: may it? (unknown, disabled, locked, ok) and as
-- which PostgreSQL role. A lapsed lockout is lifted here.
CREATE FUNCTION crm_login_check(p_login text,
    OUT state text, OUT db_role text, OUT locked_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u app_user;
BEGIN
    SELECT * INTO u FROM app_user WHERE lower(login) = lower(btrim(p_login)) FOR UPDATE;
    IF NOT FOUND THEN
        state := 'unknown';
        RETURN;
    END IF;
    db_role := u.db_role;
    locked_until := u.locked_until;
    IF NOT u.active THEN
        state := 'disabled';
    ELSIF u.locked_until IS NOT NULL AND u.locked_until > now() THEN
        state := 'locked';
    ELSE
        IF u.locked_until IS NOT NULL THEN
            UPDATE app_user SET locked_until = NULL, failed_attempts = 0 WHERE id = u.id;
            PERFORM crm_sync_login(u.id, NULL);
            locked_until := NULL;
        END IF;
        state := CASE WHEN u.db_role IS NULL THEN 'no_role' ELSE 'ok' END;
    END IF;
END
$$;

-- The server refused a login's password: count it; the fifth locks the account (and its
-- PostgreSQL password) for p_lockout. Journaled. Returns the lock's end, if locked.
CREATE FUNCTION crm_login_failed(p_login text, p_workstation text, p_details text,
    p_max_attempts integer, p_lockout interval) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    u app_user;
BEGIN
    SELECT * INTO u FROM app_user WHERE lower(login) = lower(btrim(p_login)) FOR UPDATE;
    IF FOUND AND u.active AND (u.locked_until IS NULL OR u.locked_until <= now()) THEN
        u.failed_attempts := u.failed_attempts + 1;
        IF u.failed_attempts >= p_max_attempts THEN
            UPDATE app_user SET failed_attempts = 0, locked_until = now() + p_lockout
                WHERE id = u.id RETURNING * INTO u;
            PERFORM crm_sync_login(u.id, NULL);
        ELSE
            UPDATE app_user SET failed_attempts = u.failed_attempts WHERE id = u.id;
        END IF;
    END IF;
    INSERT INTO journal_entry (login, workstation, action, entity, entity_id, outcome, details)
    VALUES (left(p_login, 60), left(p_workstation, 100), 'login_failed', 'app_user',
            u.id, 'refused', left(p_details, 300));
    RETURN CASE WHEN u.locked_until > now() THEN u.locked_until END;
END
$$;

-- Called by a staff role right after the server accepted its password.
CREATE FUNCTION crm_login_succeeded(p_workstation text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    uid integer := crm_my_user_id();
BEGIN
    IF uid IS NULL THEN
        RAISE EXCEPTION 'role % is no staff login', session_user USING ERRCODE = '42501';
    END IF;
    UPDATE app_user SET failed_attempts = 0, locked_until = NULL, last_login_at = now()
        WHERE id = uid;
    INSERT INTO journal_entry (user_id, workstation, action, entity, entity_id, outcome)
    VALUES (uid, left(p_workstation, 100), 'login', 'app_user', uid, 'ok');
    RETURN uid;
END
$$;

-- The journal's actor is whoever the server authenticated, not what the desk says.
CREATE FUNCTION crm_journal_actor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    uid integer;
    ulogin text;
BEGIN
    SELECT id, login INTO uid, ulogin FROM app_user WHERE db_role = session_user;
    IF FOUND THEN
        NEW.user_id := uid;
        NEW.login := ulogin;
    ELSIF EXISTS (
        -- Direct membership: pg_has_role() says yes to every superuser.
        SELECT 1 FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles s ON s.oid = m.member
        WHERE s.rolname = session_user AND g.rolname IN ({_STAFF_LITERALS})
    ) THEN
        NEW.user_id := NULL;
        NEW.login := left(session_user, 60);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER crm_journal_actor BEFORE INSERT ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION crm_journal_actor();
"""

POLICIES = f"""
ALTER TABLE appointment ENABLE ROW LEVEL SECURITY;
CREATE POLICY appointment_read ON appointment FOR SELECT TO {_STAFF} USING (true);
CREATE POLICY appointment_desk ON appointment FOR ALL TO {REGISTRAR}, {MANAGER}
    USING (true) WITH CHECK (true);
CREATE POLICY appointment_doctor_books ON appointment FOR INSERT TO {DOCTOR}
    WITH CHECK (doctor_id = crm_my_doctor_id());
CREATE POLICY appointment_doctor_changes ON appointment FOR UPDATE TO {DOCTOR}
    USING (doctor_id = crm_my_doctor_id()) WITH CHECK (doctor_id = crm_my_doctor_id());
ALTER TABLE clinic_setting ENABLE ROW LEVEL SECURITY;
CREATE POLICY clinic_setting_staff ON clinic_setting FOR ALL TO {_STAFF}
    USING (true) WITH CHECK (true);
CREATE POLICY clinic_setting_gate ON clinic_setting FOR SELECT TO {GATE}
    USING (key IN ({", ".join(f"'{k}'" for k in GATE_SETTINGS)}));
"""


def upgrade() -> None:
    op.add_column("app_user", sa.Column("db_role", sa.String(63), nullable=True))
    op.create_unique_constraint("uq_app_user_db_role", "app_user", ["db_role"])
    op.execute(create_groups_statement())
    op.execute(FUNCTIONS)
    op.execute(POLICIES)
    for statement in function_grant_statements():
        op.execute(statement)
    apply_grants(op.get_bind())
    # Nobody but the owner creates objects in the clinic's schema (PostgreSQL 15's
    # default too; older servers let PUBLIC).
    op.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    # Existing users get their role now; their password is set with the next
    # `user passwd` (a hash cannot be turned into a PostgreSQL password).
    op.execute("SELECT crm_sync_login(id, NULL) FROM app_user ORDER BY id")


def downgrade() -> None:
    # The group roles are the cluster's, possibly shared by another database: they stay.
    bind = op.get_bind()
    tables = [
        row[0]
        for row in bind.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
    ]
    for table in tables:
        op.execute(f"REVOKE ALL ON TABLE {table} FROM {', '.join(ALL_GROUPS)}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {', '.join(ALL_GROUPS)}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {', '.join(ALL_GROUPS)}")
    for name in (
        "appointment_read",
        "appointment_desk",
        "appointment_doctor_books",
        "appointment_doctor_changes",
    ):
        op.execute(f"DROP POLICY {name} ON appointment")
    op.execute("ALTER TABLE appointment DISABLE ROW LEVEL SECURITY")
    for name in ("clinic_setting_staff", "clinic_setting_gate"):
        op.execute(f"DROP POLICY {name} ON clinic_setting")
    op.execute("ALTER TABLE clinic_setting DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TRIGGER crm_journal_actor ON journal_entry")
    for signature in (*PRIVATE_FUNCTIONS, "crm_journal_actor()"):
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_constraint("uq_app_user_db_role", "app_user")
    op.drop_column("app_user", "db_role")
