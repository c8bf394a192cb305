"""Demo queues: the waiting list, priority requests and the notification outbox."""

from __future__ import annotations

import datetime as dt

from crm.controllers.demo.appointments import PlannedAppointment
from crm.controllers.demo.clinic import BRANCHES, DOCTORS
from crm.controllers.demo.extras import Context, Row, specialty_name
from crm.models.enums import (
    AppointmentStatus,
    ContactChannel,
    NotificationChannel,
    NotificationStatus,
    PriorityStatus,
    WaitingStatus,
)

Status = AppointmentStatus
URGENT = (
    ("cardiologist", "Боли в груди при нагрузке, просит прием кардиолога в ближайшие дни"),
    ("therapist", "После выписки из стационара: контроль через 3 дня по рекомендации"),
    ("ophthalmologist", "Резкое снижение зрения на правый глаз со вчерашнего дня"),
    ("therapist", "Температура 38,5 третий день, сильный кашель"),
    ("oncologist", "Образование в молочной железе по данным УЗИ, нужна консультация онколога"),
    ("endocrinologist", "Глюкоза натощак 14 ммоль/л по домашнему глюкометру"),
    ("neurologist", "Сильная боль в пояснице, с трудом ходит"),
)
REJECTIONS = (
    "Нет показаний к внеочередному приему: записан(а) в общем порядке",
    "Состояние требует экстренной помощи: рекомендован вызов скорой (103)",
)


def _future(ctx: Context, *statuses: AppointmentStatus) -> list[int]:
    return [
        i
        for i, a in enumerate(ctx.appointments)
        if a.starts > ctx.now and a.status in statuses and not a.in_holding_tray
    ]


def waiting_list_rows(ctx: Context) -> list[Row]:
    """Waiting-list entries: waiting, offered a freed slot, booked from the list, cancelled."""
    rng, today = ctx.rng, ctx.now.date()
    freed = _future(ctx, Status.CANCELLED)
    booked = _future(ctx, Status.BOOKED)
    count = min(max(len(ctx.patients) // 50, 8), 60)
    rows = []
    for k in range(count):
        patient = rng.randrange(len(ctx.patients))
        doctor = rng.randrange(len(DOCTORS))
        row: Row = {
            "patient_id": ctx.patient_ids[patient],
            "specialty_id": None,
            "doctor_id": None,
            "wished_from": today + dt.timedelta(days=rng.randint(0, 3)),
            "wished_to": None,
            "channel": ContactChannel.PHONE,
            "note": None,
            "status": WaitingStatus.WAITING,
            "offered_doctor_id": None,
            "offered_starts_at": None,
            "offered_at": None,
            "appointment_id": None,
            "created_by_id": ctx.user_ids["registrar"],
            # Entries are offered slots in the order they were made: keep that order clear.
            "created_at": ctx.now - dt.timedelta(hours=4 * (count - k), minutes=rng.randint(0, 59)),
        }
        role = k % 5
        if role == 2 and freed:
            visit: PlannedAppointment = ctx.appointments[freed.pop(rng.randrange(len(freed)))]
            doctor = visit.doctor
            row.update(
                status=WaitingStatus.OFFERED,
                wished_from=visit.starts.date(),
                offered_doctor_id=ctx.doctor_ids[doctor],
                offered_starts_at=visit.starts,
                offered_at=ctx.now - dt.timedelta(minutes=30),
            )
        elif role == 3 and booked:
            index = booked.pop(rng.randrange(len(booked)))
            visit = ctx.appointments[index]
            patient, doctor = visit.patient, visit.doctor
            row.update(
                status=WaitingStatus.BOOKED,
                patient_id=ctx.patient_ids[patient],
                wished_from=min(visit.starts.date(), row["wished_from"]),
                appointment_id=ctx.appointment_ids[index],
                # Booked from the list: the entry came first, then the booking.
                created_at=min(row["created_at"], visit.booked_at - dt.timedelta(hours=6)),
            )
        elif role == 4:
            row.update(status=WaitingStatus.CANCELLED, note="Пациент записался в другую клинику")
        if rng.random() < 0.5:
            row["doctor_id"] = ctx.doctor_ids[doctor]
        else:
            row["specialty_id"] = ctx.specialty_ids[DOCTORS[doctor].specialty]
        row["wished_to"] = max(
            row["wished_from"] + dt.timedelta(days=rng.randint(3, 14)), today + dt.timedelta(days=7)
        )
        plan = ctx.patients[patient]
        channels = [ContactChannel.PHONE, ContactChannel.SMS]
        row["channel"] = rng.choice([*channels, ContactChannel.EMAIL] if plan.email else channels)
        rows.append(row)
    return rows


def priority_rows(ctx: Context) -> list[Row]:
    """Urgent requests: pending, approved, rejected and booked, decided by the manager."""
    rng = ctx.rng
    booked = _future(ctx, Status.BOOKED)
    statuses = (
        PriorityStatus.PENDING,
        PriorityStatus.APPROVED,
        PriorityStatus.REJECTED,
        PriorityStatus.BOOKED,
        PriorityStatus.PENDING,
    )
    rows = []
    for k in range(min(max(len(ctx.patients) // 100, 5), 20)):
        status = statuses[k % len(statuses)]
        specialty, reason = URGENT[k % len(URGENT)]
        patient_id = ctx.patient_ids[rng.randrange(len(ctx.patients))]
        appointment_id = None
        if status is PriorityStatus.BOOKED:
            if not booked:
                status = PriorityStatus.APPROVED
            else:
                index = booked.pop(rng.randrange(len(booked)))
                visit = ctx.appointments[index]
                patient_id = ctx.patient_ids[visit.patient]
                appointment_id = ctx.appointment_ids[index]
                specialty = DOCTORS[visit.doctor].specialty
        created = ctx.now - dt.timedelta(hours=rng.randint(2, 72))
        if appointment_id is not None:
            # The request came first, then the decision (an hour later), then the booking.
            created = min(created, visit.booked_at - dt.timedelta(hours=3))
        decided = status is not PriorityStatus.PENDING
        decision = {
            PriorityStatus.APPROVED: "Одобрено: записать на ближайший свободный слот",
            PriorityStatus.REJECTED: rng.choice(REJECTIONS),
            PriorityStatus.BOOKED: "Одобрено и записано",
        }.get(status)
        rows.append(
            {
                "patient_id": patient_id,
                "specialty_id": ctx.specialty_ids[specialty],
                "reason": reason,
                "status": status,
                "decided_by_id": ctx.user_ids["manager"] if decided else None,
                "decided_at": created + dt.timedelta(hours=1) if decided else None,
                "decision_reason": decision,
                "appointment_id": appointment_id,
                "created_by_id": ctx.user_ids["registrar"],
                "created_at": created,
            }
        )
    return rows


def _message(
    ctx: Context, index: int, purpose: str, when: dt.datetime, status: NotificationStatus
) -> Row | None:
    """A notice about appointment ``index`` by SMS or e-mail, or ``None`` without consent."""
    visit = ctx.appointments[index]
    plan = ctx.patients[visit.patient]
    if plan.sms_consent and plan.sms_revoked_on is None:
        channel, recipient = NotificationChannel.SMS, plan.phone
    elif plan.email_consent and plan.email:
        channel, recipient = NotificationChannel.EMAIL, plan.email
    else:
        return None  # no consent to be contacted
    doctor = DOCTORS[visit.doctor]
    local = visit.starts.astimezone(when.tzinfo)
    where = f"{BRANCHES[doctor.branch].address}, каб. {visit.room}"
    text = {
        "confirmation": "Вы записаны",
        "reminder": "Напоминаем о приеме",
        "cancellation": "Запись отменена",
    }[purpose]
    body = (
        f"{text}: {specialty_name(doctor.specialty)} {doctor.short_name()}, "
        f"{local:%d.%m.%Y} в {local:%H:%M}, {where}."
    )
    if visit.video_link and purpose != "cancellation":
        body += f" Ссылка на видеоконсультацию: {visit.video_link}"
    sent = status is NotificationStatus.SENT
    return {
        "patient_id": ctx.patient_ids[visit.patient],
        "appointment_id": ctx.appointment_ids[index],
        "channel": channel,
        "recipient": recipient,
        "purpose": purpose,
        "subject": "Клиника «Здоровье+»: запись на прием"
        if channel is NotificationChannel.EMAIL
        else None,
        "body": body,
        "status": status,
        "attempts": int(sent),
        "next_attempt_at": when,
        "last_error": None,
        "created_at": min(when, ctx.now),
        "sent_at": when if sent else None,
    }


def outbox_rows(ctx: Context) -> list[Row]:
    """Confirmations, reminders for the next two days and cancellations, all queued.

    Nothing is marked sent or failed: the demo clinic has no sender that delivered them,
    and rows that pretended delivery made the feature look live. ``clinic-crm notify
    run --once`` sends them through the channels a clinic configures.
    """
    rng, now = ctx.rng, ctx.now
    cap = min(len(ctx.patients) // 4 + 20, 400)
    planned: list[tuple[int, str, dt.datetime, NotificationStatus]] = []
    for index in _future(ctx, Status.BOOKED, Status.ARRIVED):
        visit = ctx.appointments[index]
        planned.append(
            (
                index,
                "confirmation",
                visit.booked_at,
                NotificationStatus.PENDING,
            )
        )
        due = visit.starts - dt.timedelta(hours=24)
        if visit.starts <= now + dt.timedelta(hours=48):
            planned.append(
                (
                    index,
                    "reminder",
                    due,
                    NotificationStatus.PENDING,
                )
            )
    for index in _future(ctx, Status.CANCELLED):
        planned.append(
            (
                index,
                "cancellation",
                min(now, ctx.appointments[index].starts),
                NotificationStatus.PENDING,
            )
        )
    rng.shuffle(planned)
    rows = [row for item in planned[:cap] if (row := _message(ctx, *item)) is not None]
    rows.sort(key=lambda row: row["created_at"])
    return rows
