"""A payment's receipt in the program's print dialog (print, preview, save as PDF)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QWidget

from crm.controllers.payments.desk import receipt_document
from crm.controllers.printing.tickets import PrintableDocument
from crm.views import AppContext
from crm.views.printing import PrintDialog, PrintRequest, open_print_dialog


def receipt_request(payment_id: int) -> PrintRequest:
    """The receipt of ``payment_id`` (the print dialog's paper choice does not apply)."""

    def build(db: Any, actor: Any, _option: Any) -> PrintableDocument:
        return receipt_document(db, actor, payment_id)

    title = QCoreApplication.translate("PaymentDialog", "Receipt № {number}").format(
        number=payment_id
    )
    return PrintRequest("receipt", build, title)


def open_receipt(context: AppContext, payment_id: int, parent: QWidget) -> PrintDialog:
    """Open the print dialog with ``payment_id``'s receipt."""
    dialog = open_print_dialog(context, receipt_request(payment_id), parent)
    for form in dialog.findChildren(QFormLayout):
        if form.indexOf(dialog.paper_box) >= 0:
            form.setRowVisible(dialog.paper_box, False)  # a receipt has one paper
    return dialog
