"""«Резервные копии»: the administrator's backup schedule, the last backups, «back up now»
and the key file's own backup.

The schedule is run by the clinic's service (``clinic-crm service run``) on the computer
whose folder it names; the list comes from ``backup_run`` (what every service and desk
recorded). «Back up now» runs on the runner's worker; the window never waits for it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.access.keys import MIN_PASSPHRASE, export_sealed_key
from crm.controllers.clinic import backups
from crm.controllers.errors import DomainError, FieldProblem, FormInvalid
from crm.crypto import KeyFileError
from crm.db import scheduled_backup
from crm.views import AppContext
from crm.views.controls import mark_problems
from crm.views.patients.message_bar import MessageBar


def describe_age(age: dt.timedelta | None) -> str:
    """«3 ч», «2 дн.» — how long ago, shortly."""
    if age is None:
        return "—"
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return QCoreApplication.translate("BackupsPage", "{n} min").format(n=max(minutes, 0))
    if minutes < 48 * 60:
        return QCoreApplication.translate("BackupsPage", "{n} h").format(n=minutes // 60)
    return QCoreApplication.translate("BackupsPage", "{n} days").format(n=minutes // (24 * 60))


def describe_size(size: int | None) -> str:
    """The size in megabytes."""
    if size is None:
        return "—"
    return QCoreApplication.translate("BackupsPage", "{mb} MB").format(mb=f"{size / 1e6:.1f}")


class BackupsPage(QWidget):
    """The administrator's page of backups.

    Args:
        context: the logged-in administrator's context.
        parent: the Qt parent.

    Signals:
        loaded(): the schedule and the list of backups arrived.
        backup_finished(object): «back up now» ended (a :class:`RunOutcome`, or the message).
        schedule_saved(object): the schedule was stored (a :class:`BackupSchedule`).
        key_exported(str): the sealed key was written (its fingerprint).
    """

    loaded = Signal()
    backup_finished = Signal(object)
    schedule_saved = Signal(object)
    key_exported = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = self.tr("Backups")
        self._context = context
        self.runs: list[backups.BackupRunRow] = []
        heading = QLabel(self.tr("Backups of the clinic's database"))
        heading.setObjectName("pageTitle")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        self.message = MessageBar()

        # --- the schedule
        schedule_box = QGroupBox(self.tr("Schedule"))
        self.enabled = QCheckBox(self.tr("Back up every day"))
        self.enabled.setObjectName("scheduleEnabled")
        self.time_edit = QLineEdit(backups.DEFAULT_TIME)
        self.time_edit.setObjectName("scheduleTime")
        self.time_edit.setPlaceholderText("02:00")
        self.keep_edit = QLineEdit(str(backups.DEFAULT_KEEP))
        self.keep_edit.setObjectName("scheduleKeep")
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("scheduleFolder")
        self.folder_edit.setPlaceholderText("/var/backups/registratura")
        self.edits = {"time": self.time_edit, "keep": self.keep_edit, "folder": self.folder_edit}
        self.problem_label = QLabel()
        self.problem_label.setObjectName("scheduleProblems")
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.save_button = QPushButton(self.tr("Save the schedule"))
        self.save_button.setObjectName("saveSchedule")
        self.save_button.clicked.connect(self.save_schedule)
        form = QFormLayout(schedule_box)
        form.addRow(self.enabled)
        form.addRow(self.tr("Time (the clinic's):"), self.time_edit)
        form.addRow(self.tr("Keep the last:"), self.keep_edit)
        form.addRow(self.tr("Folder:"), self.folder_edit)
        form.addRow(self.problem_label)
        service_note = QLabel(
            self.tr(
                "The clinic's service makes the backups: <code>clinic-crm service run</code> "
                "on the computer that holds the folder (the server), started by systemd or "
                "the Task Scheduler (see README). Older backups beyond the number to keep are "
                "deleted."
            )
        )
        service_note.setTextFormat(Qt.TextFormat.RichText)
        service_note.setWordWrap(True)
        form.addRow(service_note)
        form.addRow(self.save_button)

        # --- the last backups
        runs_box = QGroupBox(self.tr("Last backups"))
        self.status_label = QLabel()
        self.status_label.setObjectName("backupStatus")
        self.status_label.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("backupRuns")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Started"),
                self.tr("Age"),
                self.tr("Result"),
                self.tr("Size"),
                self.tr("File"),
                self.tr("Computer"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.back_up_now)
        runs_layout = QVBoxLayout(runs_box)
        runs_layout.addWidget(self.status_label)
        runs_layout.addWidget(self.table, 1)
        runs_layout.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignLeft)

        # --- the key file
        key_box = QGroupBox(self.tr("The identity-document key"))
        key_note = QLabel(
            self.tr(
                "Backups do not hold the key that passports and СНИЛС are encrypted with: "
                "without the key file they cannot be read. Save a copy of the key sealed with "
                "a passphrase (at least {n} characters), keep it apart from the backups, and "
                "the passphrase apart from both. <code>clinic-crm key import</code> puts it "
                "back on a workstation."
            ).format(n=MIN_PASSPHRASE)
        )
        key_note.setTextFormat(Qt.TextFormat.RichText)
        key_note.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setObjectName("keyPassphraseAgain")
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_button = QPushButton(self.tr("Save the key with a passphrase…"))
        self.key_button.setObjectName("exportKey")
        self.key_button.clicked.connect(self.choose_key_target)
        key_form = QFormLayout(key_box)
        key_form.addRow(key_note)
        key_form.addRow(self.tr("Passphrase:"), self.passphrase)
        key_form.addRow(self.tr("Again:"), self.passphrase_again)
        key_form.addRow(self.key_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        top = QHBoxLayout()
        top.addWidget(schedule_box, 1)
        top.addWidget(key_box, 1)
        layout.addLayout(top)
        layout.addWidget(runs_box, 1)
        if context.events is not None:
            context.events.changed.connect(self._changed)
        self.refresh()

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the schedule, the last backup's age and the list again."""
        sessions = self._context.database.sessions
        self._context.runner.submit(
            lambda: (backups.backup_status(sessions), backups.recent_runs(sessions)),
            on_success=self._show,
            on_failure=lambda message: self.message.show_message("error", message),
            owner=self,
        )

    def _changed(self, event: dict) -> None:
        if event.get("table") == "backup_run":
            self.refresh()

    def _show(self, loaded: tuple[backups.BackupStatus, list[backups.BackupRunRow]]) -> None:
        status, runs = loaded
        schedule = status.schedule
        if schedule is not None and not self.has_unsaved_changes():
            self._fill(schedule)
        if status.last_ok_at is None:
            self.status_label.setText(self.tr("No backup has been made yet."))
        else:
            self.status_label.setText(
                self.tr("The last good backup is {age} old.").format(age=describe_age(status.age))
            )
        self.status_label.setStyleSheet("color: #c62828;" if status.stale else "")
        self.runs = runs
        self.table.setRowCount(len(runs))
        now = dt.datetime.now(dt.UTC)
        results = {
            "ok": self.tr("done"),
            "failed": self.tr("failed"),
            "running": self.tr("in progress"),
        }
        for row, run in enumerate(runs):
            file_text = run.file_path or ""
            if run.pruned:
                file_text = self.tr("{file} (deleted as old)").format(file=file_text)
            result = results.get(run.result, run.result)
            if run.error:
                result = f"{result}: {run.error}"
            cells = [
                run.started_at.strftime("%d.%m.%Y %H:%M"),
                describe_age(now - (run.finished_at or run.started_at)),
                result,
                describe_size(run.size_bytes),
                file_text,
                run.host,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.loaded.emit()

    def _fill(self, schedule: backups.BackupSchedule) -> None:
        self._saved = schedule
        self.enabled.setChecked(schedule.enabled)
        self.time_edit.setText(schedule.time.strftime("%H:%M"))
        self.keep_edit.setText(str(schedule.keep))
        self.folder_edit.setText(schedule.folder)

    def form(self) -> backups.ScheduleForm:
        """The schedule as typed."""
        return backups.ScheduleForm(
            enabled=self.enabled.isChecked(),
            time=self.time_edit.text(),
            keep=self.keep_edit.text(),
            folder=self.folder_edit.text(),
        )

    def has_unsaved_changes(self) -> bool:
        """Whether the schedule editor holds something not saved."""
        saved = getattr(self, "_saved", None)
        if saved is None:
            return False
        typed = self.form()
        return (
            typed.enabled != saved.enabled
            or typed.time.strip() != saved.time.strftime("%H:%M")
            or typed.keep.strip() != str(saved.keep)
            or typed.folder.strip() != saved.folder
        )

    # --- the schedule -----------------------------------------------------------------

    def save_schedule(self) -> None:
        """«Save the schedule»: checked by the controller, every bad field named."""
        self.show_problems([])
        context = self._context
        self.save_button.setEnabled(False)
        context.runner.submit(
            backups.save_schedule,
            context.database.sessions,
            context.actor,
            self.form(),
            on_success=self._saved_schedule,
            on_error=self._schedule_refused,
            owner=self,
        )

    def _saved_schedule(self, schedule: backups.BackupSchedule) -> None:
        self.save_button.setEnabled(True)
        self._fill(schedule)
        self.message.show_message("done", self.tr("The schedule is saved."))
        self.schedule_saved.emit(schedule)

    def _schedule_refused(self, error: BaseException, message: str) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, FormInvalid):
            self.show_problems(list(error.problems))
        else:
            self.message.show_message("error", message)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Mark the bad fields and say what is wrong with each."""
        mark_problems(self.edits, self.problem_label, problems)

    # --- back up now --------------------------------------------------------------------

    def back_up_now(self) -> None:
        """«Back up now»: on the worker; the button waits, the window does not."""
        database = self._context.database
        self.backup_button.setEnabled(False)
        self.message.show_message("info", self.tr("Making a backup…"))
        self._context.runner.submit(
            scheduled_backup.backup_now,
            database.url,
            database.engine,
            database.sessions,
            self._context.actor,
            on_success=self._backed_up,
            on_failure=self._backup_refused,
            owner=self,
        )

    def _backed_up(self, outcome: scheduled_backup.RunOutcome) -> None:
        self.backup_button.setEnabled(True)
        if outcome.status == "made":
            self.message.show_message(
                "done",
                self.tr("Backup written: {path} ({size}).").format(
                    path=outcome.path, size=describe_size(outcome.size)
                ),
            )
        else:
            self.message.show_message(
                "error", self.tr("The backup failed: {why}").format(why=outcome.detail)
            )
        self.backup_finished.emit(outcome)
        self.refresh()

    def _backup_refused(self, message: str) -> None:
        self.backup_button.setEnabled(True)
        self.message.show_message("error", message)
        self.backup_finished.emit(message)

    # --- the key ---------------------------------------------------------------------------

    def choose_key_target(self) -> None:
        """«Save the key…»: the passphrases must agree, then a file is chosen."""
        if self.passphrase.text() != self.passphrase_again.text():
            self.message.show_message("error", self.tr("The two passphrases differ."))
            self.passphrase_again.setFocus()
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the sealed key"),
            str(Path.home() / "registratura-key.sealed"),
            self.tr("Sealed keys (*.sealed);;All files (*)"),
        )
        if chosen:
            self.export_key(Path(chosen))

    def export_key(self, target: Path) -> None:
        """Seal this workstation's key with the passphrase into ``target`` (on the worker)."""
        context = self._context
        self.key_button.setEnabled(False)
        context.runner.submit(
            export_sealed_key,
            context.actor,
            context.settings.key_file,
            target,
            self.passphrase.text(),
            on_success=self._key_exported,
            on_failure=self._key_refused,
            expected=(KeyFileError, OSError, DomainError),
            owner=self,
        )

    def _key_exported(self, fingerprint: str) -> None:
        self.key_button.setEnabled(True)
        self.passphrase.clear()
        self.passphrase_again.clear()
        self.message.show_message(
            "done",
            self.tr(
                "The key is saved (fingerprint {fp}). Keep it apart from the backups; a lost "
                "passphrase cannot be recovered."
            ).format(fp=fingerprint),
        )
        self.key_exported.emit(fingerprint)

    def _key_refused(self, message: str) -> None:
        self.key_button.setEnabled(True)
        self.message.show_message("error", message)
