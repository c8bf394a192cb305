"""The directory of organisations that issue referrals (DOMAIN.md, Referrals).

An organisation is named exactly as on its documents (only the surrounding spaces
are dropped: the registry and the printed lists must show what the referral says),
identified by its ОГРН (13 digits, check digit verified with ``stdnum.ru.ogrn``,
unique in the database) and has an address. The referral form completes the
organisation as the desk types a name's beginning or the ОГРН's first digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.errors import DomainError, NotFound, ValidationError
from crm.controllers.validation import normalize_ogrn
from crm.i18n import translate
from crm.models import IssuingOrganisation, Referral

NAME_MAX_LENGTH = 300
ADDRESS_MAX_LENGTH = 300
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Organisation:
    """An issuing organisation as the directory and the referral form show it."""

    id: int
    name: str
    ogrn: str
    address: str | None


def _view(row: IssuingOrganisation) -> Organisation:
    return Organisation(id=row.id, name=row.name, ogrn=row.ogrn, address=row.address)


def _snapshot(row: IssuingOrganisation) -> dict[str, str | None]:
    return {"name": row.name, "ogrn": row.ogrn, "address": row.address}


def check_name(name: str) -> str:
    """The organisation's name as typed (outer spaces dropped).

    Raises:
        ValidationError: (field ``name``) empty or longer than 300 characters.
    """
    value = name.strip()
    if not value:
        raise ValidationError(translate("referrals", "Organisation name: required"), field="name")
    if len(value) > NAME_MAX_LENGTH:
        raise ValidationError(
            translate("referrals", "Organisation name: at most {n} characters").format(
                n=NAME_MAX_LENGTH
            ),
            field="name",
        )
    return value


def check_address(address: str | None) -> str | None:
    """The address trimmed, ``None`` when blank.

    Raises:
        ValidationError: (field ``address``) longer than 300 characters.
    """
    value = " ".join((address or "").split())
    if len(value) > ADDRESS_MAX_LENGTH:
        raise ValidationError(
            translate("referrals", "Address: at most {n} characters").format(n=ADDRESS_MAX_LENGTH),
            field="address",
        )
    return value or None


def _duplicate(session: Session, ogrn: str, own_id: int | None) -> None:
    query = sa.select(IssuingOrganisation).where(IssuingOrganisation.ogrn == ogrn)
    if own_id is not None:
        query = query.where(IssuingOrganisation.id != own_id)
    existing = session.scalars(query).first()
    if existing is not None:
        raise ValidationError(
            translate("referrals", "OGRN: already registered for «{name}»").format(
                name=existing.name
            ),
            field="ogrn",
        )


def _flush(session: Session, ogrn: str, own_id: int | None) -> None:
    """Flush; a second desk that registered the same ОГРН meanwhile becomes a field error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) != "23505":
            raise
        _duplicate(session, ogrn, own_id)
        raise  # pragma: no cover - the unique index named no other column


def create_organisation(
    db: sessionmaker[Session],
    actor: Actor,
    *,
    name: str,
    ogrn: str,
    address: str | None = None,
) -> Organisation:
    """Register an issuing organisation.

    Raises:
        PermissionDenied: the role may not register referrals.
        ValidationError: ``name``, ``ogrn`` (format, check digit, already registered)
            or ``address``.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    number = normalize_ogrn(ogrn)
    values = {"name": check_name(name), "ogrn": number, "address": check_address(address)}
    with db() as session, session.begin():
        _duplicate(session, number, None)
        row = IssuingOrganisation(**values)
        session.add(row)
        _flush(session, number, None)
        journal.record(
            session, "create", actor=actor, entity="issuing_organisation", entity_id=row.id,
            changes=journal.diff({}, _snapshot(row)),
        )  # fmt: skip
        return _view(row)


def update_organisation(
    db: sessionmaker[Session],
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    ogrn: str,
    address: str | None,
) -> Organisation:
    """Correct an organisation's name, ОГРН or address.

    Raises:
        PermissionDenied, NotFound, ValidationError: as :func:`create_organisation`.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    number = normalize_ogrn(ogrn)
    values = {"name": check_name(name), "ogrn": number, "address": check_address(address)}
    with db() as session, session.begin():
        row = _locked(session, organisation_id)
        _duplicate(session, number, row.id)
        before = _snapshot(row)
        for key, value in values.items():
            setattr(row, key, value)
        _flush(session, number, row.id)
        changes = journal.diff(before, _snapshot(row))
        if changes:
            journal.record(
                session, "update", actor=actor, entity="issuing_organisation", entity_id=row.id,
                changes=changes,
            )  # fmt: skip
        return _view(row)


def delete_organisation(db: sessionmaker[Session], actor: Actor, organisation_id: int) -> None:
    """Remove an organisation no referral names (a typo registered by mistake).

    Raises:
        PermissionDenied, NotFound: as usual.
        DomainError: referrals were registered from it.
    """
    require(actor, Permission.REGISTER_REFERRALS)
    with db() as session, session.begin():
        row = _locked(session, organisation_id)
        used = session.scalar(
            sa.select(sa.func.count())
            .select_from(Referral)
            .where(Referral.organisation_id == row.id)
        )
        if used:
            raise DomainError(
                translate(
                    "referrals", "The organisation cannot be removed: {n} referrals name it"
                ).format(n=used)
            )
        before = _snapshot(row)
        session.delete(row)
        journal.record(
            session, "delete", actor=actor, entity="issuing_organisation",
            entity_id=organisation_id, changes=journal.diff(before, {}),
        )  # fmt: skip


def _locked(session: Session, organisation_id: int) -> IssuingOrganisation:
    row = session.get(IssuingOrganisation, organisation_id, with_for_update=True)
    if row is None:
        raise NotFound(
            translate("referrals", "No issuing organisation with id {id}").format(
                id=organisation_id
            )
        )
    return row


def get_organisation(db: sessionmaker[Session], actor: Actor, organisation_id: int) -> Organisation:
    """One organisation.

    Raises:
        NotFound: no such organisation.
    """
    require(actor, Permission.FIND_PATIENTS)
    with db() as session:
        row = session.get(IssuingOrganisation, organisation_id)
        if row is None:
            raise NotFound(
                translate("referrals", "No issuing organisation with id {id}").format(
                    id=organisation_id
                )
            )
        return _view(row)


def find_organisation(db: sessionmaker[Session], actor: Actor, key: str) -> Organisation:
    """The organisation by its ОГРН (13 digits) or its id (fewer digits), for the CLI.

    Raises:
        NotFound: nothing matches.
    """
    require(actor, Permission.FIND_PATIENTS)
    text = key.strip()
    with db() as session:
        row = None
        digits = "".join(text.split())
        if digits.isdigit() and len(digits) == 13:
            row = session.scalars(
                sa.select(IssuingOrganisation).where(IssuingOrganisation.ogrn == digits)
            ).one_or_none()
        elif digits.isdigit():
            row = session.get(IssuingOrganisation, int(digits))
        if row is None:
            raise NotFound(translate("referrals", "No issuing organisation {key}").format(key=text))
        return _view(row)


def search_organisations(
    db: sessionmaker[Session], actor: Actor, text: str = "", *, limit: int = SEARCH_LIMIT
) -> list[Organisation]:
    """Autocomplete: organisations whose name starts with ``text`` (any case) or whose
    ОГРН starts with its digits; names that start with it first, then by name.

    An empty ``text`` lists the directory from the beginning of the alphabet.
    """
    require(actor, Permission.FIND_PATIENTS)
    typed = " ".join(text.split())
    query = sa.select(IssuingOrganisation)
    if typed:
        prefix = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        by_name = sa.func.lower(IssuingOrganisation.name).like(f"{prefix}%", escape="\\")
        # A word inside the name («поликлиника» in «ГБУЗ "Городская поликлиника № 3"»).
        by_word = sa.func.lower(IssuingOrganisation.name).op("~")(
            "(^|[^[:alnum:]])" + re.escape(typed.lower())
        )
        conditions: list[sa.ColumnElement[bool]] = [by_name, by_word]
        digits = "".join(ch for ch in typed if not ch.isspace() and ch != "-")
        if digits.isdigit():
            conditions.append(IssuingOrganisation.ogrn.startswith(digits))
        query = query.where(sa.or_(*conditions)).order_by(
            sa.case((by_name, 0), else_=1), IssuingOrganisation.name, IssuingOrganisation.id
        )
    else:
        query = query.order_by(IssuingOrganisation.name, IssuingOrganisation.id)
    with db() as session:
        return [_view(row) for row in session.scalars(query.limit(limit))]
