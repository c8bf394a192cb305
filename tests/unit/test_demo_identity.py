"""The demo's generators: valid document numbers, names agreeing by sex, determinism.

No database and no Qt: these are pure functions of a random generator.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re

import pytest
from stdnum import luhn
from stdnum.ru import ogrn

from crm.controllers.demo.appointments import Timeline, plan_appointments
from crm.controllers.demo.clinic import DOCTORS, ISSUING_ORGANISATIONS, schedule_exceptions
from crm.controllers.demo.identity import (
    PASSPORTS_SINCE,
    UniqueNumbers,
    add_years,
    format_snils,
    is_valid_snils,
    make_enp,
    make_ogrn,
    make_snils,
    passport_issue_date,
    snils_check_number,
)
from crm.controllers.demo.names import (
    FEMALE_FIRST_NAMES,
    MALE_FIRST_NAMES,
    SURNAMES,
    patronymic_for,
    random_name,
    surname_for,
)
from crm.controllers.demo.people import generate_patients
from crm.controllers.demo.schedule import MOSCOW, russian_holidays
from crm.models.enums import AppointmentStatus, Sex

TODAY = dt.date(2026, 11, 5)
CYRILLIC_WORD = re.compile(r"[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?")


def reference_snils_check(first_nine: str) -> int:
    """DOMAIN.md's rule, written out independently of the code under test."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(9, 0, -1), strict=True))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    return 0 if total % 101 == 100 else total % 101


def nine_digits_with_sum(target: int) -> str:
    """Nine digits whose weighted sum is ``target`` (greedy: biggest weights first)."""
    digits, rest = [], target
    for weight in range(9, 0, -1):
        digit = min(9, rest // weight)
        digits.append(str(digit))
        rest -= digit * weight
    assert rest == 0
    return "".join(digits)


def test_snils_example_from_the_domain_rules() -> None:
    assert snils_check_number("112233445") == "95"
    assert is_valid_snils("11223344595")
    assert make_snils(112233445) == "11223344595"
    assert format_snils("11223344595") == "112-233-445 95"


@pytest.mark.parametrize("total", [99, 100, 101, 102, 150, 201, 302])
def test_snils_check_number_edge_sums(total: int) -> None:
    nine = nine_digits_with_sum(total)
    assert int(snils_check_number(nine)) == reference_snils_check(nine)
    if total in (100, 101, 201):  # 201 mod 101 == 100 → 00 as well
        assert snils_check_number(nine) == "00"


def test_snils_rejects_a_wrong_check_and_bad_format() -> None:
    assert not is_valid_snils("11223344596")
    assert not is_valid_snils("1122334459")
    assert not is_valid_snils("112-233-445 95")
    assert is_valid_snils("00100199800")  # numbers up to 001-001-998 are not checked


def test_generated_snils_all_pass_the_independent_check() -> None:
    numbers = UniqueNumbers(random.Random(3), 1_001_999, 1_000_000_000)
    for k in range(5000):
        snils = make_snils(numbers(k))
        assert len(snils) == 11 and int(snils[:9]) > 1_001_998
        assert int(snils[9:]) == reference_snils_check(snils[:9])


def test_unique_numbers_never_repeat() -> None:
    numbers = UniqueNumbers(random.Random(1), 100_000, 1_000_000)
    drawn = [numbers(k) for k in range(20_000)]
    assert len(set(drawn)) == len(drawn)
    assert all(100_000 <= n < 1_000_000 for n in drawn)
    with pytest.raises(ValueError):
        numbers(900_000)


def test_unified_policy_number_has_a_luhn_check_digit() -> None:
    enp = make_enp("775212345678901")
    assert len(enp) == 16 and luhn.is_valid(enp)
    assert not luhn.is_valid(enp[:-1] + str((int(enp[-1]) + 1) % 10))


def test_ogrn() -> None:
    assert make_ogrn("102770013219") == "1027700132195"  # a real ОГРН
    for _name, number, _address in ISSUING_ORGANISATIONS:
        assert ogrn.is_valid(number)
    assert len({number for _, number, _ in ISSUING_ORGANISATIONS}) == len(ISSUING_ORGANISATIONS)


def test_name_lists_are_large_and_cyrillic() -> None:
    assert len(set(SURNAMES)) == len(SURNAMES) >= 150
    assert len(set(MALE_FIRST_NAMES)) == len(MALE_FIRST_NAMES) >= 80
    assert len(set(FEMALE_FIRST_NAMES)) == len(FEMALE_FIRST_NAMES) >= 80
    for name in (*SURNAMES, *MALE_FIRST_NAMES, *FEMALE_FIRST_NAMES):
        assert CYRILLIC_WORD.fullmatch(name), name


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [
        ("Иванов", "Иванова"),
        ("Соловьев", "Соловьева"),
        ("Ильин", "Ильина"),
        ("Вишневский", "Вишневская"),
        ("Троицкий", "Троицкая"),
        ("Толстой", "Толстая"),
        ("Шевченко", "Шевченко"),
        ("Черных", "Черных"),
        ("Ковальчук", "Ковальчук"),
    ],
)
def test_surnames_agree_by_sex(masculine: str, feminine: str) -> None:
    assert surname_for(masculine, Sex.MALE) == masculine
    assert surname_for(masculine, Sex.FEMALE) == feminine


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Иван", "Иванович", "Ивановна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Дмитрий", "Дмитриевич", "Дмитриевна"),
        ("Георгий", "Георгиевич", "Георгиевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Илья", "Ильич", "Ильинична"),
        ("Никита", "Никитич", "Никитична"),
        ("Лев", "Львович", "Львовна"),
        ("Павел", "Павлович", "Павловна"),
        ("Михаил", "Михайлович", "Михайловна"),
    ],
)
def test_patronymics(father: str, son: str, daughter: str) -> None:
    assert patronymic_for(father, Sex.MALE) == son
    assert patronymic_for(father, Sex.FEMALE) == daughter


def test_every_male_name_gives_a_patronymic() -> None:
    for name in MALE_FIRST_NAMES:
        assert patronymic_for(name, Sex.MALE).endswith(("вич", "ич"))
        assert patronymic_for(name, Sex.FEMALE).endswith(("вна", "чна"))


def test_random_names_agree_by_sex() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        name = random_name(rng, sex)
        if sex is Sex.MALE:
            assert name.first_name in MALE_FIRST_NAMES and name.last_name in SURNAMES
            assert name.patronymic.endswith("ич")
        else:
            assert name.first_name in FEMALE_FIRST_NAMES
            assert name.patronymic.endswith("на")
            assert not name.last_name.endswith(("ов", "ев", "ин", "ский", "цкий"))


def test_demo_doctors_names_agree_by_sex() -> None:
    for doctor in DOCTORS:
        female = doctor.sex is Sex.FEMALE
        assert doctor.patronymic.endswith("на" if female else "ич")
        assert doctor.first_name in (FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)
        masculine = doctor.last_name[:-1] if female else doctor.last_name
        assert surname_for(masculine, doctor.sex) == doctor.last_name


def test_passport_issue_dates_follow_the_rules() -> None:
    rng = random.Random(4)
    for _ in range(5000):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 34_000))
        if birth > TODAY:
            continue
        issued = passport_issue_date(rng, birth, TODAY, stale=rng.random() < 0.1)
        if add_years(birth, 14) > TODAY:
            assert issued is None
            continue
        assert issued is not None
        assert PASSPORTS_SINCE <= issued <= TODAY
        assert issued >= add_years(birth, 14)


def test_patients_are_deterministic_for_a_seed_and_a_day() -> None:
    first = generate_patients(random.Random(7), 200, TODAY)
    again = generate_patients(random.Random(7), 200, TODAY)
    other = generate_patients(random.Random(8), 200, TODAY)
    assert first == again
    assert first != other
    assert len({p.snils for p in first if p.snils}) == sum(1 for p in first if p.snils)
    assert len(
        {p.policy_number for p in first if p.policy_kind and p.policy_kind.value == "unified"}
    ) == sum(1 for p in first if p.policy_kind and p.policy_kind.value == "unified")


def test_generated_patients_have_valid_documents() -> None:
    for patient in generate_patients(random.Random(9), 500, TODAY):
        assert patient.name.sex in (Sex.MALE, Sex.FEMALE)
        assert dt.date(1930, 1, 1) <= patient.birth_date <= TODAY
        assert re.fullmatch(r"\+79\d{9}", patient.phone)
        if patient.snils:
            assert is_valid_snils(patient.snils)
        if patient.policy_kind and patient.policy_kind.value == "unified":
            assert patient.policy_number and luhn.is_valid(patient.policy_number)
        if patient.passport:
            assert patient.passport.issued_on >= add_years(patient.birth_date, 14)
            assert re.fullmatch(r"\d{3}-\d{3}", patient.passport.subdivision)


def test_appointment_plan_is_deterministic_and_never_overlaps() -> None:
    now = dt.datetime.combine(TODAY, dt.time(12), MOSCOW)
    timeline = Timeline(TODAY, now, russian_holidays(TODAY), schedule_exceptions(TODAY))
    insured = [i % 10 != 0 for i in range(400)]
    plan = plan_appointments(random.Random(2), insured, timeline, 800)
    assert plan == plan_appointments(random.Random(2), insured, timeline, 800)
    holding = [
        a
        for a in plan
        if a.status not in (AppointmentStatus.CANCELLED, AppointmentStatus.RESCHEDULED)
    ]
    for key in ("doctor", "patient"):
        by_owner: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        for a in holding:
            by_owner.setdefault(getattr(a, key), []).append((a.starts, a.ends))
        for periods in by_owner.values():
            periods.sort()
            assert all(end <= start for (_, end), (start, _) in itertools.pairwise(periods))
    assert all(insured[a.patient] for a in plan if a.kind.value == "referral")
