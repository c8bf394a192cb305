"""The fields of the clinic's details, shared by the setup wizard and the «Clinic» tab."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from crm.controllers.clinic import profile
from crm.controllers.clinic.profile import ClinicProfile, ProfileForm
from crm.controllers.vocabulary import ticket_format_title
from crm.reports.paper import TicketFormat
from crm.views.directories.fields import FieldForm, FieldSpec


def profile_form() -> FieldForm:
    """An empty form of the clinic's details with its drop-downs filled."""
    hints = {
        "name": QCoreApplication.translate("ProfileForm", "as on the licence"),
        "ogrn": QCoreApplication.translate("ProfileForm", "13 digits"),
        "phone": "+7 …",
    }
    choices = {"timezone", "ticket_format"}
    form = FieldForm(
        [
            FieldSpec(
                field,
                profile.field_title(field),
                "choice" if field in choices else "text",
                placeholder=hints.get(field, ""),
            )
            for field in profile.FIELDS
        ]
    )
    form.set_choices(
        {
            "timezone": list(profile.timezones()),
            "ticket_format": [ticket_format_title(fmt) for fmt in TicketFormat],
        }
    )
    show(form, None)
    return form


def show(form: FieldForm, stored: ClinicProfile | None) -> None:
    """Fill ``form`` with ``stored`` (the defaults when the clinic has none yet)."""
    values = (stored.as_form() if stored is not None else ProfileForm()).__dict__.copy()
    values["ticket_format"] = ticket_format_title(TicketFormat(values["ticket_format"]))
    form.set_values(values)


def typed(form: FieldForm) -> ProfileForm:
    """The form's fields as the controller takes them."""
    values = form.values()
    return ProfileForm(**{field: values.get(field, "") for field in profile.FIELDS})


def typed_of(stored: ClinicProfile) -> ProfileForm:
    """``stored`` as :func:`typed` reads it back from a form showing it."""
    values = stored.as_form().__dict__.copy()
    values["ticket_format"] = ticket_format_title(stored.ticket_format)
    return ProfileForm(**values)
