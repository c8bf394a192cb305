"""Administering the accounts: the list, new users, roles, passwords, lockouts, deactivation.

Everything here needs :attr:`~crm.controllers.access.permissions.Permission.MANAGE_USERS`
(the administrator) when an actor is given; ``actor=None`` is the command line, which
anyone who can reach the database may run anyway (the journal says «cli»).

The clinic must always keep one active administrator: demoting or deactivating the last
one is refused. Two administrators demoting each other at once must not both succeed,
so every change of a role or of the active flag first takes one transaction-level
advisory lock (:data:`LOCK_ADMINS`) and only then reads who the other active
administrators are: the second change waits for the first to commit and then counts
without it. The rows themselves are locked ``FOR UPDATE`` as well.

Passwords, the login pattern and the lockout come from :mod:`crm.controllers.access.auth`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access import auth
from crm.controllers.access.database_login import sync_login
from crm.controllers.access.permissions import Permission, require
from crm.controllers.clinic import clock
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, FieldProblem, NotFound, ValidationError
from crm.i18n import translate
from crm.models import Doctor, User
from crm.models.enums import Role

#: The advisory lock every change of a role or of the active flag takes first.
LOCK_ADMINS = 0x43524D10


class UserInvalid(ValidationError):
    """The form has bad fields; ``problems`` lists all of them, ``field`` is the first."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(problems[0].message, field=problems[0].field)
        self.problems = problems


class LastAdministrator(DomainError):
    """The change would leave the clinic without an active administrator."""


@dataclass(frozen=True)
class UserRow:
    """A user as the administrator's list shows it.

    Attributes:
        id: ``app_user.id``.
        login: the login name.
        full_name: ФИО as shown in the program.
        role: what the user may do.
        active: may log in.
        locked_until: end of a lockout after failed logins (``None``: never locked).
        locked: the lockout is still running (by the server's clock).
        doctor_id: the doctor this user is, for doctors.
        doctor_name: ``Фамилия И. О.`` of that doctor.
        last_login_at: the last successful login.
    """

    id: int
    login: str
    full_name: str
    role: Role
    active: bool
    locked_until: dt.datetime | None
    locked: bool
    doctor_id: int | None
    doctor_name: str | None
    last_login_at: dt.datetime | None


@dataclass(frozen=True)
class DoctorOption:
    """A doctor a doctor's account may belong to."""

    id: int
    name: str


@dataclass(frozen=True)
class NewUser:
    """A new account as typed.

    Attributes:
        login: the login name (checked against :data:`auth.LOGIN_PATTERN`).
        full_name: ФИО (the login when empty).
        role: a :class:`Role` or its value.
        password: the first password.
        password_again: the password repeated (``None``: not asked, as on the command line).
        doctor_id: the doctor, required for the doctor's role.
    """

    login: str
    full_name: str
    role: Role | str
    password: str
    password_again: str | None = None
    doctor_id: int | None = None


def _short_name(doctor: Doctor) -> str:
    initials = f"{doctor.first_name[:1]}." + (
        f" {doctor.patronymic[:1]}." if doctor.patronymic else ""
    )
    return f"{doctor.last_name} {initials}"


def _check(actor: Actor | None) -> None:
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)


def _cli(actor: Actor | None) -> str | None:
    """The journal's login for the command line (no actor)."""
    return None if actor else journal.SERVICE_LOGIN


def _role(value: Role | str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def unknown_role(value: object) -> FieldProblem:
    """The problem of a role that is not one of the four."""
    return FieldProblem(
        "role",
        translate("users", "Role: {role} is not a role (registrar, doctor, manager, admin)").format(
            role=value
        ),
    )


def _password_problems(password: str, again: str | None) -> list[FieldProblem]:
    try:
        auth.check_password_rules(password)
    except ValidationError as exc:
        return [FieldProblem("password", exc.message)]
    if again is not None and again != password:
        return [
            FieldProblem(
                "password_again", translate("users", "Repeat the password: it does not match")
            )
        ]
    return []


def _doctor_problem(role: Role | None, doctor_id: int | None) -> list[FieldProblem]:
    if role is Role.DOCTOR and doctor_id is None:
        return [
            FieldProblem(
                "doctor_id", translate("users", "Doctor: choose the doctor this account is")
            )
        ]
    return []


def check_new_user(form: NewUser) -> list[FieldProblem]:
    """Every problem of ``form`` that needs no database, in the order of the fields."""
    problems: list[FieldProblem] = []
    if not auth.LOGIN_PATTERN.match(form.login.strip()):
        problems.append(
            FieldProblem(
                "login",
                translate("auth", "Login: 2–60 Latin letters, digits, dot, dash or underscore"),
            )
        )
    if len(" ".join(form.full_name.split())) > auth.FULL_NAME_MAX:
        problems.append(
            FieldProblem(
                "full_name",
                translate("auth", "Full name: at most {n} characters").format(n=auth.FULL_NAME_MAX),
            )
        )
    role = _role(form.role)
    if role is None:
        problems.append(unknown_role(form.role))
    problems += _doctor_problem(role, form.doctor_id)
    problems += _password_problems(form.password, form.password_again)
    return problems


def list_users(db: sessionmaker[Session], *, actor: Actor | None) -> tuple[UserRow, ...]:
    """Every account by login, with its doctor and whether it is locked now."""
    _check(actor)
    with db() as session:
        now = session.execute(sa.select(sa.func.now())).scalar_one()
        tz = clock.clinic_timezone(session)  # times shown in the clinic's, not the desk's

        def local(moment: dt.datetime | None) -> dt.datetime | None:
            return moment.astimezone(tz) if moment else None

        doctors = {
            d.id: _short_name(d)
            for d in session.scalars(
                sa.select(Doctor).where(
                    Doctor.id.in_(sa.select(User.doctor_id).where(User.doctor_id.is_not(None)))
                )
            )
        }
        return tuple(
            UserRow(
                id=u.id,
                login=u.login,
                full_name=u.full_name,
                role=u.role,
                active=u.active,
                locked_until=local(u.locked_until),
                locked=u.locked_until is not None and u.locked_until > now,
                doctor_id=u.doctor_id,
                doctor_name=doctors.get(u.doctor_id) if u.doctor_id else None,
                last_login_at=local(u.last_login_at),
            )
            for u in session.scalars(sa.select(User).order_by(sa.func.lower(User.login)))
        )


def doctor_options(db: sessionmaker[Session], *, actor: Actor | None) -> tuple[DoctorOption, ...]:
    """Active doctors by surname, for a doctor's account."""
    _check(actor)
    with db() as session:
        return tuple(
            DoctorOption(d.id, _short_name(d))
            for d in session.scalars(
                sa.select(Doctor)
                .where(Doctor.active)
                .order_by(Doctor.last_name, Doctor.first_name, Doctor.id)
            )
        )


def add_user(db: sessionmaker[Session], form: NewUser, *, actor: Actor | None) -> int:
    """Create the account of ``form`` and return its id.

    Raises:
        UserInvalid: every bad field at once.
        ValidationError: the login is taken or the doctor does not exist (``field`` says which).
    """
    _check(actor)
    problems = check_new_user(form)
    if problems:
        raise UserInvalid(problems)
    return auth.add_user(
        db,
        form.login,
        form.password,
        Role(form.role),
        form.full_name,
        doctor_id=form.doctor_id if Role(form.role) is Role.DOCTOR else None,
        actor=actor,
    )


def _user(session: Session, login: str) -> User:
    user = session.scalars(
        sa.select(User).where(sa.func.lower(User.login) == login.strip().lower()).with_for_update()
    ).one_or_none()
    if user is None:
        raise NotFound(translate("auth", "No user with login {login}").format(login=login))
    return user


def _keep_an_administrator(session: Session, user: User, *, role: Role, active: bool) -> None:
    """Refuse a change that would leave no active administrator (the lock is held)."""
    if user.role is not Role.ADMIN or not user.active or (role is Role.ADMIN and active):
        return
    others = session.scalars(
        sa.select(User.id)
        .where(User.role == Role.ADMIN, User.active, User.id != user.id)
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not others:
        raise LastAdministrator(
            translate(
                "users",
                "{login} is the only active administrator: make another user an "
                "administrator first",
            ).format(login=user.login),
            field="role" if active else "active",
        )


def _lock_admins(session: Session) -> None:
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_ADMINS)))


def change_role(
    db: sessionmaker[Session],
    login: str,
    role: Role | str,
    *,
    doctor_id: int | None = None,
    actor: Actor | None,
) -> None:
    """Give ``login`` another role (a doctor's account names its doctor).

    Raises:
        UserInvalid: an unknown role, or a doctor's role without a doctor.
        LastAdministrator: ``login`` is the last active administrator.
        NotFound: no such user.
    """
    _check(actor)
    new_role = _role(role)
    problems = [unknown_role(role)] if new_role is None else []
    problems += _doctor_problem(new_role, doctor_id)
    if problems:
        raise UserInvalid(problems)
    assert new_role is not None
    new_doctor = doctor_id if new_role is Role.DOCTOR else None
    with db() as session, session.begin():
        _lock_admins(session)
        user = _user(session, login)
        if new_doctor is not None and session.get(Doctor, new_doctor) is None:
            raise ValidationError(
                translate("auth", "Doctor: no doctor with id {id}").format(id=new_doctor),
                field="doctor_id",
            )
        _keep_an_administrator(session, user, role=new_role, active=user.active)
        before = {"role": user.role, "doctor_id": user.doctor_id}
        user.role = new_role
        user.doctor_id = new_doctor
        sync_login(session, user)
        changes = journal.diff(before, {"role": new_role, "doctor_id": new_doctor})
        if changes:
            journal.record(
                session,
                "role_changed",
                actor=actor,
                entity="app_user",
                entity_id=user.id,
                changes=changes,
                login=_cli(actor),
            )


def set_active(db: sessionmaker[Session], login: str, active: bool, *, actor: Actor | None) -> None:
    """Deactivate (``active=False``: no more logins) or reactivate ``login``.

    Raises:
        LastAdministrator: deactivating the last active administrator.
        DomainError: an administrator deactivating their own account.
        NotFound: no such user.
    """
    _check(actor)
    with db() as session, session.begin():
        _lock_admins(session)
        user = _user(session, login)
        if not active and actor is not None and user.id == actor.user_id:
            raise DomainError(
                translate("users", "You cannot deactivate your own account"), field="active"
            )
        _keep_an_administrator(session, user, role=user.role, active=active)
        if user.active == active:
            return
        journal.record(
            session,
            "reactivate" if active else "deactivate",
            actor=actor,
            entity="app_user",
            entity_id=user.id,
            changes=journal.diff({"active": user.active}, {"active": active}),
            login=_cli(actor),
        )
        user.active = active
        sync_login(session, user)


def reset_password(
    db: sessionmaker[Session],
    login: str,
    password: str,
    password_again: str | None = None,
    *,
    actor: Actor | None,
) -> None:
    """Give ``login`` a new password (and lift a lockout).

    Raises:
        UserInvalid: too short, or the repetition differs.
        NotFound: no such user.
    """
    _check(actor)
    problems = _password_problems(password, password_again)
    if problems:
        raise UserInvalid(problems)
    auth.set_password(db, login, password, actor=actor)


def unlock(db: sessionmaker[Session], login: str, *, actor: Actor | None) -> bool:
    """Lift ``login``'s lockout after failed logins; ``False`` if it was not locked.

    Raises:
        NotFound: no such user.
    """
    _check(actor)
    with db() as session, session.begin():
        user = _user(session, login)
        if user.locked_until is None and not user.failed_attempts:
            return False
        changes = journal.diff(
            {"locked_until": user.locked_until, "failed_attempts": user.failed_attempts},
            {"locked_until": None, "failed_attempts": 0},
        )
        user.locked_until = None
        user.failed_attempts = 0
        sync_login(session, user)
        journal.record(
            session,
            "unlock",
            actor=actor,
            entity="app_user",
            entity_id=user.id,
            changes=changes,
            login=_cli(actor),
        )
        return True
