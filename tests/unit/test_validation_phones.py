"""Telephone numbers: any way the desk types them → E.164 → the way the card shows them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.controllers.errors import ValidationError
from crm.controllers.validation import format_phone, normalize_phone

FAST = settings(max_examples=200, deadline=None)
NOT_TEN_DIGITS = "Телефон: нужно 10 цифр после +7 или 8"
NOT_RUSSIAN = "Телефон: это не российский мобильный или городской номер"

# Codes for which every seven-digit subscriber number is valid in phonenumbers' metadata:
# Moscow mobile operators, and landlines of Moscow, St Petersburg, Yekaterinburg, Samara.
CODES = (
    "903",
    "905",
    "915",
    "916",
    "925",
    "926",
    "950",
    "977",
    "985",
    "999",
    "495",
    "499",
    "812",
    "343",
    "846",
)


@st.composite
def typed_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """``(as typed, E.164)``: one number, with a prefix and separators people use."""
    code = draw(st.sampled_from(CODES))
    sub = draw(st.text("0123456789", min_size=7, max_size=7))
    prefix = draw(st.sampled_from(["+7", "8", "7", "", "+7 ", "8 ", "8-"]))
    layout = draw(
        st.sampled_from(
            [
                f"{code}{sub}",
                f"({code}) {sub[:3]}-{sub[3:5]}-{sub[5:]}",
                f"{code} {sub[:3]} {sub[3:5]} {sub[5:]}",
                f"({code}){sub[:3]}-{sub[3:]}",
                f"-{code}-{sub[:3]}-{sub[3:5]}-{sub[5:]}",
                f"{code}.{sub[:3]}.{sub[3:5]}.{sub[5:]}",
            ]
        )
    )
    padding = draw(st.sampled_from(["", " ", "\t", "\u00a0"]))
    return f"{padding}{prefix}{layout}{padding}", f"+7{code}{sub}"


@FAST
@given(typed_numbers())
def test_typed_numbers_round_trip(case: tuple[str, str]) -> None:
    typed, e164 = case
    assert normalize_phone(typed) == e164
    shown = format_phone(e164)
    assert normalize_phone(shown) == e164
    assert format_phone(normalize_phone(shown)) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "8 (916) 123-45-67",
        "+7 916 123 45 67",
        "79161234567",
        "89161234567",
        "9161234567",
        "+7(916)1234567",
        "+7 (916) 123-45-67",
    ],
)
def test_the_usual_ways_of_typing_a_mobile(typed: str) -> None:
    assert normalize_phone(typed) == "+79161234567"


def test_landlines_are_accepted() -> None:
    assert normalize_phone("8 (495) 123-45-67") == "+74951234567"
    assert normalize_phone("+7 812 123-45-67") == "+78121234567"
    assert format_phone("+74951234567") == "+7 (495) 123-45-67"


def test_format() -> None:
    assert format_phone("+79161234567") == "+7 (916) 123-45-67"


@pytest.mark.parametrize("stored", ["", "+380441234567", "+7916123456", "not a number"])
def test_format_leaves_anything_else_as_it_is(stored: str) -> None:
    assert format_phone(stored) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "123",
        "8 916 123-45",
        "8 916 123-45-678",
        "+8 916 123-45-67",
        "+380 44 123 45 67",
        "8 916 ABC-45-67",
        "8 916 123 45 67 доб. 12",
        "++79161234567",
    ],
)
def test_not_ten_digits_after_the_prefix(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone(typed)
    assert caught.value.message == NOT_TEN_DIGITS
    assert caught.value.field == "phone"


@pytest.mark.parametrize(
    "typed",
    [
        "+7 701 123-45-67",  # Kazakhstan shares +7
        "8 800 123-45-67",  # toll-free: an organisation's line
        "8 (000) 123-45-67",
        # One digit short: the 8 is read as part of the number, which does not exist.
        "8 916 123-45-6",
    ],
)
def test_not_a_russian_mobile_or_landline(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone(typed)
    assert caught.value.message == NOT_RUSSIAN
    assert caught.value.field == "phone"


@pytest.mark.parametrize("typed", ["", "   "])
def test_empty(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalize_phone(typed)
    assert caught.value.message == "Телефон: обязательное поле"


def test_the_clinic_s_phone_is_shown_as_people_write_it_and_saved_back_unchanged() -> None:
    """The Справочники clinic tab showed the stored E.164 (+74822556677) as typed text."""
    from crm.controllers.clinic.profile import ClinicProfile
    from crm.reports.paper import DEFAULT_FORMAT

    stored = ClinicProfile(
        name="Клиника", short_name="Клиника", address="", phone="+74822556677",
        ogrn=None, licence=None, timezone="Europe/Moscow", ticket_format=DEFAULT_FORMAT,
    )  # fmt: skip
    shown = stored.as_form().phone
    assert shown == "+7 (482) 255-66-77"
    assert normalize_phone(shown) == stored.phone
