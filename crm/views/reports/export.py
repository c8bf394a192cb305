"""Exporting a report off the GUI thread, with a progress dialog that can cancel it.

The shared :class:`~crm.views.runner.DbRunner` runs one job at a time, so a long
export there would hold up every other screen. An export gets its own thread
instead: it opens its own session from the workstation's session factory, reports
progress through queued signals, and polls a cancel flag between batches of rows.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from crm.controllers.errors import DomainError
from crm.controllers.reports import ExportResult, ReportParams, export_report
from crm.reports.excel import ExportCancelled
from crm.views import AppContext

log = logging.getLogger(__name__)


class ExportThread(QThread):
    """Writes one report to one file on its own thread.

    Args:
        context: the logged-in user's context (its session factory is thread-safe).
        name: the report.
        params: its parameters.
        path: the workbook to write.
        parent: the Qt parent.

    Signals:
        progress(int, int): rows written and rows expected (-1 when unknown).
        succeeded(object): the :class:`ExportResult`.
        failed(str): a message ready to show.
        cancelled(): the user cancelled; no file was left behind.
    """

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        context: AppContext,
        name: str,
        params: ReportParams,
        path: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._name = name
        self._params = params
        self._path = path
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the export to stop at its next batch of rows."""
        self._cancel.set()

    def run(self) -> None:  # Qt's name; runs on the export thread
        try:
            result = export_report(
                self._context.database.sessions,
                self._context.actor,
                self._name,
                self._params,
                self._path,
                progress=lambda done, total: self.progress.emit(
                    done, -1 if total is None else total
                ),
                should_cancel=self._cancel.is_set,
            )
        except ExportCancelled:
            self.cancelled.emit()
        except DomainError as error:
            self.failed.emit(error.message)
        except OSError as error:
            self.failed.emit(
                self.tr("Cannot write {path}: {error}").format(
                    path=self._path, error=error.strerror or error
                )
            )
        except Exception as error:  # noqa: BLE001 — shown to the user, details in the log
            log.exception("report export failed")
            self.failed.emit(
                self.tr("Unexpected error: {error}. The details are in the program's log.").format(
                    error=type(error).__name__
                )
            )
        else:
            self.succeeded.emit(result)


class ExportProgress(QProgressDialog):
    """The progress of one export, with Cancel; closes itself when the export ends.

    Args:
        thread: the export to follow.
        title: the report's title.
        parent: the widget the dialog is modal to.

    Signals:
        Those of :class:`QProgressDialog` (``canceled`` stops the export).
    """

    def __init__(self, thread: ExportThread, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("exportProgress")
        self.setWindowTitle(self.tr("Export to Excel"))
        self.setLabelText(self.tr("Writing «{title}»…").format(title=title))
        self.setCancelButtonText(self.tr("Cancel"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setRange(0, 0)  # busy until the first count arrives
        self._thread = thread
        thread.progress.connect(self._on_progress)
        self.canceled.connect(self._cancel)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.setRange(0, total)
            self.setValue(min(done, total))
        self.setLabelText(self.tr("Rows written: {done}").format(done=done))

    def _cancel(self) -> None:
        self.setLabelText(self.tr("Cancelling…"))
        self._thread.cancel()


__all__ = ["ExportProgress", "ExportResult", "ExportThread"]
