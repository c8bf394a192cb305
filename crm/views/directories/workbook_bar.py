"""Export and import of the directory workbook from the «Directories» section.

«Export…» writes every directory into one XLSX file. «Import…» first checks the chosen
file without writing (a dry run) and shows what it would create and change, or every
bad cell by sheet, row and column; only «Import» after that preview writes it, all or
nothing. Both run on the runner: the window never waits on the database.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from crm.controllers.directories import workbook
from crm.controllers.directories.workbook import ImportReport
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar

#: How many problems the preview lists (the rest are counted).
SHOWN_PROBLEMS = 12


class WorkbookBar(QWidget):
    """«Export…» and «Import…» with the import's preview in ``messages``.

    Args:
        context: the logged-in user's context.
        messages: where the preview and the outcome are shown.
        parent: the Qt parent.

    Signals:
        imported(object): the workbook was written (:class:`ImportReport`).
        previewed(object): a dry run answered (:class:`ImportReport`).
    """

    imported = Signal(object)
    previewed = Signal(object)

    def __init__(
        self, context: AppContext, messages: MessageBar, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.messages = messages
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.setObjectName("directoryExport")
        self.export_button.clicked.connect(self.ask_export)
        self.import_button = QPushButton(self.tr("Import from Excel…"))
        self.import_button.setObjectName("directoryImport")
        self.import_button.clicked.connect(self.ask_import)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(1)
        layout.addWidget(self.export_button)
        layout.addWidget(self.import_button)

    def ask_export(self) -> None:
        """Ask where to write the workbook, then write it."""
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the directories"), "directories.xlsx", "Excel (*.xlsx)"
        )
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write every directory into ``path``."""
        context = self._context
        context.runner.submit(
            workbook.export_directories, context.database.sessions, context.actor, path,
            on_success=lambda _r: self.messages.show_message(
                "done", self.tr("The directories are written to {path}").format(path=path)
            ),
            on_failure=lambda m: self.messages.show_message("error", m), owner=self,
        )  # fmt: skip

    def ask_import(self) -> None:
        """Ask for a workbook, then show what importing it would do."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import the directories"), "", "Excel (*.xlsx)"
        )
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        """Check ``path`` without writing and show the outcome."""
        self._run(path, dry_run=True)

    def _run(self, path: Path, *, dry_run: bool) -> None:
        context = self._context
        self.import_button.setEnabled(False)
        context.runner.submit(
            workbook.import_directories, context.database.sessions, context.actor, path,
            dry_run=dry_run, on_success=lambda report: self._answered(path, report),
            on_failure=self._failed, owner=self,
        )  # fmt: skip

    def _failed(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.messages.show_message("error", message)

    def _counts(self, report: ImportReport) -> str:
        return self.tr("new: {created}, changed: {changed}, unchanged: {unchanged}").format(
            created=report.created, changed=report.changed, unchanged=report.unchanged
        )

    def _answered(self, path: Path, report: ImportReport) -> None:
        self.import_button.setEnabled(True)
        if report.problems:
            lines = [problem.text() for problem in report.problems[:SHOWN_PROBLEMS]]
            more = len(report.problems) - len(lines)
            if more > 0:
                lines.append(self.tr("…and {n} more").format(n=more))
            self.messages.show_message(
                "error",
                self.tr("{file}: nothing imported, correct the workbook:").format(
                    file=report.file_name
                )
                + "\n"
                + "\n".join(lines),
            )
            self.previewed.emit(report)
            return
        if report.dry_run:
            self.messages.show_question(
                "info",
                self.tr("{file} is correct: {counts}. Import it?").format(
                    file=report.file_name, counts=self._counts(report)
                ),
                [
                    (self.tr("Import"), lambda: self._run(path, dry_run=False)),
                    (self.tr("Cancel"), lambda: None),
                ],
            )
            self.previewed.emit(report)
            return
        self.messages.show_message(
            "done", self.tr("Imported: {counts}").format(counts=self._counts(report))
        )
        self.imported.emit(report)
