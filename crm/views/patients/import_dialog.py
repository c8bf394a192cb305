"""Importing patients' cards from a CSV or XLSX file, from the Patients page.

The dialog first checks the file with a dry run on the runner and shows what would
happen: how many rows, how many would be imported, already present, rejected, and
each rejected row with its number in the file, the field and the reason. «Import»
then runs the real import (again on the runner: the GUI thread never waits on the
database); «Save errors…» writes the rejected rows to a workbook as the command
line's ``--errors`` does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.patients.importing import (
    ImportResult,
    import_patients,
    write_rejected_workbook,
)
from crm.views import AppContext

ERROR_STYLE = "color: #c62828;"


class ImportDialog(QDialog):
    """Check, then import, the patients of one file.

    Args:
        context: the logged-in user's context.
        path: the chosen CSV or XLSX file.
        parent: the Qt parent (the Patients page).

    Signals:
        checked(object): the dry run's :class:`ImportResult` is shown.
        imported(object): the import's :class:`ImportResult` is shown.
        failed(str): the file could not be checked or imported; the reason is shown.
    """

    checked = Signal(object)
    imported = Signal(object)
    failed = Signal(str)

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.path = path
        self.last_result: ImportResult | None = None
        self.done_importing = False
        self.setWindowTitle(self.tr("Import patients: {file}").format(file=path.name))
        self.resize(640, 420)

        self.summary = QLabel(self.tr("Checking {file}…").format(file=path.name))
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("rejectedRows")
        self.table.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Field"), self.tr("Reason")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 160)
        self.table.hide()

        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setObjectName("runImport")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.save_button = QPushButton(self.tr("Save errors…"))
        self.save_button.setObjectName("saveErrors")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_errors)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # --- running ------------------------------------------------------------------

    def start(self) -> None:
        """Check the file: a dry run on the runner."""
        self._submit(dry_run=True)

    def run_import(self) -> None:
        """Write the valid rows (one transaction, on the runner)."""
        if self.last_result is None or self.done_importing:
            return
        self.import_button.setEnabled(False)
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Importing {file}…").format(file=self.path.name))
        self._submit(dry_run=False)

    def _submit(self, *, dry_run: bool) -> None:
        self._context.runner.submit(
            import_patients,
            self._context.database.sessions,
            self._context.actor,
            self._context.keyring,
            self.path,
            dry_run=dry_run,
            on_success=self._on_checked if dry_run else self._on_imported,
            on_failure=self._on_failed,
            owner=self,
        )

    def _on_checked(self, result: ImportResult) -> None:
        self._show(result)
        self.import_button.setEnabled(result.imported > 0)
        self.checked.emit(result)

    def _on_imported(self, result: ImportResult) -> None:
        self.done_importing = True
        self._show(result)
        self.import_button.setEnabled(False)
        self.imported.emit(result)

    def _on_failed(self, message: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(message)
        self.import_button.setEnabled(False)
        self.failed.emit(message)

    # --- showing ------------------------------------------------------------------

    def _show(self, result: ImportResult) -> None:
        self.last_result = result
        if result.dry_run:
            counts = self.tr(
                "Rows: {total}; to import: {imported}; already present: {present}; "
                "rejected: {rejected}."
            )
        else:
            counts = self.tr(
                "Rows: {total}; imported: {imported}; already present: {present}; "
                "rejected: {rejected}."
            )
        lines = [
            counts.format(
                total=result.total,
                imported=result.imported,
                present=result.already_present,
                rejected=result.rejected_rows,
            )
        ]
        if result.unknown_columns:
            lines.append(
                self.tr("Columns not imported: {columns}").format(
                    columns=", ".join(result.unknown_columns)
                )
            )
        if result.dry_run and result.rejected:
            lines.append(self.tr("Rejected rows are not imported; fix them and import again."))
        self.summary.setStyleSheet("")
        self.summary.setText("\n".join(lines))

        self.table.setRowCount(len(result.rejected))
        for row, problem in enumerate(result.rejected):
            number = QTableWidgetItem(str(problem.row))
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 0, number)
            self.table.setItem(row, 1, QTableWidgetItem(problem.field))
            reason = QTableWidgetItem(problem.message)
            reason.setToolTip(problem.message)
            self.table.setItem(row, 2, reason)
        self.table.setVisible(bool(result.rejected))
        self.save_button.setEnabled(bool(result.rejected))

    def rejected_rows(self) -> list[tuple[str, str, str]]:
        """The table's rows as shown: (row, field, reason)."""

        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(row, 0), text(row, 1), text(row, 2)) for row in range(self.table.rowCount())]

    # --- saving the errors --------------------------------------------------------

    def save_errors(self) -> Path | None:
        """Ask where, then write the rejected rows to an XLSX workbook."""
        if self.last_result is None or not self.last_result.rejected:
            return None
        suggested = self.path.with_name(f"{self.path.stem}-errors.xlsx")
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Save rejected rows"),
            str(suggested),
            self.tr("Workbooks (*.xlsx)"),
        )
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".xlsx":
            target = target.with_suffix(".xlsx")
        try:
            write_rejected_workbook(self.last_result, target)
        except OSError as exc:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(
                self.tr("Cannot save {file}: {error}").format(file=target.name, error=exc.strerror)
            )
            return None
        self.summary.setText(
            self.summary.text()
            + "\n"
            + self.tr("Rejected rows saved to {file}").format(file=target)
        )
        return target
