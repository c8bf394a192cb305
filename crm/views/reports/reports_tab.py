"""The Reports tab: choose a report and its parameters, preview it, export it to Excel."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crm.config import config_dir
from crm.controllers.reports import (
    ExportResult,
    FilterChoices,
    ReportInfo,
    ReportParams,
    ReportPreview,
    filter_choices,
    list_reports,
    preview_report,
)
from crm.controllers.reports.common import BRANCH, DOCTOR, KIND, SPECIALTY, STATUS
from crm.controllers.vocabulary import appointment_kind_title as kind_title
from crm.controllers.vocabulary import appointment_status_title as status_title
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views import AppContext
from crm.views.patients.message_bar import MessageBar
from crm.views.reports.export import ExportProgress, ExportThread
from crm.views.reports.preview_model import PreviewModel

PREVIEW_ROWS = 100
#: The folder of the last export, remembered per workstation (``workstation.ini``).
FOLDER_KEY = "reports/export_folder"
# What Windows, macOS or Linux refuse in a file name (and control characters).
_UNSAFE_IN_NAMES = re.compile(r'[/\\:*?"<>|\x00-\x1f]')


def _settings() -> QSettings:
    """This workstation's own settings (beside config.toml, not in the database)."""
    return QSettings(str(config_dir() / "workstation.ini"), QSettings.Format.IniFormat)


def export_file_name(title: str, date_from: dt.date, date_to: dt.date) -> str:
    """``Журнал записей 01.11.2026-22.11.2026.xlsx``: the title, safe for any file system."""
    stem = _UNSAFE_IN_NAMES.sub("-", f"{title} {date_from:%d.%m.%Y}-{date_to:%d.%m.%Y}")
    return stem.strip(" .") + ".xlsx"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class ReportsTab(QWidget):
    """Report, period and filters on top; the preview below; export with progress.

    Args:
        context: the logged-in user's context.
        parent: the Qt parent.

    Signals:
        previewed(): a preview arrived (or failed) and is shown.
        exported(object): an export finished: the :class:`ExportResult`.
        export_ended(): an export finished, failed or was cancelled.
    """

    previewed = Signal()
    exported = Signal(object)
    export_ended = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._reports = list_reports()
        self._preview: ReportPreview | None = None
        # Counts the previews asked for: one arriving after another was asked, or
        # after the report changed, belongs to parameters no longer shown.
        self._preview_request = 0
        self.export_thread: ExportThread | None = None
        self.progress: ExportProgress | None = None
        self.last_result: ExportResult | None = None

        self.report = QComboBox()
        self.report.setObjectName("reportChoice")
        for info in self._reports:
            self.report.addItem(info.title, info.name)
        self.description = QLabel()
        self.description.setWordWrap(True)
        today = context.actor.clinic_today()
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.filters: dict[str, QComboBox] = {}
        for name in (BRANCH, SPECIALTY, DOCTOR, KIND, STATUS):
            combo = QComboBox()
            combo.setObjectName(f"filter_{name}")
            combo.addItem(self.tr("all"), None)
            self.filters[name] = combo
        for kind in AppointmentKind:
            self.filters[KIND].addItem(kind_title(kind), kind.value)
        for status in AppointmentStatus:
            self.filters[STATUS].addItem(status_title(status), status.value)

        self.description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Two lines are kept for every description, short or long.
        self.description.setMinimumHeight(2 * self.description.fontMetrics().lineSpacing())
        # The report, period and filters sit in a block as tall as with every filter
        # shown, its rows at the top: choosing a report with fewer filters leaves the
        # buttons below where they were.
        self.parameters = QWidget()
        self.parameters.setObjectName("reportParameters")
        form = QFormLayout(self.parameters)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFormAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.addRow(self.tr("Report"), self.report)
        form.addRow("", self.description)
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("—"))
        period.addWidget(self.date_to)
        period.addStretch(1)
        form.addRow(self.tr("Period"), period)
        self._filter_labels = {
            BRANCH: self.tr("Branch"),
            SPECIALTY: self.tr("Specialty"),
            DOCTOR: self.tr("Doctor"),
            KIND: self.tr("Kind"),
            STATUS: self.tr("Status"),
        }
        self._form = form
        for name, combo in self.filters.items():
            form.addRow(self._filter_labels[name], combo)

        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.setObjectName("previewButton")
        self.export_button = QPushButton(self.tr("Export to Excel…"))
        self.export_button.setObjectName("exportButton")
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheetChoice")
        # As wide as its longest sheet name (the default sizes it once, while empty).
        self.sheet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel(self.tr("Sheet")))
        buttons.addWidget(self.sheet)

        self.message = MessageBar()
        self.message.hide()
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.parameters)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self.report.currentIndexChanged.connect(self._report_chosen)
        self.filters[SPECIALTY].currentIndexChanged.connect(self._narrow_doctors)
        self.filters[BRANCH].currentIndexChanged.connect(self._narrow_doctors)
        self.preview_button.clicked.connect(self.preview)
        self.export_button.clicked.connect(self.choose_file)
        self.sheet.currentIndexChanged.connect(self._show_sheet)
        self._choices: FilterChoices | None = None
        self._choices_asked = False
        self.save_dialog: QFileDialog | None = None
        self._reserve_parameters_height()
        self._report_chosen()

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        super().showEvent(event)
        self._reserve_parameters_height()  # measured again with the fonts as shown
        if not self._choices_asked and not self.context.runner.closed:
            # The filters' lists load when the tab is first shown, not with the window.
            self._choices_asked = True
            self.context.runner.submit(
                filter_choices,
                self.context.database.sessions,
                self.context.actor,
                on_success=self._fill_choices,
                on_failure=lambda message: self.message.show_message("error", message),
                owner=self,
            )

    # --- parameters -------------------------------------------------------------------

    @property
    def report_name(self) -> str:
        """The chosen report's name."""
        return str(self.report.currentData())

    def _info(self) -> ReportInfo:
        return self._reports[max(0, self.report.currentIndex())]

    def _reserve_parameters_height(self) -> None:
        """Hold the parameters block at its size with every filter row shown.

        Its height keeps the buttons below in place; the labels' width keeps the
        fields from moving sideways when the longest label («Специальность») is hidden.
        """
        shown = {name: self._form.isRowVisible(combo) for name, combo in self.filters.items()}
        for combo in self.filters.values():
            self._form.setRowVisible(combo, True)
        self.parameters.setMinimumHeight(self._form.sizeHint().height())
        items = (self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                 for row in range(self._form.rowCount()))  # fmt: skip
        labels = [label for item in items if item is not None and (label := item.widget())]
        widest = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(widest)
        for name, combo in self.filters.items():
            self._form.setRowVisible(combo, shown[name])

    def _report_chosen(self) -> None:
        info = self._info()
        self.description.setText(info.description)
        for name, combo in self.filters.items():
            self._form.setRowVisible(combo, name in info.filters)
        self.clear_preview()

    def clear_preview(self) -> None:
        """Forget the preview and the message shown: they were about another report."""
        self._preview_request += 1  # a preview still on its way is dropped
        self._preview = None
        self._set_sheets([])
        self.model.set_table(None)
        self.message.clear()
        self.preview_button.setEnabled(True)

    def _fill_choices(self, choices: FilterChoices) -> None:
        self._choices = choices
        for item_id, name in choices.branches:
            self.filters[BRANCH].addItem(name, item_id)
        for item_id, name in choices.specialties:
            self.filters[SPECIALTY].addItem(name, item_id)
        self._narrow_doctors()

    def _narrow_doctors(self) -> None:
        if self._choices is None:
            return
        combo = self.filters[DOCTOR]
        chosen = combo.currentData()
        specialty, branch = (
            self.filters[SPECIALTY].currentData(),
            self.filters[BRANCH].currentData(),
        )
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("all"), None)
        for item_id, name, specialty_id, branch_id in self._choices.doctors:
            if specialty in (None, specialty_id) and branch in (None, branch_id):
                combo.addItem(name, item_id)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def set_period(self, date_from: dt.date, date_to: dt.date) -> None:
        """Set the period (tests and callers that know it)."""
        self.date_from.setDate(_qdate(date_from))
        self.date_to.setDate(_qdate(date_to))

    def params(self) -> ReportParams:
        """The parameters as set, only the filters the chosen report takes."""
        taken = set(self._info().filters)

        def value(name: str) -> Any:
            return self.filters[name].currentData() if name in taken else None

        kind, status = value(KIND), value(STATUS)
        return ReportParams(
            _pydate(self.date_from.date()),
            _pydate(self.date_to.date()),
            branch_id=value(BRANCH),
            specialty_id=value(SPECIALTY),
            doctor_id=value(DOCTOR),
            kind=AppointmentKind(kind) if kind else None,
            status=AppointmentStatus(status) if status else None,
        )

    # --- preview ----------------------------------------------------------------------

    def preview(self) -> None:
        """Load the first rows of every sheet of the chosen report."""
        self._preview_request += 1
        request = self._preview_request
        self.preview_button.setEnabled(False)
        self.message.show_message("info", self.tr("Computing the preview…"))
        self.context.runner.submit(
            preview_report,
            self.context.database.sessions,
            self.context.actor,
            self.report_name,
            self.params(),
            limit=PREVIEW_ROWS,
            on_success=lambda preview: self._show_preview(preview, request),
            on_failure=lambda message: self._preview_failed(message, request),
            owner=self,
        )

    def _show_preview(self, preview: ReportPreview, request: int) -> None:
        if request != self._preview_request:
            return  # asked for a report or parameters no longer chosen
        self.preview_button.setEnabled(True)
        self._preview = preview
        self._set_sheets([table.sheet for table in preview.tables])
        self._show_sheet()
        if preview.no_data:
            self.message.show_message("warning", preview.no_data)
        else:
            self.message.clear()
        self.previewed.emit()

    def _preview_failed(self, message: str, request: int) -> None:
        if request != self._preview_request:
            return
        self.preview_button.setEnabled(True)
        self.message.show_message("error", message)
        self.previewed.emit()

    def _set_sheets(self, names: list[str]) -> None:
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(names)
        self.sheet.blockSignals(False)
        # Its minimum size hint is measured once, while empty: held at the width of the
        # names, the choice is never squeezed into cutting them («Appointm…»).
        self.sheet.setMinimumWidth(self.sheet.sizeHint().width())

    def _show_sheet(self) -> None:
        tables = self._preview.tables if self._preview else []
        index = self.sheet.currentIndex()
        self.model.set_table(tables[index] if 0 <= index < len(tables) else None)
        self.table.resizeColumnsToContents()

    # --- export -----------------------------------------------------------------------

    @staticmethod
    def export_folder() -> Path:
        """Where the save dialog opens: the last export's folder, else Documents, else home.

        Only an existing folder will do: given one that is missing, the file dialog
        opens in the program's working directory.
        """
        remembered = str(_settings().value(FOLDER_KEY, "") or "")
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        for folder in (remembered, documents):
            if folder and Path(folder).is_dir():
                return Path(folder)
        return Path.home()

    def suggested_path(self) -> Path:
        """The file the save dialog proposes: the report's title and period."""
        params = self.params()
        name = export_file_name(self._info().title, params.date_from, params.date_to)
        return self.export_folder() / name

    def choose_file(self) -> None:
        """Ask where to save (a non-blocking dialog), then export there."""
        dialog = QFileDialog(self, self.tr("Save the report"), str(self.suggested_path()))
        dialog.setObjectName("reportSaveDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("Excel workbooks (*.xlsx)"))
        dialog.setDefaultSuffix("xlsx")
        dialog.fileSelected.connect(lambda path: self._file_chosen(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        self.save_dialog = dialog
        dialog.open()

    def _file_chosen(self, path: Path) -> None:
        settings = _settings()
        settings.setValue(FOLDER_KEY, str(path.parent))
        settings.sync()
        self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Export the chosen report to ``path`` on its own thread, with a progress dialog."""
        if self.export_thread is not None:
            return  # one export at a time
        info = self._info()
        thread = ExportThread(self.context, info.name, self.params(), path, self)
        self.export_thread = thread
        self.progress = ExportProgress(thread, info.title, self)
        thread.succeeded.connect(self._export_done)
        thread.failed.connect(self._export_failed)
        thread.cancelled.connect(self._export_cancelled)
        thread.finished.connect(self._thread_finished)
        self.export_button.setEnabled(False)
        self.progress.show()
        thread.start()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _export_done(self, result: ExportResult) -> None:
        self._close_progress()
        self.last_result = result
        text = self.tr("«{title}» saved: {path} ({rows} rows)").format(
            title=result.title, path=result.path, rows=result.rows
        )
        if result.no_data:
            text += " — " + result.no_data
        self.message.show_message(
            "done",
            text,
            [
                (self.tr("Open the file"), lambda: self._open(result.path)),
                (self.tr("Open the folder"), lambda: self._open(result.path.parent)),
            ],
        )
        self.exported.emit(result)

    def _export_failed(self, message: str) -> None:
        self._close_progress()
        self.message.show_message("error", message)

    def _export_cancelled(self) -> None:
        self._close_progress()
        self.message.show_message("info", self.tr("The export was cancelled; no file was written."))

    def _thread_finished(self) -> None:
        if self.export_thread is not None:
            self.export_thread.deleteLater()
        self.export_thread = None
        self.export_button.setEnabled(True)
        self.export_ended.emit()

    def _open(self, path: Path) -> None:
        if not self.open_url(path):
            self.message.show_message("warning", self.tr("Cannot open {path}").format(path=path))

    @staticmethod
    def open_url(path: Path) -> bool:
        """Open a file or folder with the system's program for it."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def shutdown(self) -> None:
        """Cancel a running export and wait for its thread (on closing)."""
        if self.export_thread is not None:
            self.export_thread.cancel()
            self.export_thread.wait(10_000)
