"""The rest of the demo's life: payments, bonus points, feedback, treatment plans, materials.

These rows are made after the ids of patients, appointments and users are known,
and return plain dictionaries ready for ``insert()``. They only use the demo's
random generator, in a fixed order, so they stay deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crm.controllers.demo.appointments import PlannedAppointment
from crm.controllers.demo.clinic import DOCTORS, SERVICES, SPECIALTIES
from crm.controllers.demo.people import PatientPlan
from crm.controllers.demo.schedule import MOSCOW
from crm.models.enums import (
    AppointmentKind,
    AppointmentStatus,
    MessageDirection,
    PaymentMethod,
    TaskStatus,
)

Row = dict[str, Any]
#: Reserves ``n`` ids of a table: ``allocate("payment", 3)`` → ``[41, 42, 43]``.
Allocate = Callable[[str, int], list[int]]
Status = AppointmentStatus

PLAN_TITLES = {
    "therapist": "Наблюдение при артериальной гипертензии",
    "cardiologist": "Контроль артериального давления и липидного профиля",
    "neurologist": "Лечение боли в нижней части спины",
    "endocrinologist": "Компенсация сахарного диабета 2 типа",
    "ophthalmologist": "Коррекция миопии и контроль внутриглазного давления",
    "surgeon": "Подготовка к плановому оперативному лечению",
    "otolaryngologist": "Лечение хронического синусита",
    "gastroenterologist": "Эрадикационная терапия и контроль гастрита",
}
TASKS = (
    "Сдать общий (клинический) анализ крови",
    "Сдать биохимический анализ крови",
    "Пройти ЭКГ",
    "Вести дневник артериального давления",
    "Повторный прием через две недели",
    "УЗИ органов брюшной полости",
    "Принимать препараты по схеме, контроль через месяц",
    "Консультация эндокринолога",
)
COMMENTS = {
    5: (
        "Очень внимательный врач, все подробно объяснил(а).",
        "Приняли вовремя, спасибо!",
        "Отличная клиника, рекомендую.",
    ),
    4: ("Врач хороший, но пришлось подождать минут 15.", "В целом все понравилось."),
    3: ("Прием прошел быстро, не все вопросы успел(а) задать.", "Долго ждал(а) у кабинета."),
    2: ("Прием начался на 30 минут позже записи.", "Неудобно записываться по телефону."),
    1: ("Меня не предупредили о переносе приема.",),
}
ANSWER = "Благодарим за отзыв! Мы разобрались в ситуации и приняли меры, чтобы это не повторилось."
MATERIALS = (
    (
        "Как правильно измерять артериальное давление дома",
        "cardiologist",
        "Измеряйте давление утром и вечером, сидя, после 5 минут отдыха. Манжета — на уровне "
        "сердца. Записывайте результаты в дневник и берите его на прием.",
    ),
    (
        "Подготовка к УЗИ органов брюшной полости",
        "ultrasound",
        "Исследование проводится натощак: не есть 8–12 часов. За 2–3 дня исключите продукты, "
        "усиливающие газообразование.",
    ),
    (
        "Как сдавать анализ крови",
        "laboratory",
        "Кровь сдается утром натощак, с 8 до 11 часов. Накануне исключите жирную пищу и алкоголь, "
        "за час до анализа не курите.",
    ),
    (
        "Профилактика болей в спине",
        "neurologist",
        "Делайте перерывы при сидячей работе каждые 45 минут, следите за осанкой, занимайтесь "
        "плаванием или лечебной физкультурой.",
    ),
    (
        "Сахарный диабет: самоконтроль глюкозы",
        "endocrinologist",
        "Измеряйте уровень глюкозы по схеме, согласованной с врачом, и отмечайте результаты "
        "в дневнике вместе с питанием и физической нагрузкой.",
    ),
)
MESSAGES = (
    (
        MessageDirection.FROM_PATIENT,
        "Здравствуйте! Можно ли перенести мою запись на следующую неделю?",
    ),
    (
        MessageDirection.TO_PATIENT,
        "Здравствуйте! Да, подскажите удобный день и время, мы подберем слот.",
    ),
    (MessageDirection.FROM_PATIENT, "Подскажите, нужно ли приносить результаты прошлых анализов?"),
    (
        MessageDirection.TO_PATIENT,
        "Да, возьмите, пожалуйста, результаты анализов и выписки за последний год.",
    ),
)


@dataclass(frozen=True)
class Context:
    """What the rows refer to: plans by index and the ids they were written under.

    Attributes:
        rng: the demo's random generator.
        now: the demo's "now".
        patients: patient plans; ``patient_ids`` holds their ids in the same order.
        appointments: appointment plans; ``appointment_ids`` likewise.
        doctor_ids: by doctor index.
        specialty_ids: by specialty code.
        service_ids: by service index.
        user_ids: by login.
        allocate: reserves ids of a table for rows that others refer to.
    """

    rng: random.Random
    now: dt.datetime
    patients: Sequence[PatientPlan]
    patient_ids: Sequence[int]
    appointments: Sequence[PlannedAppointment]
    appointment_ids: Sequence[int]
    doctor_ids: Sequence[int]
    specialty_ids: Mapping[str, int]
    service_ids: Sequence[int]
    user_ids: Mapping[str, int]
    allocate: Allocate

    def done(self, *kinds: AppointmentKind) -> list[int]:
        """Indices of completed appointments, optionally only of the given kinds."""
        return [
            i
            for i, a in enumerate(self.appointments)
            if a.status is Status.COMPLETED and (not kinds or a.kind in kinds)
        ]


def service_rows(
    today: dt.date,
    specialty_ids: Mapping[str, int],
    ids: Sequence[int],
) -> tuple[list[Row], list[Row]]:
    """The catalogue and its prices; a raised price leaves the old one closed 3 months ago."""
    services, prices = [], []
    changed_on = today - dt.timedelta(days=90)
    since = today - dt.timedelta(days=365)
    for service_id, spec in zip(ids, SERVICES, strict=True):
        services.append(
            {
                "id": service_id,
                "code": spec.code,
                "name": spec.name,
                "specialty_id": specialty_ids[spec.specialty],
                "duration_slots": spec.slots,
                "description": None,
                "active": True,
            }
        )
        if spec.old_price is not None:
            prices.append(
                {
                    "service_id": service_id,
                    "amount": spec.old_price,
                    "valid_from": since,
                    "valid_to": changed_on - dt.timedelta(days=1),
                }
            )
        prices.append(
            {
                "service_id": service_id,
                "amount": spec.price,
                "valid_from": since if spec.old_price is None else changed_on,
                "valid_to": None,
            }
        )
    return services, prices


def payment_rows(ctx: Context) -> tuple[list[Row], list[Row], dict[int, int]]:
    """Payments for completed paid visits (one refunded) and the bonus-points ledger.

    Returns:
        Payment rows, bonus ledger rows, and each patient's resulting balance by id.
    """
    rng = ctx.rng
    paid = ctx.done(AppointmentKind.PAID)[:200]
    ids = ctx.allocate("payment", len(paid) + (1 if paid else 0))
    payments: list[Row] = []
    ledger: list[Row] = []
    balance: dict[int, int] = {}

    def earn(
        patient_id: int,
        delta: int,
        reason: str,
        at: dt.datetime,
        *,
        payment_id: int | None = None,
        kind: str = "accrual",
    ) -> None:
        if delta:
            ledger.append(
                {
                    "patient_id": patient_id,
                    "delta": delta,
                    "reason": reason,
                    "payment_id": payment_id,
                    "created_at": at,
                    "kind": kind,
                }
            )
            balance[patient_id] = balance.get(patient_id, 0) + delta

    for payment_id, index in zip(ids, paid, strict=False):
        visit = ctx.appointments[index]
        assert visit.service is not None
        amount = SERVICES[visit.service].price
        patient_id = ctx.patient_ids[visit.patient]
        method = rng.choices(
            [PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.TRANSFER], [55, 35, 10]
        )[0]
        payments.append(
            {
                "id": payment_id,
                "patient_id": patient_id,
                "appointment_id": ctx.appointment_ids[index],
                "service_id": ctx.service_ids[visit.service],
                "amount": amount,
                "method": method,
                "paid_at": visit.ends,
                "received_by_id": ctx.user_ids["registrar"],
                "refund_of_id": None,
                "reason": None,
            }
        )
        earn(
            patient_id,
            int(amount * 5 / 100),
            "Начисление 5% от оплаты услуги",
            visit.ends,
            payment_id=payment_id,
        )
    if payments:
        # One refund, to show how a returned payment and its bonus reversal look.
        first = payments[0]
        refunded_at = min(first["paid_at"] + dt.timedelta(hours=2), ctx.now)
        payments.append(
            {
                **first,
                "id": ids[-1],
                "amount": -first["amount"],
                "paid_at": refunded_at,
                "refund_of_id": first["id"],
                "received_by_id": ctx.user_ids["manager"],
                "reason": "Услуга не оказана: пациент ушёл до приёма",
            }
        )
        earn(
            first["patient_id"],
            -int(first["amount"] * 5 / 100),
            "Отмена начисления: возврат оплаты",
            refunded_at,
            payment_id=ids[-1],
            kind="refund",
        )
    for index in rng.sample(range(len(ctx.patients)), min(30, len(ctx.patients))):
        patient_id = ctx.patient_ids[index]
        joined = dt.datetime.combine(ctx.patients[index].registered_on, dt.time(10), MOSCOW)
        earn(patient_id, 300, "Приветственные баллы при регистрации", joined, kind="correction")
        if rng.random() < 0.3:
            earn(
                patient_id,
                -100,
                "Списание баллов в счет оплаты услуги",
                joined + dt.timedelta(days=1),
                kind="spend",
            )
    return payments, ledger, balance


def feedback_rows(ctx: Context) -> list[Row]:
    """Ratings of doctors after completed visits, a few answered, and of the clinic itself."""
    rng = ctx.rng
    done = ctx.done()
    rows = []
    for index in rng.sample(done, min(60, len(done))):
        visit = ctx.appointments[index]
        rating = rng.choices([5, 4, 3, 2, 1], [50, 30, 12, 5, 3])[0]
        created = min(visit.ends + dt.timedelta(hours=rng.randint(1, 30)), ctx.now)
        answered = rating <= 3 and rng.random() < 0.6
        rows.append(
            {
                "patient_id": ctx.patient_ids[visit.patient],
                "doctor_id": ctx.doctor_ids[visit.doctor],
                "appointment_id": ctx.appointment_ids[index],
                "rating": rating,
                "comment": rng.choice(COMMENTS[rating]),
                "answered_at": ctx.now if answered else None,
                "answer": ANSWER if answered else None,
                "created_at": created,
            }
        )
    for rating in (5, 4, 2):
        rows.append(
            {
                "patient_id": ctx.patient_ids[rng.randrange(len(ctx.patient_ids))],
                "doctor_id": None,
                "appointment_id": None,
                "rating": rating,
                "comment": rng.choice(COMMENTS[rating]),
                "answered_at": None,
                "answer": None,
                "created_at": ctx.now - dt.timedelta(days=rating),
            }
        )
    return rows


def treatment_rows(ctx: Context) -> tuple[list[Row], list[Row]]:
    """Treatment plans written after completed visits, with tasks and reminders."""
    rng = ctx.rng
    today = ctx.now.date()
    done = [i for i in ctx.done() if DOCTORS[ctx.appointments[i].doctor].specialty in PLAN_TITLES]
    chosen = rng.sample(done, min(max(len(ctx.patients) // 50, 3), 40, len(done)))
    plan_ids = ctx.allocate("treatment_plan", len(chosen))
    plans, tasks = [], []
    for plan_id, index in zip(plan_ids, chosen, strict=True):
        visit = ctx.appointments[index]
        plans.append(
            {
                "id": plan_id,
                "patient_id": ctx.patient_ids[visit.patient],
                "doctor_id": ctx.doctor_ids[visit.doctor],
                "title": PLAN_TITLES[DOCTORS[visit.doctor].specialty],
                "notes": "Рекомендации выданы пациенту на руки.",
                "created_at": visit.ends,
                "closed_at": None,
            }
        )
        for description in rng.sample(TASKS, rng.randint(2, 4)):
            due = visit.ends.date() + dt.timedelta(days=rng.randint(3, 30))
            done_task = due < today and rng.random() < 0.7
            tasks.append(
                {
                    "plan_id": plan_id,
                    "description": description,
                    "due_on": due,
                    "remind_at": dt.datetime.combine(
                        due - dt.timedelta(days=1), dt.time(10), MOSCOW
                    ),
                    "status": TaskStatus.DONE if done_task else TaskStatus.OPEN,
                    "done_at": dt.datetime.combine(due, dt.time(11), MOSCOW) if done_task else None,
                }
            )
    return plans, tasks


def material_rows(specialty_ids: Mapping[str, int]) -> list[Row]:
    """Leaflets to hand out to patients."""
    return [
        {"title": title, "body": body, "specialty_id": specialty_ids[code]}
        for title, code, body in MATERIALS
    ]


def message_rows(ctx: Context) -> list[Row]:
    """A few chat threads with patients."""
    rows = []
    count = min(10, len(ctx.patients))
    for index in ctx.rng.sample(range(len(ctx.patients)), count):
        start = ctx.now - dt.timedelta(days=ctx.rng.randint(1, 20), hours=3)
        for step, (direction, body) in enumerate(MESSAGES[: ctx.rng.choice((2, 4))]):
            rows.append(
                {
                    "patient_id": ctx.patient_ids[index],
                    "direction": direction,
                    "body": body,
                    "at": start + dt.timedelta(minutes=20 * step),
                    "user_id": ctx.user_ids["registrar"]
                    if direction is MessageDirection.TO_PATIENT
                    else None,
                }
            )
    return rows


def specialty_name(code: str) -> str:
    """The specialty's Russian name by code."""
    return next(spec.name for spec in SPECIALTIES if spec.code == code)


def money(amount: Decimal) -> str:
    """``1900`` → ``1 900 ₽``."""
    return f"{amount:,.0f}".replace(",", " ") + " ₽"
