"""Who is acting: passed to every controller call that changes something."""

from __future__ import annotations

from dataclasses import dataclass

from crm.models.enums import Role


@dataclass(frozen=True)
class Actor:
    """The logged-in user at a workstation.

    Attributes:
        user_id: ``app_user.id``.
        login: the login name.
        full_name: for the status bar and the journal.
        role: what the user may do.
        workstation: where the user sits (written to the journal).
        doctor_id: the doctor this user is, for doctors.
    """

    user_id: int
    login: str
    full_name: str
    role: Role
    workstation: str
    doctor_id: int | None = None
