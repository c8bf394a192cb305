"""Who is acting: passed to every controller call that changes something."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from crm.models.enums import Role

#: The clinic's timezone when the setting ``clinic.timezone`` names none.
DEFAULT_TIMEZONE = "Europe/Moscow"


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
        clinic_timezone: the clinic's timezone, read at login: "today" on every screen
            is the clinic's today, whatever zone the workstation's clock is set to.
    """

    user_id: int
    login: str
    full_name: str
    role: Role
    workstation: str
    doctor_id: int | None = None
    clinic_timezone: str = DEFAULT_TIMEZONE

    def clinic_now(self) -> dt.datetime:
        """The time now in the clinic's timezone (the workstation's clock)."""
        return dt.datetime.now(ZoneInfo(self.clinic_timezone))

    def clinic_today(self) -> dt.date:
        """Today in the clinic: past midnight in Moscow it is the next day there, even
        on a workstation whose clock runs on UTC."""
        return self.clinic_now().date()
