"""Printing: tickets and day lists (PDFs from :mod:`crm.reports`) through Qt, and scan to check in.

:func:`open_print_dialog` is what the rest of the program calls; the dialog builds
the PDF on the database runner, prints on a worker thread and journals every print.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from crm.views import AppContext
from crm.views.printing.dialog import (
    PrintDialog,
    PrintRequest,
    day_list_request,
    day_tickets_request,
    tickets_request,
)


def open_print_dialog(context: AppContext, request: PrintRequest, parent: QWidget) -> PrintDialog:
    """Open the print dialog for ``request`` (non-modal to the rest: ``open()``) and build."""
    dialog = PrintDialog(context, request, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.start()
    return dialog


__all__ = [
    "PrintDialog",
    "PrintRequest",
    "day_list_request",
    "day_tickets_request",
    "open_print_dialog",
    "tickets_request",
]
