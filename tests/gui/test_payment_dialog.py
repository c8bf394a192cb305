"""«Оплата» through the dialog on the real database: a registrar takes a payment (wrong
amount first), prints the receipt; a manager refunds with a reason, never more than is
left; the grid's block and the card show the status; several visits paid at once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QMenu

from crm.controllers.payments import taking
from crm.controllers.payments.status import PaymentStatus, status_title
from crm.controllers.schedule import booking
from crm.db.database import Database
from crm.models import Payment, Service, ServicePrice
from crm.models.enums import AppointmentKind, AppointmentStatus
from crm.views.payments.dialog import PaymentDialog
from crm.views.schedule.grid import ScheduleGrid
from crm.views.schedule.grid_blocks import BlockPainter, block_shape, payment_mark_rect
from crm.views.schedule.grid_labels import Labels
from crm.views.schedule.grid_style import PAYMENT_COLOURS, Fonts
from tests.gui import test_booking_dialog as base
from tests.gui import test_grid_painting as painting
from tests.gui.test_card_editor import type_text

TIMEOUT = base.TIMEOUT
PRICE = Decimal("2500.00")


@pytest.fixture
def clinic(gui_database: Database) -> base.Clinic:
    return base.build_clinic(gui_database)


@pytest.fixture
def desk(qtbot, make_context, tmp_path):
    return base.make_desk(qtbot, make_context, tmp_path)


def paid_visit(db: Database, clinic: base.Clinic, hhmm: str = "10:00", days: int = 2) -> int:
    """A paid visit ``days`` ahead for a service costing :data:`PRICE`."""
    day = dt.datetime.now(clinic.tz).date() + dt.timedelta(days=days)
    starts = base.f.at(day, hhmm).astimezone(clinic.tz)
    with db.sessions() as session, session.begin():
        service = session.scalar(sa.select(Service).where(Service.code == "UZI"))
        if service is None:
            service = Service(code="UZI", name="УЗИ брюшной полости", duration_slots=1)
            session.add(service)
            session.flush()
            session.add(
                ServicePrice(
                    service_id=service.id, amount=PRICE, valid_from=day - dt.timedelta(days=60)
                )
            )
        service_id = service.id
    return booking.book(
        db.sessions, clinic.robot, patient_id=clinic.patient, doctor_id=clinic.petrov,
        starts_at=starts, kind=AppointmentKind.PAID, service_id=service_id,
    ).id  # fmt: skip


def payments_of(db: Database, appointment_id: int) -> list[Decimal]:
    with db.sessions() as session:
        return list(
            session.scalars(
                sa.select(Payment.amount)
                .where(Payment.appointment_id == appointment_id)
                .order_by(Payment.id)
            )
        )


def opened(qtbot, dialog: PaymentDialog) -> PaymentDialog:
    qtbot.waitUntil(lambda: dialog.sheet is not None and not dialog.busy, timeout=TIMEOUT)
    return dialog


def test_a_registrar_takes_a_payment_through_the_dialog(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    appointment_id = paid_visit(gui_database, clinic)
    context, actions = desk("boris")
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    assert block.payment is PaymentStatus.UNPAID
    menu = QMenu()
    actions.fill_context_menu(menu, block)
    item = next(a for a in menu.actions() if a.objectName() == "actionPayment")
    assert "F9" in item.text()
    item.trigger()
    dialog = opened(qtbot, actions.payment_dialog)
    assert dialog.service_value.text() == "УЗИ брюшной полости"
    assert "2\u00a0500,00" in dialog.price_value.text()
    assert "2\u00a0500,00" in dialog.left_value.text()
    assert dialog.amount_edit.text() == "2500.00"  # prefilled with what is left
    assert not dialog.refund_group.isVisible()  # a registrar does not refund
    assert "0" in dialog.bonus_label.text()

    # Bad input: refused naming the field, the typed text kept, nothing written.
    dialog.amount_edit.clear()
    type_text(dialog.amount_edit, "1000,555")
    dialog.take_button.click()
    qtbot.waitUntil(lambda: dialog.messages.kind == "error", timeout=TIMEOUT)
    assert dialog.messages.text().startswith("Сумма")
    assert dialog.amount_edit.text() == "1000,555"
    assert dialog.amount_edit.hasFocus()
    assert payments_of(gui_database, appointment_id) == []
    dialog.amount_edit.clear()
    type_text(dialog.amount_edit, "3000")  # more than is left
    dialog.take_button.click()
    qtbot.waitUntil(lambda: "2\u00a0500,00" in dialog.messages.text(), timeout=TIMEOUT)
    assert dialog.messages.text().startswith("Сумма") and dialog.amount_edit.text() == "3000"

    # A partial payment by card, then the rest in cash.
    dialog.amount_edit.clear()
    type_text(dialog.amount_edit, "1000")
    dialog.method_box.setCurrentIndex(dialog.method_box.findData("card"))
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT):
        dialog.take_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and not dialog.busy, timeout=TIMEOUT)
    assert dialog.sheet is not None and dialog.sheet.money.status is PaymentStatus.PARTLY_PAID
    assert dialog.amount_edit.text() == "1500.00"
    assert payments_of(gui_database, appointment_id) == [Decimal("1000.00")]
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    assert block.payment is PaymentStatus.PARTLY_PAID

    # The receipt is offered at once, in the program's print dialog.
    assert dialog.messages.kind == "done"
    dialog.messages.first_button.click()
    printing = dialog.print_dialog
    assert printing is not None
    qtbot.waitUntil(lambda: printing.document is not None, timeout=TIMEOUT)
    assert printing.document.kind == "receipt"
    assert printing.document.pdf.startswith(b"%PDF")
    printing.close()

    dialog.method_box.setCurrentIndex(dialog.method_box.findData("cash"))
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT):
        dialog.take_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2 and not dialog.busy, timeout=TIMEOUT)
    assert dialog.sheet.money.status is PaymentStatus.PAID
    assert dialog.amount_edit.text() == ""
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    assert block.payment is PaymentStatus.PAID
    dialog.close()


def test_a_manager_refunds_through_the_dialog_never_more_than_is_left(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    appointment_id = paid_visit(gui_database, clinic)
    context, actions = desk("anna")
    payment = taking.take_payment(
        gui_database.sessions, clinic.robot, appointment_id=appointment_id, amount="2500",
        method="card",
    )  # fmt: skip
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    assert block.payment is PaymentStatus.PAID
    dialog = opened(qtbot, actions.take_payment(block))
    assert dialog.refund_group.isVisible()
    assert not dialog.refund_button.isEnabled()  # nothing chosen yet
    dialog.choose_payment(payment.id)
    assert dialog.refund_amount.text() == "2500.00"
    assert dialog.refund_button.isEnabled()

    # No reason: refused naming it, nothing written.
    dialog.refund_amount.clear()
    type_text(dialog.refund_amount, "500")
    dialog.refund_button.click()
    qtbot.waitUntil(lambda: dialog.messages.kind == "error", timeout=TIMEOUT)
    assert dialog.messages.text().startswith("Причина")
    assert dialog.refund_reason.hasFocus() and dialog.refund_amount.text() == "500"

    # Another desk returns 2000 meanwhile: 1000 more is over what is left (500).
    taking.refund(
        gui_database.sessions, context.actor, payment_id=payment.id, amount="2000",
        reason="возврат на другой кассе",
    )  # fmt: skip
    dialog.refund_amount.clear()
    type_text(dialog.refund_amount, "1000")
    type_text(dialog.refund_reason, "ошибка кассира")
    dialog.refund_button.click()
    qtbot.waitUntil(lambda: dialog.messages.text().startswith("Сумма"), timeout=TIMEOUT)
    assert "500,00" in dialog.messages.text()
    assert dialog.refund_amount.text() == "1000"  # kept for another try
    assert dialog.refund_reason.text() == "ошибка кассира"
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=TIMEOUT)  # shown as it is
    assert payments_of(gui_database, appointment_id) == [Decimal("2500.00"), Decimal("-2000.00")]

    dialog.choose_payment(payment.id)
    dialog.refund_amount.clear()
    type_text(dialog.refund_amount, "500")
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT):
        dialog.refund_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3 and not dialog.busy, timeout=TIMEOUT)
    assert payments_of(gui_database, appointment_id)[-1] == Decimal("-500.00")
    assert dialog.sheet is not None and dialog.sheet.money.status is PaymentStatus.REFUNDED
    assert dialog.refund_reason.text() == ""
    dialog.choose_payment(payment.id)
    assert not dialog.refund_button.isEnabled()  # nothing left to return
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    assert block.payment is PaymentStatus.REFUNDED
    dialog.grab().save("/tmp/pay-desk.png")
    dialog.close()


def test_the_card_pays_several_visits_at_once_and_lists_their_status(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    first = paid_visit(gui_database, clinic, "10:00")
    second = paid_visit(gui_database, clinic, "11:00")
    context, _actions = desk("boris")
    from crm.views.patients.card_tabs import CardTabs

    tabs = CardTabs(context)
    qtbot.addWidget(tabs)
    with qtbot.waitSignal(tabs.loaded, timeout=TIMEOUT):
        tabs.show_patient(clinic.patient)
    statuses = {r.id: r.payment for r in tabs.appointments.rows()}
    assert statuses == {first: PaymentStatus.UNPAID, second: PaymentStatus.UNPAID}
    tabs.appointments_table.selectRow(0)
    tabs.pay_chosen()  # «Оплата» for one visit opens from the card as from the grid
    single = tabs.payment_dialog
    assert isinstance(single, PaymentDialog)
    opened(qtbot, single)
    assert single.appointment_id == tabs.appointments.row_at(0).id
    single.close()
    tabs.pay_several()
    several = tabs.payment_dialog
    qtbot.waitUntil(lambda: several.visits.count() == 2, timeout=TIMEOUT)
    assert "5\u00a0000,00" in several.total_label.text()
    with qtbot.waitSignal(tabs.loaded, timeout=TIMEOUT):
        several.pay_button.click()
    qtbot.waitUntil(lambda: several.visits.count() == 0, timeout=TIMEOUT)
    assert len(several.taken) == 2
    statuses = {r.id: r.payment for r in tabs.appointments.rows()}
    assert statuses == {first: PaymentStatus.PAID, second: PaymentStatus.PAID}
    column = tabs.appointments.columnCount() - 1
    assert tabs.appointments.index(0, column).data() == status_title(PaymentStatus.PAID)
    several.close()


def test_the_grid_paints_the_payment_mark_on_the_block(qtbot) -> None:
    fonts = Fonts(QFont(ScheduleGrid().font()))
    blocks = []
    for n, mark in enumerate(PaymentStatus, start=1):
        block = painting.appointment(n, 1, painting.at(9 + n), 2)
        blocks.append(dataclasses.replace(block, status=AppointmentStatus.COMPLETED, payment=mark))
    blocks.append(dataclasses.replace(painting.appointment(9, 1, painting.at(15), 2),
                                      status=AppointmentStatus.COMPLETED))  # fmt: skip
    columns = [painting.GridColumn(painting.doctor(1), painting.DAY)]
    layout = painting.GridLayout(columns, blocks, painting.MOSCOW, painting.Metrics())
    layout.fit(400)
    painter = BlockPainter(Labels(fonts, painting.KINDS))
    now = painting.at(8)
    image: QImage = painting.painted(
        layout,
        lambda p: painter.paint_visible(p, layout, layout.placements, now, selected=None,
                                        dragging=None),
    )  # fmt: skip
    for placement in layout.placements:
        r = layout.block_rect(placement)
        shape = block_shape(painter.labels, r.x, r.y, r.width, r.height)
        centre = payment_mark_rect(shape, False).center().toPoint()
        colour = QColor(image.pixel(centre))
        mark = placement.appointment.payment
        if mark is None:
            assert colour not in PAYMENT_COLOURS.values()
        else:
            assert colour == PAYMENT_COLOURS[mark], mark

    def one_by_one(p: QPainter) -> None:
        for placement in layout.placements:
            r = layout.block_rect(placement)
            BlockPainter(Labels(fonts, painting.KINDS)).paint_one(
                p, placement.appointment, QRectF(r.x, r.y, r.width, r.height), now,
                selected=None, dragging=None,
            )  # fmt: skip

    assert image == painting.painted(layout, one_by_one)


def test_the_shift_tab_shows_what_the_desk_took_and_prints_it(
    qtbot, desk, clinic: base.Clinic, gui_database: Database, tmp_path
) -> None:
    from crm.views.reports.page import ReportsPage

    appointment_id = paid_visit(gui_database, clinic)
    context, _actions = desk("boris")
    taken = taking.take_payment(
        gui_database.sessions, context.actor, appointment_id=appointment_id, amount="1234.56",
        method="cash",
    )  # fmt: skip
    page = ReportsPage(context)
    qtbot.addWidget(page)
    page.show()
    assert page.shift is not None
    tab = page.shift
    qtbot.waitUntil(lambda: tab.data is not None, timeout=TIMEOUT)
    assert tab.data.net == sum(payments_of_the_day(gui_database, clinic), Decimal("0.00"))
    texts = [tab.table.item(n, 0).text() for n in range(tab.table.rowCount())]
    assert context.actor.full_name in texts
    last = tab.table.rowCount() - 1
    assert (
        tab.table.item(last, 6)
        .text()
        .replace("\u00a0", " ")
        .startswith(f"{tab.data.net:,.2f}".replace(",", " ").replace(".", ","))
    )
    assert taken.id > 0
    tab.print_report()
    printing = tab.print_dialog
    qtbot.waitUntil(lambda: printing.document is not None, timeout=TIMEOUT)
    assert printing.document.kind == "shift"
    printing.close()
    tab.save_excel(tmp_path / "shift.xlsx")
    qtbot.waitUntil(lambda: tab.messages.kind == "done", timeout=TIMEOUT)
    assert (tmp_path / "shift.xlsx").exists()
    page.grab().save("/tmp/pay-desk-shift.png")


def payments_of_the_day(db: Database, clinic: base.Clinic) -> list[Decimal]:
    from crm.controllers.schedule.calendar import day_bounds

    starts, ends = day_bounds(dt.datetime.now(clinic.tz).date(), clinic.tz)
    with db.sessions() as session:
        return list(
            session.scalars(
                sa.select(Payment.amount).where(Payment.paid_at >= starts, Payment.paid_at < ends)
            )
        )


def test_a_refund_that_loses_a_race_shows_postgresqls_refusal_naming_the_amount(
    qtbot, desk, clinic: base.Clinic, gui_database: Database
) -> None:
    appointment_id = paid_visit(gui_database, clinic)
    context, actions = desk("anna")
    payment = taking.take_payment(
        gui_database.sessions, clinic.robot, appointment_id=appointment_id, amount="2500",
        method="cash",
    )  # fmt: skip
    block = base.grid_appointment(gui_database, context.actor, appointment_id)
    dialog = opened(qtbot, actions.take_payment(block))
    dialog.choose_payment(payment.id)
    # Another desk's refund of 2000, written but not committed: it holds the payment's row.
    other = gui_database.sessions()
    other.begin()
    taking._refund(other, context.actor, payment.id, Decimal("2000.00"), "другая касса")
    dialog.refund_amount.clear()
    type_text(dialog.refund_amount, "1000")  # within what this desk saw as left (2500)
    type_text(dialog.refund_reason, "ошибка кассира")
    dialog.refund_button.click()
    qtbot.wait(700)
    assert dialog.busy  # waiting on PostgreSQL's lock of the payment
    other.commit()
    other.close()
    qtbot.waitUntil(lambda: dialog.messages.kind == "error", timeout=TIMEOUT)
    message = dialog.messages.text()
    assert message.startswith("Сумма") and "тем временем" in message  # the trigger's refusal
    assert dialog.refund_amount.text() == "1000" and dialog.refund_reason.text() == "ошибка кассира"
    assert dialog.refund_amount.hasFocus()
    assert payments_of(gui_database, appointment_id) == [Decimal("2500.00"), Decimal("-2000.00")]
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=TIMEOUT)  # shown as it is now
    dialog.close()
