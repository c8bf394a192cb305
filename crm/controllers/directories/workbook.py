"""The clinic's directories as one XLSX workbook: exported, edited, imported back.

A clinic going live fills its branches, rooms, specialties, doctors, weekly hours,
services and prices in one workbook (sheet format: :mod:`.sheets`) instead of a
thousand clicks; a running clinic exports it, edits it and imports it again.

The import is all or nothing: every row of every sheet is checked exactly as the
directory screens check it (:func:`~.records.clean_cells`, the directory's own rule,
the database's refusals), each problem is named by sheet, row as Excel shows it and
column, and if there is any, nothing is written. A row is recognised by its natural
key (a branch by name, a doctor by ФИО and specialty, hours by doctor, weekday, start
and «valid from»): a known row is updated, an unknown one created, an unchanged one
left alone — importing the same file twice changes nothing the second time. Rows
absent from the file are kept (deactivate them with «Действует» = «нет»).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from crm.controllers import journal
from crm.controllers.access.permissions import Permission, require
from crm.controllers.context import Actor
from crm.controllers.directories import cleaners
from crm.controllers.directories.catalogue import DIRECTORIES, SPECIALTIES
from crm.controllers.directories.records import (
    Directory,
    clean_cells,
    find_by_natural_key,
    write_values,
)
from crm.controllers.directories.sheets import (
    ACTIVE,
    ParsedSheet,
    SheetProblem,
    active_title,
    column_title,
    read_workbook,
)
from crm.controllers.errors import DomainError, FieldProblem, FormInvalid, ValidationError
from crm.i18n import translate
from crm.reports.excel.directory_book import Sheet, write_sheets

#: pg_advisory_xact_lock key: two imports of the directories take turns ("CRM" + 0x20).
IMPORT_LOCK = 0x43524D20
#: The field a specialty's alternatives are in (read in a second pass).
ALTERNATIVES = "alternatives"


@dataclass(frozen=True)
class SheetCounts:
    """What an import did (or would do) to one directory.

    Attributes:
        sheet: the sheet's name («Врачи»).
        directory: the directory's key (``doctors``).
        created: rows new to the directory.
        changed: known rows with a changed value (or «Действует»).
        unchanged: known rows left as they were.
    """

    sheet: str
    directory: str
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        """The sheet's rows read."""
        return self.created + self.changed + self.unchanged


@dataclass(frozen=True)
class CellProblem:
    """One bad cell (or header, or sheet) of the workbook.

    Attributes:
        sheet: the sheet's name as in the file.
        row: the row number as Excel shows it (1 is the header; 0: the sheet as a whole).
        column: the column's title (``""``: the whole row or sheet).
        message: what is wrong, without the column's name.
    """

    sheet: str
    row: int
    column: str
    message: str

    def text(self) -> str:
        """«Лист «Врачи», строка 5, «Специальность»: …» — the problem in one line."""
        if self.row and self.column:
            line = translate("workbook", "Sheet «{sheet}», row {row}, «{column}»: {message}")
        elif self.row:
            line = translate("workbook", "Sheet «{sheet}», row {row}: {message}")
        elif self.column:
            line = translate("workbook", "Sheet «{sheet}», «{column}»: {message}")
        else:
            line = translate("workbook", "Sheet «{sheet}»: {message}")
        return line.format(sheet=self.sheet, row=self.row, column=self.column, message=self.message)


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_directories` did, or — with problems or a dry run — would do.

    Attributes:
        file_name: the workbook's file name.
        sheets: the counts of each directory sheet present, in the import's order.
        problems: every bad cell, header and sheet; any of them means nothing was written.
        dry_run: the import was checked and rolled back on purpose.
    """

    file_name: str
    sheets: tuple[SheetCounts, ...] = ()
    problems: tuple[CellProblem, ...] = ()
    dry_run: bool = False

    @property
    def written(self) -> bool:
        """Whether the changes are in the database."""
        return not self.dry_run and not self.problems

    @property
    def created(self) -> int:
        """Rows created, all sheets together."""
        return sum(s.created for s in self.sheets)

    @property
    def changed(self) -> int:
        """Rows changed, all sheets together."""
        return sum(s.changed for s in self.sheets)

    @property
    def unchanged(self) -> int:
        """Rows left as they were, all sheets together."""
        return sum(s.unchanged for s in self.sheets)


# --- export ---------------------------------------------------------------------------


def _value(session: Session, column: Any, row: Any) -> Any:
    return column.read(session, row) if column.read is not None else getattr(row, column.field)


def _sheet_of(session: Session, directory: Directory) -> Sheet:
    columns = [c for c in directory.columns if c.in_workbook]
    header = [c.title() for c in columns]
    if directory.deactivatable:
        header.append(active_title())
    rows = []
    for row in session.scalars(sa.select(directory.model).order_by(*directory.order())):
        cells = [c.show(session, _value(session, c, row)) for c in columns]
        if directory.deactivatable:
            cells.append(cleaners.show_flag(session, row.active))
        rows.append(cells)
    return Sheet(directory.sheet, header, rows)


def export_directories(
    db: sessionmaker[Session], actor: Actor | None, path: Path | str
) -> tuple[SheetCounts, ...]:
    """Write every directory into the workbook ``path`` (a sheet each, in import order).

    Args:
        db: the sessions.
        actor: who exports (managers, administrators); ``None`` for scripted use.
        path: the ``.xlsx`` file to write.

    Returns:
        The rows written per sheet (as ``unchanged`` counts).

    Raises:
        PermissionDenied: the role may not manage the directories.
        DomainError: the file cannot be written.
    """
    if actor is not None:
        require(actor, Permission.MANAGE_DIRECTORIES)
    target = Path(path)
    with db() as session, session.begin():
        sheets = [_sheet_of(session, d) for d in DIRECTORIES.values()]
        try:
            write_sheets(target, sheets)
        except OSError as exc:
            raise DomainError(
                translate("workbook", "cannot write {path}: {reason}").format(
                    path=target, reason=exc.strerror or exc
                )
            ) from exc
        counts = tuple(
            SheetCounts(s.title, d.key, unchanged=len(list(s.rows)))
            for s, d in zip(sheets, DIRECTORIES.values(), strict=True)
        )
        journal.record(
            session, "export", actor=actor, login=None if actor else "export",
            details=translate("workbook", "Directories: {file}").format(file=target.name),
        )  # fmt: skip
    return counts


# --- import ---------------------------------------------------------------------------


@dataclass
class _Written:
    """A row the import wrote: its number in the sheet, the row, what happened to it."""

    number: int
    row: Any
    status: str  # created, changed, unchanged


@dataclass
class _Run:
    """One import in progress: its session, who acts, and what it found."""

    session: Session
    actor: Actor | None
    problems: list[CellProblem] = field(default_factory=list)

    def refuse(self, sheet: ParsedSheet, number: int, name: str, message: str) -> None:
        title = column_title(sheet.directory, name)
        if title and message.startswith(f"{title}: "):
            message = message[len(title) + 2 :]
        self.problems.append(CellProblem(sheet.title, number, title, message))

    def refuse_all(
        self, sheet: ParsedSheet, number: int, problems: tuple[FieldProblem, ...]
    ) -> None:
        for problem in problems:
            self.refuse(sheet, number, problem.field, problem.message)


def _key_of(session: Session, directory: Directory, texts: dict[str, str]) -> dict[str, Any] | None:
    """The cleaned natural key of a row, or ``None`` when a part of it is bad."""
    key: dict[str, Any] = {}
    for name in directory.natural_key:
        column = directory.column(name)
        try:
            key[name] = column.clean(session, texts.get(name, ""), column.title(), name)
        except ValidationError:
            return None
    return key


def _seen_key(key: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(v.casefold() if isinstance(v, str) else v for v in key.values())


def _cells_of(session: Session, directory: Directory, row: Any) -> dict[str, str]:
    """A known row's cells as text (what a sheet without the column keeps)."""
    if row is None:
        return {}
    return {c.field: c.show(session, _value(session, c, row)) for c in directory.columns}


def _wanted_active(run: _Run, sheet: ParsedSheet, number: int, text: str) -> bool | None:
    """«Действует» as typed (empty: «да»); ``None`` when it is bad (and reported)."""
    try:
        return cleaners.flag(run.session, text or "да", active_title(), ACTIVE)
    except ValidationError as exc:
        run.refuse(sheet, number, ACTIVE, exc.message)
        return None


def _set_active(run: _Run, sheet: ParsedSheet, number: int, row: Any, wanted: bool) -> bool:
    """Apply «Действует»; whether it changed the row."""
    directory = sheet.directory
    if bool(row.active) == wanted:
        return False
    if not wanted and directory.before_deactivate is not None:
        try:
            directory.before_deactivate(run.session, row)
        except DomainError as exc:
            run.refuse(sheet, number, ACTIVE, exc.message)
            return False
    row.active = wanted
    run.session.flush()
    journal.record(
        run.session, "update", actor=run.actor, login=None if run.actor else "import",
        entity=directory.entity, entity_id=row.id, changes={"active": [not wanted, wanted]},
    )  # fmt: skip
    return True


def _import_sheet(run: _Run, sheet: ParsedSheet) -> list[_Written]:
    """Write one sheet's rows (a specialty's alternatives come after: :func:`_alternatives`)."""
    directory, session = sheet.directory, run.session
    written: list[_Written] = []
    seen: dict[tuple[Any, ...], int] = {}
    editable = [f for f in sheet.fields if f != ACTIVE and directory.column(f).editable]
    for number, texts in sheet.rows:
        key = _key_of(session, directory, texts)
        row = find_by_natural_key(session, directory, key) if key is not None else None
        if key is not None:
            earlier = seen.setdefault(_seen_key(key), number)
            if earlier != number:
                run.refuse(sheet, number, directory.natural_key[0], translate(
                    "workbook", "the same row as row {row} of this sheet"
                ).format(row=earlier))  # fmt: skip
                continue
        wanted = None
        if directory.deactivatable and ACTIVE in sheet.fields:
            wanted = _wanted_active(run, sheet, number, texts.get(ACTIVE, ""))
        cells = _cells_of(session, directory, row)
        cells.update({name: texts.get(name, "") for name in editable})
        if directory is SPECIALTIES:
            cells[ALTERNATIVES] = ""  # in the second pass: they name this sheet's rows
        try:
            values = clean_cells(session, directory, cells, row)
            if directory is SPECIALTIES:
                values.pop(ALTERNATIVES, None)
            created = row is None
            row, changes, _note = write_values(session, run.actor, directory, row, values)
        except FormInvalid as exc:
            run.refuse_all(sheet, number, exc.problems)
            continue
        changed = bool(changes)
        if wanted is not None:
            changed = _set_active(run, sheet, number, row, wanted) or changed
        status = "created" if created else "changed" if changed else "unchanged"
        written.append(_Written(number, row, status))
    return written


def _alternatives(run: _Run, sheet: ParsedSheet, written: list[_Written]) -> None:
    """The specialties' alternatives, once every specialty of the sheet exists."""
    if ALTERNATIVES not in sheet.fields:
        return
    texts = dict(sheet.rows)
    column = SPECIALTIES.column(ALTERNATIVES)
    for entry in written:
        typed = texts[entry.number].get(ALTERNATIVES, "")
        try:
            ids = column.clean(run.session, typed, column.title(), ALTERNATIVES)
            _row, changes, _note = write_values(
                run.session, run.actor, SPECIALTIES, entry.row, {ALTERNATIVES: ids}
            )
        except FormInvalid as exc:
            run.refuse_all(sheet, entry.number, exc.problems)
            continue
        except ValidationError as exc:
            run.refuse(sheet, entry.number, ALTERNATIVES, exc.message)
            continue
        if changes and entry.status == "unchanged":
            entry.status = "changed"


def _lacks_key(run: _Run, sheet: ParsedSheet) -> bool:
    """Whether the sheet lacks a column of the natural key that cannot be empty (reported)."""
    directory = sheet.directory
    missing = []
    for name in directory.natural_key:
        if name in sheet.fields:
            continue
        column = directory.column(name)
        try:
            column.clean(run.session, "", column.title(), name)
        except ValidationError:
            missing.append(column.title())
    if missing and sheet.rows:
        message = translate(
            "workbook", "the sheet lacks the columns that recognise a row: {columns}"
        )
        run.problems.append(CellProblem(sheet.title, 1, "", message.format(
            columns=", ".join(f"«{title}»" for title in missing))))  # fmt: skip
    return bool(missing)


def _counts(sheet: ParsedSheet, written: list[_Written]) -> SheetCounts:
    statuses = [entry.status for entry in written]
    return SheetCounts(
        sheet.title,
        sheet.directory.key,
        created=statuses.count("created"),
        changed=statuses.count("changed"),
        unchanged=statuses.count("unchanged"),
    )


def import_directories(
    db: sessionmaker[Session], actor: Actor | None, path: Path | str, *, dry_run: bool = False
) -> ImportReport:
    """Import the directory workbook ``path``: all of it, or — with any problem — nothing.

    Args:
        db: the sessions.
        actor: who imports (managers, administrators); ``None`` for scripted use
            (journaled as «import»).
        path: the ``.xlsx`` workbook (sheets as :func:`export_directories` writes them;
            missing sheets are left alone).
        dry_run: check and count everything, then roll back.

    Returns:
        The counts per sheet and every problem (none: the import was written, unless
        ``dry_run``).

    Raises:
        PermissionDenied: the role may not manage the directories.
        WorkbookUnreadable: the file is missing or not an XLSX workbook.
    """
    if actor is not None:
        require(actor, Permission.MANAGE_DIRECTORIES)
    source = Path(path)
    parsed, read_problems = read_workbook(source)
    counts: list[SheetCounts] = []
    with db() as session:
        session.begin()
        try:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK)))
            run = _Run(session, actor, [_cell_problem(p) for p in read_problems])
            for directory in DIRECTORIES.values():
                sheet = parsed.get(directory.key)
                if sheet is None:
                    continue
                if _lacks_key(run, sheet):
                    counts.append(SheetCounts(sheet.title, directory.key))
                    continue  # its rows cannot be recognised
                written = _import_sheet(run, sheet)
                if directory is SPECIALTIES:
                    _alternatives(run, sheet, written)
                counts.append(_counts(sheet, written))
            report = ImportReport(source.name, tuple(counts), tuple(run.problems), dry_run)
            if report.written and (report.created or report.changed):
                journal.record(
                    session, "import", actor=actor, login=None if actor else "import",
                    details=translate(
                        "workbook", "Directories: {file}: {created} created, {changed} changed"
                    ).format(file=source.name, created=report.created, changed=report.changed),
                )  # fmt: skip
        except BaseException:
            session.rollback()
            raise
        if report.written:
            session.commit()
        else:
            session.rollback()
    return report


def _cell_problem(problem: SheetProblem) -> CellProblem:
    return CellProblem(problem.sheet, problem.row, problem.column, problem.message)
