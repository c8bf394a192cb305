"""The card's list of medical documents: date, kind, title, size, author; withdrawn grey."""

from __future__ import annotations

from collections.abc import Callable

from crm.controllers.medical.documents import DocumentRow
from crm.controllers.medical.files import size_text
from crm.controllers.validation import format_date
from crm.controllers.vocabulary import document_kind_title
from crm.views.patients.tab_models import RowsModel

DASH = "—"


class DocumentsModel(RowsModel[DocumentRow]):
    """The patient's documents, newest first; withdrawn ones grey, with the reason."""

    def columns(self) -> list[tuple[str, Callable[[DocumentRow], str]]]:
        return [
            (self.tr("Date"), lambda r: format_date(r.document_date)),
            (self.tr("Kind"), lambda r: document_kind_title(r.kind)),
            (self.tr("Title"), lambda r: r.title),
            (self.tr("Size"), lambda r: size_text(r.size_bytes)),
            (self.tr("Author"), lambda r: r.author or DASH),
            (
                self.tr("Withdrawn"),
                lambda r: (
                    self.tr("withdrawn: {reason}").format(reason=r.withdraw_reason)
                    if r.withdrawn
                    else ""
                ),
            ),
        ]

    def faded(self, row: DocumentRow) -> bool:
        return row.withdrawn
