"""The first start on a clinic's own, empty database: its details and first administrator.

A database without a single user is not set up yet: the program shows the setup
wizard instead of the login (``needs_setup``). ``set_up`` stores the clinic's details
and creates the first administrator in one transaction, under an advisory lock, so
two desks finishing the wizard at once cannot both make an administrator: the second
is told the clinic is already set up.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers.access import auth
from crm.controllers.clinic.clock import SessionSource, reading
from crm.controllers.clinic.profile import ClinicProfile, ProfileForm, clean_profile, write_profile
from crm.controllers.errors import DomainError, FieldProblem, FormInvalid, Problems
from crm.i18n import translate
from crm.models import User
from crm.models.enums import Role

#: pg_advisory_xact_lock key of the setup ("CRM" + 0x10).
SETUP_LOCK = 0x43524D10


@dataclass(frozen=True)
class AdminForm:
    """The first administrator as typed in the wizard."""

    login: str = ""
    full_name: str = ""
    password: str = ""
    password_again: str = ""


class AlreadySetUp(DomainError):
    """The clinic already has users: the setup runs once."""


def needs_setup(source: SessionSource) -> bool:
    """Whether the database has no user yet (the wizard, not the login, comes first)."""
    with reading(source) as session:
        # Reads only ids: a desk before login (crm_gate) may ask this and nothing more.
        return session.scalar(sa.select(sa.exists(sa.select(User.id)))) is not True


def check_admin(form: AdminForm) -> tuple[str, str]:
    """The administrator's login and full name, checked; the passwords must match.

    Raises:
        FormInvalid: every bad field.
    """
    problems = Problems()
    login = problems.check("login", auth.check_login, form.login)
    full_name = problems.check("full_name", auth.check_full_name, form.full_name)
    problems.check("password", auth.check_password_rules, form.password)
    if form.password != form.password_again:
        problems.add("password_again", translate("setup", "Password again: the passwords differ"))
    problems.raise_any()
    return login, full_name


def set_up(
    db: sessionmaker[Session], clinic: ProfileForm, admin: AdminForm, *, via: str = "setup"
) -> ClinicProfile:
    """Store the clinic's details and create its first administrator.

    Args:
        db: the sessions.
        clinic: the clinic's details as typed.
        admin: the first administrator as typed.
        via: who the journal names for it (``setup`` for the wizard, ``cli``).

    Raises:
        FormInvalid: bad fields of either form, all of them.
        AlreadySetUp: the database already has users.
    """
    problems: list[FieldProblem] = []
    profile: ClinicProfile | None = None
    credentials: tuple[str, str] | None = None
    try:
        profile = clean_profile(clinic)
    except FormInvalid as exc:
        problems.extend(exc.problems)
    try:
        credentials = check_admin(admin)
    except FormInvalid as exc:
        problems.extend(exc.problems)
    if problems or profile is None or credentials is None:
        raise FormInvalid(problems)
    login, full_name = credentials
    with db() as session, session.begin():
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(SETUP_LOCK)))
        if not needs_setup(session):
            raise AlreadySetUp(
                translate("setup", "The clinic is already set up: log in as its administrator")
            )
        write_profile(session, profile, None)
        auth.insert_user(session, login, admin.password, Role.ADMIN, full_name, cli_login=via)
    return profile
