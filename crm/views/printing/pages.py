"""Putting a PDF's pages on a printer: QtPdf renders each page, QPainter draws it.

The PDFs come from reportlab (:mod:`crm.reports`); Qt prints them by rendering each
page at the printer's resolution (at most :data:`MAX_DPI`: a 1200 dpi laser would
otherwise get a 140-megabyte image per A6 page for no visible gain) and drawing it
on the printer's page. QtPdf serialises its own access to pdfium, and QPainter may
paint on a ``QPrinter`` from a worker thread, so :class:`PrintWorker` does the whole
job off the GUI thread; the preview dialog's painting is the one exception, and Qt
asks for it on the GUI thread.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QObject,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

MAX_DPI = 300
POINTS_PER_INCH = 72.0


def load_pdf(data: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A ``QPdfDocument`` of ``data`` (loaded and ready; the buffer lives with it).

    Raises:
        ValueError: ``data`` is not a PDF QtPdf can read.
    """
    # QPdfDocument wants a parent argument; None is a document of its own.
    document = QPdfDocument(parent)  # type: ignore[arg-type]
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() is not QPdfDocument.Status.Ready:
        raise ValueError(f"the PDF could not be read: {document.error()}")
    return document


def page_size(document: QPdfDocument, page: int) -> QPageSize:
    """The page's own paper size (exact, in points)."""
    size = document.pagePointSize(page)
    return QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)


def prepare_printer(printer: QPrinter, document: QPdfDocument) -> None:
    """Set ``printer``'s paper to the document's first page, without margins.

    The pages are drawn edge to edge as the PDF lays them out (the PDFs keep their
    own margins); a printer that cannot take the size gets the page scaled to fit.
    """
    if document.pageCount() == 0:
        return
    size = document.pagePointSize(0)
    orientation = (
        QPageLayout.Orientation.Landscape
        if size.width() > size.height()
        else QPageLayout.Orientation.Portrait
    )
    printer.setFullPage(True)
    if orientation is QPageLayout.Orientation.Landscape:
        size = QSizeF(size.height(), size.width())
    printer.setPageLayout(
        QPageLayout(
            QPageSize(size, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch),
            orientation,
            QMarginsF(0, 0, 0, 0),
        )
    )


def paint_pages(
    painter: QPainter,
    printer: QPrinter,
    document: QPdfDocument,
    *,
    new_page: Callable[[], bool],
    cancelled: Callable[[], bool] = lambda: False,
) -> int:
    """Draw every page of ``document`` with ``painter`` (active on ``printer``).

    Each page is rendered at the printer's resolution (up to :data:`MAX_DPI`) and
    scaled into the printable rectangle, keeping its proportions, at the top left.

    Returns:
        How many pages were drawn.
    """
    target = printer.pageRect(QPrinter.Unit.DevicePixel)
    dpi = min(printer.resolution(), MAX_DPI)
    drawn = 0
    for page in range(document.pageCount()):
        if cancelled():
            break
        if page and not new_page():
            break
        points = document.pagePointSize(page)
        scale = min(target.width() / points.width(), target.height() / points.height())
        area = QRectF(target.x(), target.y(), points.width() * scale, points.height() * scale)
        pixels = QSize(
            max(1, round(points.width() * dpi / POINTS_PER_INCH)),
            max(1, round(points.height() * dpi / POINTS_PER_INCH)),
        )
        image = document.render(page, pixels)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(area, image)
        drawn += 1
    return drawn


@dataclass(frozen=True)
class PrintOutcome:
    """How a print job ended: pages sent, or the error."""

    pages: int
    error: str | None = None


class PrintWorker(QObject):
    """Prints a PDF on a ``QPrinter`` on its own thread; the outcome comes back as a signal.

    Args:
        parent: the Qt parent (the print dialog).

    Signals:
        finished(object): a :class:`PrintOutcome`, delivered on the GUI thread.
    """

    finished = Signal(object)
    _done = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="crm-print"
        )
        self._busy = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def busy(self) -> bool:
        """True while a job is printing."""
        return self._busy

    def start(self, printer: QPrinter, pdf: bytes) -> None:
        """Print ``pdf`` on ``printer`` (configured by the caller; not touched meanwhile)."""
        if self._busy:
            raise RuntimeError("a print job is already running")
        self._busy = True
        future = self._executor.submit(self._print, printer, pdf)
        future.add_done_callback(lambda f: self._done.emit(_outcome(f)))

    @staticmethod
    def _print(printer: QPrinter, pdf: bytes) -> PrintOutcome:
        document = load_pdf(pdf)
        try:
            painter = QPainter()
            if not painter.begin(printer):
                return PrintOutcome(0, "begin")
            try:
                pages = paint_pages(painter, printer, document, new_page=printer.newPage)
            finally:
                painter.end()
            return PrintOutcome(pages)
        finally:
            # Made on this thread without a parent: Python deletes it here, on this thread.
            document.close()

    @Slot(object)
    def _deliver(self, outcome: PrintOutcome) -> None:
        self._busy = False
        self.finished.emit(outcome)

    def shutdown(self) -> None:
        """Wait for a running job (a printer must not lose its painter half-way)."""
        self._executor.shutdown(wait=True)


def _outcome(future: concurrent.futures.Future[PrintOutcome]) -> PrintOutcome:
    error = future.exception()
    if error is not None:
        return PrintOutcome(0, str(error) or type(error).__name__)
    return future.result()
