"""Editing a directory (branches, rooms, specialties, doctors, services, prices, hours).

Every directory is described once (:class:`Directory`: its table, its columns with
their cleaners, its natural key) in :mod:`~crm.controllers.directories.catalogue`;
the screens, the workbook and the command line all edit it through this module:

- a row is shown and typed as text (:class:`DirectoryRow`), checked whole
  (:func:`clean_cells`: every bad field at once, each message naming its column);
- saving is optimistic: a row changed on another desk since it was read is refused
  with both versions (:class:`DirectoryConflict`), nothing typed is lost;
- the database's own refusals (a name or a code taken, overlapping price periods)
  come back as the field they are about;
- nothing with history is deleted: it is deactivated, leaves the pickers and stays
  in reports and the journal; every change is journaled before → after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.directories.cleaners import Cleaner, Shower, show_plain
from crm.controllers.errors import (
    DomainError,
    FieldProblem,
    FormInvalid,
    NotFound,
    Problems,
    StaleRecord,
    ValidationError,
)
from crm.i18n import translate

#: A rule over a whole row: ``check(session, row_or_None, values)`` raises FormInvalid.
RowCheck = Callable[[Session, Any, dict[str, Any]], None]


@dataclass(frozen=True)
class Column:
    """One column of a directory: a model attribute (or a virtual one) typed as text.

    Attributes:
        field: the model attribute (the journal's and the form's name for it).
        title: its name on screen and in the workbook, in the current language.
        clean: text → the value to store (raises a ``ValidationError`` naming it).
        show: the stored value → text.
        choices: the texts a form offers for it (a reference's keys), if any.
        read: for a virtual column, how a row's value is read.
        write: for a virtual column, how a value is stored (after the row is flushed).
        in_workbook: whether the directory workbook carries it.
        editable: whether a person types it (else it is shown only).
    """

    field: str
    title: Callable[[], str]
    clean: Cleaner
    show: Shower = show_plain
    choices: Callable[[Session], Sequence[str]] | None = None
    read: Callable[[Session, Any], Any] | None = None
    write: Callable[[Session, Any, Any], None] | None = None
    in_workbook: bool = True
    editable: bool = True


@dataclass(frozen=True)
class Directory:
    """A directory: its table, its columns, how a row is recognised and ordered.

    Attributes:
        key: the program's name for it (``branches``…).
        entity: the table's name (the journal's object).
        model: the ORM class.
        title: its name on screen, in the current language.
        sheet: its sheet in the directory workbook (a fixed name: the file's format).
        columns: what a row holds, in the form's order.
        natural_key: the fields that recognise a row in a workbook (a code, a name).
        order: the listing's order.
        deactivatable: rows are deactivated (prices end by their period instead).
        check: a rule over the whole row (cross-field), if any.
        before_deactivate: a guard run before a row is deactivated, if any.
        after_write: what follows from a changed row, in the same transaction (weekly
            hours move the visits left outside them to the holding tray); gets the row
            and its values before, and says in a line what it did ("" if nothing).
    """

    key: str
    entity: str
    model: Any
    title: Callable[[], str]
    sheet: str
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    order: Callable[[], Sequence[Any]]
    deactivatable: bool = True
    check: RowCheck | None = None
    before_deactivate: Callable[[Session, Any], None] | None = None
    after_write: Callable[[Session, Actor | None, Any, Mapping[str, Any]], str] | None = None

    def column(self, name: str) -> Column:
        """The column named ``name``."""
        return next(c for c in self.columns if c.field == name)


@dataclass(frozen=True)
class DirectoryRow:
    """A row as a form and a table show it.

    Attributes:
        id: the row's id.
        version: its version (optimistic locking).
        active: whether it is in use (``True`` for directories without deactivation).
        cells: column field → text.
        note: what the save did besides the row, in a line (visits moved to the tray).
    """

    id: int
    version: int
    active: bool
    cells: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


class DirectoryConflict(StaleRecord):
    """The row was changed on another desk since it was read; ``theirs`` is it now."""

    def __init__(self, message: str, theirs: DirectoryRow | None) -> None:
        super().__init__(message)
        self.theirs = theirs


def _value(session: Session, column: Column, row: Any) -> Any:
    return column.read(session, row) if column.read is not None else getattr(row, column.field)


def row_of(session: Session, directory: Directory, row: Any) -> DirectoryRow:
    """``row`` as text."""
    return DirectoryRow(
        id=row.id,
        version=row.version,
        active=bool(getattr(row, "active", True)),
        cells={c.field: c.show(session, _value(session, c, row)) for c in directory.columns},
    )


def list_rows(
    db: sessionmaker[Session] | Session, actor: Actor, directory: Directory
) -> tuple[DirectoryRow, ...]:
    """Every row of ``directory`` (deactivated ones too), in its order."""
    require(actor, Permission.MANAGE_DIRECTORIES)

    def read(session: Session) -> tuple[DirectoryRow, ...]:
        rows = session.scalars(sa.select(directory.model).order_by(*directory.order()))
        return tuple(row_of(session, directory, row) for row in rows)

    if isinstance(db, Session):
        return read(db)
    with db() as session:
        return read(session)


def choices(db: sessionmaker[Session], actor: Actor, directory: Directory) -> dict[str, list[str]]:
    """For each column with choices, the texts a form offers (active rows only)."""
    require(actor, Permission.MANAGE_DIRECTORIES)
    with db() as session:
        return {c.field: list(c.choices(session)) for c in directory.columns if c.choices}


def clean_cells(
    session: Session, directory: Directory, cells: Mapping[str, Any], row: Any = None
) -> dict[str, Any]:
    """The typed ``cells`` as values to store, checked whole.

    Raises:
        FormInvalid: every bad column (each message names it), the row's own rule's
            problems, and a natural key another row already has.
    """
    problems = Problems()
    values: dict[str, Any] = {}
    for column in directory.columns:
        if not column.editable:
            continue
        title = column.title()
        typed = cells.get(column.field, "")
        typed = "" if typed is None else typed
        before = len(problems.found)
        value = problems.check(column.field, column.clean, session, typed, title, column.field)
        if len(problems.found) == before:
            values[column.field] = value
    if problems.found:
        problems.raise_any()
    if directory.check is not None:
        problems.check("", directory.check, session, row, values)
        problems.raise_any()
    taken = _same_natural_key(session, directory, values, row)
    if taken is not None:
        first = directory.column(directory.natural_key[0])
        problems.add(
            first.field,
            translate("directories", "{field}: «{value}» is already in the directory").format(
                field=first.title(), value=cells.get(first.field, "")
            ),
        )
        problems.raise_any()
    return values


def _same_natural_key(
    session: Session, directory: Directory, values: Mapping[str, Any], row: Any
) -> Any:
    """Another row whose natural key is ``values``' (case-insensitive for text)."""
    model = directory.model
    conditions = []
    for name in directory.natural_key:
        attribute = getattr(model, name)
        value = values.get(name)
        if isinstance(value, str):
            conditions.append(sa.func.lower(attribute) == value.lower())
        elif value is None:
            conditions.append(attribute.is_(None))
        else:
            conditions.append(attribute == value)
    query = sa.select(model).where(*conditions)
    if row is not None:
        query = query.where(model.id != row.id)
    return session.scalars(query.limit(1)).first()


def find_by_natural_key(session: Session, directory: Directory, values: Mapping[str, Any]) -> Any:
    """The row whose natural key is ``values``', or ``None``."""
    return _same_natural_key(session, directory, values, None)


def snapshot(session: Session, directory: Directory, row: Any) -> dict[str, Any]:
    """The stored values of ``row``'s editable columns (for the journal's before → after)."""
    if row is None:
        return {}
    return {c.field: _value(session, c, row) for c in directory.columns if c.editable}


def write_values(
    session: Session, actor: Actor | None, directory: Directory, row: Any, values: dict[str, Any]
) -> tuple[Any, dict[str, list[Any]], str]:
    """Store checked ``values`` into ``row`` (a new row when ``None``) and journal it.

    Returns:
        The row, what changed (empty: nothing did, and nothing was journaled) and the
        directory's note of what followed (:attr:`Directory.after_write`).

    Raises:
        FormInvalid: the database refused a value (a taken name, overlapping periods).
    """
    before = snapshot(session, directory, row)
    creating = row is None
    if creating:
        row = directory.model()
    plain = {
        c.field: values[c.field] for c in directory.columns if c.write is None and c.field in values
    }
    for name, value in plain.items():
        setattr(row, name, value)
    try:
        with session.begin_nested():
            if creating:
                session.add(row)
            session.flush()
            for column in directory.columns:
                if column.write is not None and column.field in values:
                    column.write(session, row, values[column.field])
            session.flush()
    except sa.exc.IntegrityError as exc:
        raise _refusal_of(directory, exc) from None
    except ValidationError as exc:  # a virtual column's rule
        raise FormInvalid([FieldProblem(exc.field or "", exc.message)]) from None
    after = snapshot(session, directory, row)
    changes = journal.diff(before, after)
    if changes:
        journal.record(
            session,
            "create" if creating else "update",
            actor=actor,
            login=None if actor else "import",
            entity=directory.entity,
            entity_id=row.id,
            changes=changes,
        )
    note = ""
    if changes and directory.after_write is not None:
        note = directory.after_write(session, actor, row, before)
    return row, changes, note


def _refusal_of(directory: Directory, exc: sa.exc.IntegrityError) -> FormInvalid:
    """The database's refusal as the field it is about."""
    state = getattr(exc.orig, "sqlstate", None)
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or ""
    if state == "23P01":  # exclusion: overlapping price periods
        return FormInvalid(
            [
                FieldProblem(
                    "valid_from",
                    translate(
                        "directories",
                        "Valid from: the period overlaps another price of this service "
                        "(end that one first)",
                    ),
                )
            ]
        )
    named = next(
        (c for c in directory.columns if c.field in constraint),
        directory.column(directory.natural_key[0]),
    )
    if state == "23505":
        message = translate("directories", "{field}: this value is already in the directory")
    elif state == "23514":
        message = translate("directories", "{field}: the value is out of range")
    else:
        message = translate("directories", "{field}: the database refused the value")
    return FormInvalid([FieldProblem(named.field, message.format(field=named.title()))])


def _locked(session: Session, directory: Directory, row_id: int) -> Any:
    row = session.scalars(
        sa.select(directory.model).where(directory.model.id == row_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise NotFound(
            translate("directories", "{directory}: the row was removed").format(
                directory=directory.title()
            )
        )
    return row


def _check_version(session: Session, directory: Directory, row: Any, version: int | None) -> None:
    if version is not None and row.version != version:
        raise DirectoryConflict(
            translate(
                "directories",
                "Someone changed this row on another workstation while you were editing it",
            ),
            row_of(session, directory, row),
        )


def save(
    db: sessionmaker[Session],
    actor: Actor,
    directory: Directory,
    cells: Mapping[str, Any],
    *,
    row_id: int | None = None,
    version: int | None = None,
) -> DirectoryRow:
    """Add a row (``row_id`` ``None``) or change one, as typed.

    Args:
        db: the sessions.
        actor: who saves (managers and administrators).
        directory: which directory.
        cells: column field → typed text.
        row_id: the row changed; ``None`` adds one.
        version: the version the form read (``None``: do not check).

    Raises:
        PermissionDenied: the role may not edit directories.
        FormInvalid: bad columns, all of them.
        DirectoryConflict: changed on another desk since it was read (both versions).
    """
    require(actor, Permission.MANAGE_DIRECTORIES)
    with db() as session, session.begin():
        row = _locked(session, directory, row_id) if row_id is not None else None
        if row is not None:
            _check_version(session, directory, row, version)
        values = clean_cells(session, directory, cells, row)
        row, _changes, note = write_values(session, actor, directory, row, values)
        return dataclasses.replace(row_of(session, directory, row), note=note)


def set_active(
    db: sessionmaker[Session],
    actor: Actor,
    directory: Directory,
    row_id: int,
    active: bool,
    *,
    version: int | None = None,
) -> DirectoryRow:
    """Deactivate a row (it leaves the pickers, stays in reports) or bring it back.

    Raises:
        PermissionDenied: the role may not edit directories.
        DomainError: the directory's guard refused (a doctor with future appointments).
        DirectoryConflict: changed on another desk since it was read.
    """
    require(actor, Permission.MANAGE_DIRECTORIES)
    if not directory.deactivatable:
        raise DomainError(
            translate(
                "directories", "{directory}: rows end by their period, not deactivation"
            ).format(directory=directory.title())
        )
    with db() as session, session.begin():
        row = _locked(session, directory, row_id)
        _check_version(session, directory, row, version)
        if row.active != active:
            if not active and directory.before_deactivate is not None:
                directory.before_deactivate(session, row)
            row.active = active
            session.flush()
            journal.record(
                session,
                "update",
                actor=actor,
                entity=directory.entity,
                entity_id=row.id,
                changes={"active": [not active, active]},
            )
        return row_of(session, directory, row)
