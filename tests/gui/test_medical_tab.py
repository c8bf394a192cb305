"""The card's «Медкарта» tab against the real database: attach by a path (no dialog),
the list shows it, a manager sees the preview (image, PDF), a registrar sees no preview,
a copy is saved, a document is withdrawn with a reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from crm.controllers.medical import documents
from crm.db.database import Database
from crm.models.enums import DocumentKind
from crm.views.medical.documents_tab import DocumentsTab
from crm.views.medical.preview import HAS_PDF
from crm.views.patients.card_tabs import CardTabs
from tests import factories

TIMEOUT = 10_000


@pytest.fixture
def host() -> Iterator[QWidget]:
    widget = QWidget()
    yield widget
    if shiboken6.isValid(widget):
        widget.close()
        shiboken6.delete(widget)


@pytest.fixture
def patient_id(gui_database: Database) -> int:
    with gui_database.sessions() as session, session.begin():
        return factories.patient(session, "Кузнецова").id


def _png(path: Path) -> Path:
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    path.write_bytes(bytes(QByteArray(buffer.data())))
    return path


def _pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.drawString(100, 750, "Result")
    pdf.save()
    return path


def _line(tab: DocumentsTab, row: int) -> list[str]:
    return [tab.model.index(row, c).data() for c in range(tab.model.columnCount())]


def test_the_card_has_the_medical_record_tab(qtbot, make_context, host) -> None:
    tabs = CardTabs(make_context("anna"), host)
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert "Медкарта" in titles


def test_attach_by_path_list_preview_copy_withdraw(  # noqa: PLR0917 (fixtures)
    qtbot, make_context, patient_id, tmp_path, host, modal_calls
) -> None:
    tab = DocumentsTab(make_context("anna"), host)  # a manager
    tab.resize(900, 500)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_patient(patient_id)
    assert tab.model.rowCount() == 0 and tab.attach_button.isVisibleTo(tab)

    tab.kind.setCurrentIndex(tab.kind.findData(DocumentKind.IMAGE.value))
    with qtbot.waitSignal(tab.attached, timeout=TIMEOUT):
        tab.attach_file(_png(tmp_path / "рентген.png"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    date, kind, title, size, author, withdrawn = _line(tab, 0)
    assert (kind, title, withdrawn) == ("снимок", "рентген", "")
    assert size.endswith("КБ") or size.endswith("Б")

    with qtbot.waitSignal(tab.previewed, timeout=TIMEOUT):
        tab.table.selectRow(0)
    assert tab.preview.showing == "image"
    assert not tab.preview.image.pixmap().isNull()
    assert tab.preview.image.pixmap().width() <= tab.preview.width()

    copy = tmp_path / "copy.png"
    with qtbot.waitSignal(tab.saved, timeout=TIMEOUT):
        tab.save_copy(copy)
    assert copy.read_bytes() == (tmp_path / "рентген.png").read_bytes()

    tab.withdraw_selected()  # no reason: refused, says so
    assert "Причина" in tab.message.text()
    tab.reason.setText("Снимок другого пациента")
    with qtbot.waitSignal(tab.withdrawn, timeout=TIMEOUT):
        tab.withdraw_button.click()
    qtbot.waitUntil(lambda: bool(_line(tab, 0)[5]), timeout=TIMEOUT)
    assert _line(tab, 0)[5] == "отозван: Снимок другого пациента"
    assert not tab.withdraw_button.isEnabled()
    assert modal_calls == []  # nothing blocked


@pytest.mark.skipif(not HAS_PDF, reason="this PySide6 has no QtPdf")
def test_a_pdf_is_previewed_through_qtpdf(qtbot, make_context, patient_id, tmp_path, host):
    tab = DocumentsTab(make_context("anna"), host)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_patient(patient_id)
    with qtbot.waitSignal(tab.attached, timeout=TIMEOUT):
        tab.attach_file(_pdf(tmp_path / "анализ.pdf"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    with qtbot.waitSignal(tab.previewed, timeout=TIMEOUT):
        tab.table.selectRow(0)
    assert tab.preview.showing == "pdf"


def test_an_unknown_file_is_refused_with_the_reason(
    qtbot, make_context, patient_id, tmp_path, host
) -> None:
    tab = DocumentsTab(make_context("anna"), host)
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_patient(patient_id)
    bad = tmp_path / "script.pdf"
    bad.write_bytes(b"#!/bin/sh\necho hi\n")
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):  # the failure re-enables the tab
        tab.attach_file(bad)
    assert tab.message.text().startswith("Файл:")
    assert tab.model.rowCount() == 0


def test_a_registrar_sees_the_list_but_no_preview(  # noqa: PLR0917 (fixtures)
    qtbot, make_context, gui_database, patient_id, tmp_path, host
) -> None:
    manager = make_context("anna")
    documents.attach(
        gui_database.sessions,
        manager.actor,
        patient_id,
        _png(tmp_path / "снимок.png"),
        kind=DocumentKind.IMAGE,
    )
    tab = DocumentsTab(make_context("boris"), host)  # a registrar
    with qtbot.waitSignal(tab.loaded, timeout=TIMEOUT):
        tab.show_patient(patient_id)
    assert tab.model.rowCount() == 1
    assert not tab.attach_button.isVisibleTo(tab)
    assert not tab.open_button.isVisibleTo(tab) and not tab.save_button.isVisibleTo(tab)
    tab.table.selectRow(0)
    qtbot.wait(300)
    assert tab.preview.showing == "message"
    assert "врачи и менеджеры" in tab.preview.message.text()
    assert not tab.preview.open_button.isVisibleTo(tab.preview)
    assert not tab.acceptDrops()


def test_an_administrator_sets_the_size_limit_and_a_manager_only_sees_it(
    qtbot, make_context, gui_database, host
) -> None:
    from crm.controllers.access import auth
    from crm.models.enums import Role
    from crm.views.medical.limit_box import DocumentLimitBox
    from tests.gui.conftest import PASSWORD

    auth.add_user(gui_database.sessions, "vera", PASSWORD, Role.ADMIN, "Вера Админова")
    admin_box = DocumentLimitBox(make_context("vera"), host)
    with qtbot.waitSignal(admin_box.loaded, timeout=TIMEOUT):
        admin_box.refresh()
    assert admin_box.megabytes.value() == documents.DEFAULT_LIMIT_MB
    admin_box.megabytes.setValue(5)
    with qtbot.waitSignal(admin_box.saved, timeout=TIMEOUT):
        admin_box.save_button.click()

    manager_box = DocumentLimitBox(make_context("anna"), host)
    with qtbot.waitSignal(manager_box.loaded, timeout=TIMEOUT):
        manager_box.refresh()
    assert manager_box.megabytes.value() == 5
    assert manager_box.megabytes.isReadOnly()
    assert not manager_box.save_button.isVisibleTo(manager_box)
