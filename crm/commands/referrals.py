"""``clinic-crm referral add|show|list|extend|cancel``: the referral registry from the command line.

The same controllers as the program's registry, so the same rules and the same
reasons. ``add`` prints only the new referral's id (for scripts); a form with bad
fields prints one line per field on stderr and exits with status 1. Dates are typed
ДД.ММ.ГГГГ or ГГГГ-ММ-ДД and printed ДД.ММ.ГГГГ.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from crm.commands.common import as_option, command_line_actor, friendly_errors, open_ready
from crm.i18n import translate
from crm.models.enums import ReferralKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from crm.controllers.context import Actor
    from crm.controllers.referrals.editing import ReferralDetails, ReferralRow

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


def _open(ctx: click.Context) -> Any:

    return open_ready(ctx)


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _organisation_id(db: sessionmaker[Session], actor: Actor, key: str | None) -> int | None:
    from crm.controllers.referrals.organisations import find_organisation

    return find_organisation(db, actor, key).id if key else None


def _one(
    db: sessionmaker[Session], actor: Actor, number: str, organisation: str | None
) -> ReferralRow:
    """The referral with ``number`` (of ``organisation`` when several share it)."""
    from crm.controllers.errors import DomainError, NotFound
    from crm.controllers.referrals.editing import find_by_number

    organisation_id = _organisation_id(db, actor, organisation)
    found = find_by_number(db, actor, number, organisation_id=organisation_id)
    if not found:
        raise NotFound(
            translate("referrals", "No referral with number {number}").format(number=number)
        )
    if len(found) > 1:
        raise DomainError(
            translate(
                "referrals",
                "Several organisations issued a referral with number {number}: add "
                "--organisation OGRN",
            ).format(number=number)
        )
    return found[0]


@click.group("referral")
def referral_group() -> None:
    """Referrals (направления): register, show, list, extend, cancel."""


@referral_group.command("add")
@click.option("--number", required=True, help="The number as on the document.")
@click.option("--organisation", required=True, metavar="OGRN|ID", help="Issuing organisation.")
@click.option("--patient", "patient_id", type=int, required=True, help="Patient id.")
@click.option("--specialty", "specialty_code", required=True, metavar="CODE",
              help="Target specialty code.")  # fmt: skip
@click.option("--diagnosis", required=True, metavar="CODE", help="МКБ-10 code, e.g. K29.7.")
@click.option("--kind", type=click.Choice([k.value for k in ReferralKind]), required=True)
@click.option("--issued", type=click.DateTime(DATE_FORMATS), required=True, metavar="DATE")
@click.option("--days", type=int, help="Days of validity (emergency referrals: 7–30).")
@click.option("--doctor", "issuing_doctor", metavar="TEXT", help="Issuing doctor.")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def add(
    ctx: click.Context,
    *,
    number: str,
    organisation: str,
    patient_id: int,
    specialty_code: str,
    diagnosis: str,
    kind: str,
    issued: dt.datetime,
    days: int | None,
    issuing_doctor: str | None,
    as_login: str | None,
) -> None:
    """Register a referral and print its id (exit 1 with every bad field if refused)."""
    from crm.controllers.referrals.editing import ReferralForm, create_referral
    from crm.controllers.schedule.slots import specialty_by_code

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        form = ReferralForm(
            number=number,
            organisation_id=_organisation_id(db, actor, organisation),
            patient_id=patient_id,
            specialty_id=specialty_by_code(db, specialty_code),
            diagnosis_code=diagnosis,
            kind=ReferralKind(kind),
            issued_on=issued.date(),
            emergency_days=days,
            issuing_doctor=issuing_doctor,
        )
        made = create_referral(db, actor, form)
    finally:
        ready.database.dispose()
    click.echo(made.row.id)


def describe(details: ReferralDetails) -> list[str]:
    """The referral as lines ``Field: value``, then its extensions and appointments."""
    from crm.controllers.vocabulary import appointment_status_title as visit_title
    from crm.controllers.vocabulary import referral_kind_title as kind_title
    from crm.controllers.vocabulary import referral_status_title as status_title

    row = details.row
    lines = [
        (translate("referrals", "Number"), row.number),
        (translate("referrals", "Issuing organisation"),
         translate("referrals", "{name} (OGRN {ogrn})").format(
             name=row.organisation_name, ogrn=details.organisation_ogrn)),
        (translate("referrals", "Issuing doctor"), details.issuing_doctor or "—"),
        (translate("referrals", "Patient"), f"{row.patient_name} (id {row.patient_id})"),
        (translate("referrals", "Specialty"), row.specialty_name),
        (translate("referrals", "Diagnosis"), row.diagnosis_code),
        (translate("referrals", "Kind"), kind_title(row.kind)),
        (translate("referrals", "Issue date"), _date(row.issued_on)),
        (translate("referrals", "Valid until"),
         (translate("referrals", "{date} ({days} days left)") if row.days_left > 0
          else translate("referrals", "{date}, expired")).format(
             date=_date(row.last_valid_day), days=row.days_left)),
        (translate("referrals", "Status"), status_title(row.status)),
    ]  # fmt: skip
    if details.cancel_reason:
        lines.append((translate("referrals", "Cancelled because"), details.cancel_reason))
    if row.appointment_id is not None and row.appointment_starts_at is not None:
        lines.append((
            translate("referrals", "Appointment"),
            f"{row.appointment_starts_at.strftime('%d.%m.%Y %H:%M')}, "
            f"{row.appointment_doctor_name} (id {row.appointment_id})",
        ))  # fmt: skip
    text = [f"{name}: {value}" for name, value in lines]
    if details.extensions:
        text.append(translate("referrals", "Extensions:"))
        text.extend(
            f"  {e.created_at.strftime('%d.%m.%Y')}: {_date(e.old_last_day)} → "
            f"{_date(e.new_last_day)}, {e.extended_by}: {e.reason}"
            for e in details.extensions
        )
    if details.appointments:
        text.append(translate("referrals", "Appointments:"))
        text.extend(
            f"  {a.starts_at.strftime('%d.%m.%Y %H:%M')}, {a.doctor_name}, "
            f"{visit_title(a.status)} (id {a.id})"
            for a in details.appointments
        )
    return text


@referral_group.command("show")
@click.argument("number")
@click.option("--organisation", metavar="OGRN|ID", help="When several organisations use it.")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def show(ctx: click.Context, number: str, organisation: str | None, as_login: str | None) -> None:
    """Show a referral: one line per field, its extensions and appointments."""
    from crm.controllers.referrals.editing import get_referral

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        details = get_referral(db, actor, _one(db, actor, number, organisation).id)
    finally:
        ready.database.dispose()
    for line in describe(details):
        click.echo(line)


@referral_group.command("list")
@click.option("--expiring", is_flag=True, help="Only those with ≤ 5 days left and no appointment.")
@click.option("--patient", "patient_id", type=int, help="Only this patient's.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def list_referrals(
    ctx: click.Context, *, expiring: bool, patient_id: int | None, limit: int,
    as_login: str | None,
) -> None:  # fmt: skip
    """List referrals, the newest first (number, patient, specialty, last day, status)."""
    from crm.controllers.referrals.editing import RegistryFilter, registry
    from crm.controllers.vocabulary import referral_status_title as status_title

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        # One more than shown: whether the list goes on is known, not guessed.
        rows = registry(db, actor, RegistryFilter(expiring_only=expiring, patient_id=patient_id,
                                                  limit=limit + 1))  # fmt: skip
    finally:
        ready.database.dispose()
    more = len(rows) > limit
    for row in rows[:limit]:
        click.echo(
            f"{row.number}\t{row.patient_name}\t{row.specialty_name}\t"
            f"{_date(row.last_valid_day)}\t{row.days_left}\t{status_title(row.status)}"
        )
    if not rows:
        click.echo(translate("referrals", "No referrals"), err=True)
    if more:
        click.echo(
            translate(
                "referrals", "Only the first {limit} are listed: narrow the filter or raise --limit"
            ).format(limit=limit),
            err=True,
        )


@referral_group.command("extend")
@click.argument("number")
@click.option("--until", type=click.DateTime(DATE_FORMATS), required=True, metavar="DATE",
              help="The new last valid day.")  # fmt: skip
@click.option("--reason", required=True, help="The doctor's written reason.")
@click.option("--organisation", metavar="OGRN|ID", help="When several organisations use it.")
@as_option("Act as this user (a doctor).")
@click.pass_context
@friendly_errors
def extend(
    ctx: click.Context, *, number: str, until: dt.datetime, reason: str,
    organisation: str | None, as_login: str | None,
) -> None:  # fmt: skip
    """Extend a long-term referral (a doctor, with a reason, up to 90 days from issue)."""
    from crm.controllers.referrals.editing import extend_referral

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        found = _one(db, actor, number, organisation)
        details = extend_referral(db, actor, found.id, reason=reason, until=until.date(),
                                  expected_version=found.version)  # fmt: skip
    finally:
        ready.database.dispose()
    click.echo(
        translate("referrals", "Referral {number} is valid until {date}").format(
            number=details.row.number, date=_date(details.row.last_valid_day)
        )
    )


@referral_group.command("cancel")
@click.argument("number")
@click.option("--reason", required=True, help="Why (kept on the referral and in the journal).")
@click.option("--organisation", metavar="OGRN|ID", help="When several organisations use it.")
@as_option("Act as this user.")
@click.pass_context
@friendly_errors
def cancel(
    ctx: click.Context, number: str, reason: str, organisation: str | None, as_login: str | None
) -> None:
    """Cancel a referral with a reason."""
    from crm.controllers.referrals.editing import cancel_referral

    ready = _open(ctx)
    try:
        db = ready.database.sessions
        actor = command_line_actor(db, as_login)
        found = _one(db, actor, number, organisation)
        cancel_referral(db, actor, found.id, reason=reason, expected_version=found.version)
    finally:
        ready.database.dispose()
    click.echo(translate("referrals", "Referral {number} cancelled").format(number=found.number))


#: Registered by :mod:`crm.cli`.
COMMANDS = [referral_group]
