"""The preview beside the card's documents: an image scaled to fit, a PDF through QtPdf,
or a message (no preview for this type, contents hidden from this role) with «Открыть».

QtPdf is optional in PySide6 builds: without it a PDF gets the message and the button
like any other type.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crm.controllers.medical.files import IMAGE_TYPES, PDF

try:  # not every PySide6 build has the PDF module
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAS_PDF = True
except ImportError:  # pragma: no cover - depends on the installed PySide6
    HAS_PDF = False


class DocumentPreview(QStackedWidget):
    """Shows one document's contents, or why it does not.

    Signals:
        open_requested(): «Открыть» (in the system's viewer) was pressed.
    """

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPreview")
        self.setMinimumWidth(260)
        self._pixmap: QPixmap | None = None

        self.message_page = QWidget()
        layout = QVBoxLayout(self.message_page)
        self.message = QLabel()
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("previewOpen")
        self.open_button.clicked.connect(self.open_requested)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.addWidget(self.message_page)

        self.image = QLabel()
        self.image.setObjectName("previewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setMinimumSize(1, 1)
        self.addWidget(self.image)

        self.pdf_view: QPdfView | None = None
        self._pdf: QPdfDocument | None = None
        self._buffer: QBuffer | None = None
        if HAS_PDF:
            self.pdf_view = QPdfView(self)
            self.pdf_view.setObjectName("previewPdf")
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.addWidget(self.pdf_view)
        self.show_message(self.tr("Select a document to see it here"), can_open=False)

    @property
    def showing(self) -> str:
        """``message``, ``image`` or ``pdf``: what the preview shows now (for tests)."""
        current = self.currentWidget()
        if current is self.image:
            return "image"
        if self.pdf_view is not None and current is self.pdf_view:
            return "pdf"
        return "message"

    def show_message(self, text: str, *, can_open: bool) -> None:
        """Show ``text`` (and «Открыть» when the document may be opened outside)."""
        self._release_pdf()
        self._pixmap = None
        self.message.setText(text)
        self.open_button.setVisible(can_open)
        self.setCurrentWidget(self.message_page)

    def show_contents(self, mime_type: str, data: bytes) -> None:
        """Preview ``data`` of ``mime_type``; types without a preview get «Открыть»."""
        if mime_type in IMAGE_TYPES:
            image = QImage.fromData(data)
            if not image.isNull():
                self._release_pdf()
                self._pixmap = QPixmap.fromImage(image)
                self._fit()
                self.setCurrentWidget(self.image)
                return
        if mime_type == PDF and HAS_PDF and self.pdf_view is not None:
            self._release_pdf()
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(data))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self._pdf = QPdfDocument(self)
            self._pdf.load(self._buffer)
            if self._pdf.status() != QPdfDocument.Status.Error and self._pdf.pageCount() > 0:
                self.pdf_view.setDocument(self._pdf)
                self.setCurrentWidget(self.pdf_view)
                return
        self.show_message(
            self.tr("Preview is not available for this file: open it in the system's viewer"),
            can_open=True,
        )

    def _release_pdf(self) -> None:
        if self.pdf_view is not None:
            self.pdf_view.setDocument(None)  # type: ignore[arg-type]
        if self._pdf is not None:
            self._pdf.close()
            self._pdf.deleteLater()
            self._pdf = None
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None

    def _fit(self) -> None:
        if self._pixmap is None:
            return
        size = self.size()
        if self._pixmap.width() <= size.width() and self._pixmap.height() <= size.height():
            self.image.setPixmap(self._pixmap)
        else:
            self.image.setPixmap(
                self._pixmap.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def resizeEvent(self, event: QResizeEvent) -> None:  # Qt's name
        super().resizeEvent(event)
        self._fit()
