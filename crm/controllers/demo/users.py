"""The demo clinic's users: one per role (two registrars), all with the same password."""

from __future__ import annotations

from dataclasses import dataclass

from crm.controllers.demo.clinic import DOCTORS, THERAPIST_INDEX
from crm.models.enums import Role

#: The password of every demo user (shown on the login screen of a demo database).
DEMO_PASSWORD = "demo1234"


@dataclass(frozen=True)
class DemoUser:
    """A user the demo clinic creates.

    Attributes:
        login: the login name.
        role: what the user may do.
        full_name: ФИО shown in the status bar and the journal.
        doctor_index: for a doctor, the index of the doctor in the demo's list of doctors.
    """

    login: str
    role: Role
    full_name: str
    doctor_index: int | None = None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("registrar", Role.REGISTRAR, "Сидорова Людмила Петровна"),
    DemoUser("registrar2", Role.REGISTRAR, "Фомина Галина Ивановна"),
    DemoUser("doctor", Role.DOCTOR, DOCTORS[THERAPIST_INDEX].full_name(), THERAPIST_INDEX),
    DemoUser("manager", Role.MANAGER, "Тарасов Николай Геннадьевич"),
    DemoUser("admin", Role.ADMIN, "Крылов Артем Олегович"),
)
