"""Where this workstation's data lives: the server address and the key file, and a test.

The same widget serves the settings page (for an administrator; others see it
read-only) and the start-up error screen's «Connection settings…» dialog, where
no database answers and so nobody can log in. «Test connection» runs what
``clinic-crm db check`` runs on a worker thread of its own — an unreachable server
can take seconds to give up, and the page's database runner must not wait for it —
and says the outcome in words.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from crm.controllers.errors import FieldProblem
from crm.controllers.workstation.settings import (
    DATABASE_URL,
    KEY_FILE,
    WorkstationConfig,
    database_url_problem,
    field_title,
)
from crm.db.checks import CheckResult, check_server, run_checks
from crm.db.database import Database
from crm.views.runner import DbRunner

EXAMPLE_URL = "postgresql://registratura@server.clinic.local/registratura"
PROBLEM_STYLE = "border: 1px solid #c62828;"


def masked(url: str) -> str:
    """The address without its password (for those who may not edit it)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _check_builtin(current: Database | None, key_file: Path | None) -> list[CheckResult] | None:
    """Runs on the worker thread: the built-in server is checked only while it runs."""
    if current is None or current.embedded_server is None:
        return None
    return run_checks(current.engine, key_file=key_file)


class ConnectionSettings(QWidget):
    """The server address (or the built-in server), the key file, and «Test connection».

    Args:
        config: the values to show.
        editable: whether the user may change them (an administrator, or the
            start-up error screen).
        current: the database in use, if any (the built-in server can be tested
            only while it runs).
        parent: the Qt parent.

    Signals:
        checked(bool, str): a test finished: whether every check passed, and the
            report in words (plain text).
        edited(): the user changed the address or the key file.
    """

    checked = Signal(bool, str)
    edited = Signal()

    def __init__(
        self,
        config: WorkstationConfig,
        *,
        editable: bool,
        current: Database | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionSettings")
        self._current = current
        self.editable = editable
        # A runner of its own: a test of an unreachable address must not hold up the
        # page's database work (and the start-up screen has no other).
        self._checks = DbRunner(parent=self)
        self.destroyed.connect(lambda _obj=None, runner=self._checks: runner.shutdown(0))

        self.builtin_choice = QRadioButton(
            self.tr("Built-in server (this computer only, with a demo clinic)")
        )
        self.builtin_choice.setObjectName("builtinServer")
        self.server_choice = QRadioButton(self.tr("The clinic's server:"))
        self.server_choice.setObjectName("clinicServer")
        group = QButtonGroup(self)
        group.addButton(self.builtin_choice)
        group.addButton(self.server_choice)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("databaseUrl")
        self.url_edit.setPlaceholderText(EXAMPLE_URL)
        self.url_edit.setClearButtonEnabled(True)
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("keyFile")
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.setObjectName("chooseKeyFile")
        self.browse_button.setAutoDefault(False)
        self.check_button = QPushButton(self.tr("Test connection"))
        self.check_button.setObjectName("testConnection")
        self.check_button.setAutoDefault(False)
        self.report = QLabel()
        self.report.setObjectName("checkReport")
        self.report.setWordWrap(True)
        self.report.hide()
        self.problem_label = QLabel()
        self.problem_label.setObjectName("connectionProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()

        if config.database_url is None:
            self.builtin_choice.setChecked(True)
        else:
            self.server_choice.setChecked(True)
            self.url_edit.setText(config.database_url if editable else masked(config.database_url))
        self.key_edit.setText(config.key_file)
        for widget in (self.builtin_choice, self.server_choice, self.browse_button):
            widget.setEnabled(editable)
        for edit in (self.url_edit, self.key_edit):
            edit.setReadOnly(not editable)
        self._follow_choice()

        server_row = QHBoxLayout()
        server_row.addWidget(self.server_choice)
        server_row.addWidget(self.url_edit, 1)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.browse_button)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        choices = QVBoxLayout()
        choices.addWidget(self.builtin_choice)
        choices.addLayout(server_row)
        form.addRow(self.tr("Server address:"), choices)
        form.addRow(self.tr("Key file:"), key_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addLayout(check_row)
        layout.addWidget(self.report)

        self.builtin_choice.toggled.connect(self._follow_choice)
        self.builtin_choice.toggled.connect(self._edited)
        self.url_edit.textEdited.connect(self._edited)
        self.key_edit.textEdited.connect(self._edited)
        self.browse_button.clicked.connect(self.choose_key_file)
        self.check_button.clicked.connect(self.check)

    # --- values -----------------------------------------------------------------------

    def database_url(self) -> str | None:
        """The address as typed, or ``None`` for the built-in server."""
        return None if self.builtin_choice.isChecked() else self.url_edit.text().strip()

    def key_file(self) -> str:
        """The key file's path as typed."""
        return self.key_edit.text().strip()

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """Mark the fields that are wrong and say why; what is typed stays as it is."""
        mine = [p for p in problems if p.field in (DATABASE_URL, KEY_FILE)]
        fields = {p.field for p in mine}
        self.url_edit.setStyleSheet(PROBLEM_STYLE if DATABASE_URL in fields else "")
        self.key_edit.setStyleSheet(PROBLEM_STYLE if KEY_FILE in fields else "")
        text = "\n".join(f"{field_title(p.field)}: {p.message}" for p in mine)
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))
        if DATABASE_URL in fields:
            self.url_edit.setFocus()
        elif KEY_FILE in fields:
            self.key_edit.setFocus()

    def _edited(self) -> None:
        self.show_problems([])
        self.edited.emit()

    def _follow_choice(self) -> None:
        self.url_edit.setEnabled(not self.builtin_choice.isChecked())

    def choose_key_file(self) -> None:
        """«Choose…»: pick the key file (copied from the clinic's first workstation)."""
        start = self.key_file() or str(Path.home())
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("The identity-document key file"),
            start,
            self.tr("Key files (*.bin);;All files (*)"),
        )
        if chosen:
            self.key_edit.setText(chosen)
            self._edited()

    # --- the test -----------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        """True while a test runs."""
        return not self._checks.idle

    def check(self) -> None:
        """«Test connection»: run ``db check`` on the address shown, off the GUI thread."""
        if self.checking:
            return
        url = self.database_url()
        problem = database_url_problem(url)
        if problem:
            self.show_problems([FieldProblem(DATABASE_URL, problem)])
            return
        key = Path(self.key_file()).expanduser() if self.key_file() else None
        self.check_button.setEnabled(False)
        self.report.setText(self.tr("Testing the connection…"))
        self.report.setStyleSheet("")
        self.report.show()
        if url is None:
            self._checks.submit(
                _check_builtin,
                self._current,
                key,
                on_success=self._builtin_checked,
                on_failure=self._failed,
                owner=self,
            )
        else:
            self._checks.submit(
                check_server,
                url,
                key,
                on_success=self._checked,
                on_failure=self._failed,
                owner=self,
            )

    def _builtin_checked(self, results: list[CheckResult] | None) -> None:
        if results is not None:
            self._checked(results)
            return
        self.check_button.setEnabled(True)
        text = self.tr(
            "The built-in server runs on this computer and is started by the program "
            "itself; it is checked at every start."
        )
        self.report.setText(text)
        self.checked.emit(True, text)

    def _failed(self, message: str) -> None:
        self.check_button.setEnabled(True)
        text = self.tr("The test could not run: {error}").format(error=message)
        self._show_report(False, [text], text)

    def _checked(self, results: list[CheckResult]) -> None:
        self.check_button.setEnabled(True)
        lines = [self._in_words(result) for result in results]
        failed = [r for r in results if not r.ok]
        if failed:
            summary = self.tr("{failed} of {total} checks failed.").format(
                failed=len(failed), total=len(results)
            )
            if results[0].name == "connection" and not results[0].ok:
                summary = self.tr("No connection.")
            elif all(r.name != "key" for r in results):
                lines.append(self.tr("The key file is tested once the problems above are fixed."))
        else:
            summary = self.tr("The connection works: every check passed.")
        self._show_report(not failed, [summary, *lines], "\n".join([summary, *lines]))

    def _show_report(self, ok: bool, lines: list[str], plain: str) -> None:
        summary, *details = lines
        body = "<br>".join([f"<b>{html.escape(summary)}</b>", *map(html.escape, details)])
        colour = "#1b5e20" if ok else "#8e1b1b"
        self.report.setText(f"<span style='color:{colour}'>{body}</span>")
        self.report.show()
        self.checked.emit(ok, plain)

    def _in_words(self, result: CheckResult) -> str:
        mark = ("⚠" if result.warning else "✔") if result.ok else "✘"
        detail = result.detail
        words = {
            ("connection", True): self.tr("The server answers: {detail}."),
            ("connection", False): self.tr(
                "The server cannot be reached or refuses the connection: {detail}"
            ),
            ("cyrillic", True): self.tr("Cyrillic letters: case folding works ({detail})."),
            ("cyrillic", False): self.tr("Cyrillic letters: {detail}"),
            ("extensions", True): self.tr("Extensions installed: {detail}."),
            ("extensions", False): self.tr("Extensions: {detail}"),
            ("migrations", True): self.tr("The database structure is up to date: {detail}."),
            ("migrations", False): self.tr("The database structure: {detail}"),
            ("key", True): self.tr("The key file fits this database (fingerprint {detail})."),
            ("key", False): self.tr("The key file: {detail}"),
            ("role", True): self.tr("The database role: {detail}."),
        }
        template = words.get((result.name, result.ok), "{name}: {detail}")
        return f"{mark} " + template.format(name=result.name, detail=detail)
