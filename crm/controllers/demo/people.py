"""Demo patients: plans drawn from the seed, and their rows for COPY with encrypted documents.

Generation is a pure function of the random generator and ``today`` (the tests
check that), and encryption happens only when rows are produced for the database,
so the same plan can be loaded under any key.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from crm.controllers.demo.clinic import INSURERS
from crm.controllers.demo.identity import (
    SNILS_UNCHECKED_MAX,
    Passport,
    UniqueNumbers,
    add_years,
    birth_certificate_number,
    make_enp,
    make_passport,
    make_snils,
    mobile_phone,
    passport_issue_date,
)
from crm.controllers.demo.names import FullName, random_name
from crm.crypto import KeyRing
from crm.models.enums import ConsentKind, OtherDocumentKind, PolicyKind, Sex

MAX_PATIENTS = 2_000_000
#: Passport numbers are drawn without repetition from the six-digit numbers; past that
#: many passports, further patients get none (a card may lack documents anyway).
PASSPORT_NUMBERS = (1, 1_000_000)
STREETS = (
    "ул. Профсоюзная",
    "ул. Люблинская",
    "Ленинский пр-т",
    "ул. Вавилова",
    "ул. Гарибальди",
    "ул. Марьинский Парк",
    "Волгоградский пр-т",
    "ул. Новочеремушкинская",
    "ул. Братиславская",
    "ул. Академика Янгеля",
    "Севастопольский пр-т",
    "ул. Донская",
    "ул. Генерала Белова",
    "Каширское ш.",
    "ул. Перерва",
    "ул. Шипиловская",
    "ул. Кравченко",
    "ул. Обручева",
)
EMAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru")
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        (
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ),
        strict=True,
    )
)
#: Share of people in each age band: children, young adults, middle-aged, elderly.
AGE_BANDS = ((0, 17, 14), (18, 39, 30), (40, 64, 34), (65, 94, 22))
OLDEST_BIRTH_YEAR, NEWEST_BIRTH_YEAR = 1930, 2024


@dataclass(frozen=True)
class PatientPlan:
    """A demo patient's card before encryption. ``insurer`` is an index into ``INSURERS``."""

    name: FullName
    birth_date: dt.date
    phone: str
    email: str | None
    address: str | None
    snils: str | None
    passport: Passport | None
    birth_certificate: str | None
    policy_kind: PolicyKind | None
    policy_series: str | None
    policy_number: str | None
    policy_ends_on: dt.date | None
    insurer: int | None
    registered_on: dt.date
    sms_consent: bool
    email_consent: bool
    sms_revoked_on: dt.date | None

    def is_minor(self, today: dt.date) -> bool:
        """Under 18 on ``today``."""
        return add_years(self.birth_date, 18) > today

    def is_insured(self, today: dt.date) -> bool:
        """Has an ОМС policy valid through the demo's fortnight (may be booked by referral)."""
        if self.policy_kind is None:
            return False
        return self.policy_ends_on is None or self.policy_ends_on > today + dt.timedelta(days=8)


def transliterate(text: str) -> str:
    """Latin letters for a Russian word, for e-mail addresses."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def _birth_date(rng: random.Random, today: dt.date) -> dt.date:
    low, high, _ = rng.choices(AGE_BANDS, [band[2] for band in AGE_BANDS])[0]
    year = min(max(today.year - rng.randint(low, high), OLDEST_BIRTH_YEAR), NEWEST_BIRTH_YEAR)
    day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    return min(day, today - dt.timedelta(days=30))


def _policy(
    rng: random.Random, enp: UniqueNumbers, k: int, today: dt.date
) -> tuple[PolicyKind, str | None, str, dt.date | None]:
    roll = rng.random()
    if roll < 0.85:
        return PolicyKind.UNIFIED, None, make_enp(f"77{enp(k):013d}"), None
    if roll < 0.94:
        series, number = f"77{rng.randint(0, 99):02d}", f"{rng.randint(0, 10**10 - 1):010d}"
        return PolicyKind.OLD, series, number, None
    # A temporary certificate lasts until the policy is made; a few ran out already.
    days = rng.randint(5, 45) if rng.random() < 0.8 else -rng.randint(1, 20)
    return (
        PolicyKind.TEMPORARY,
        None,
        f"{rng.randint(0, 10**9 - 1):09d}",
        today + dt.timedelta(days=days),
    )


def generate_patients(rng: random.Random, count: int, today: dt.date) -> list[PatientPlan]:
    """``count`` patients with realistic names and valid, unique identity numbers.

    Args:
        rng: the demo's random generator (the only source of randomness).
        count: how many patients, at most :data:`MAX_PATIENTS`.
        today: no one is born or gets a document after it.

    Raises:
        ValueError: ``count`` is negative or above :data:`MAX_PATIENTS`.
    """
    if not 0 <= count <= MAX_PATIENTS:
        raise ValueError(f"patients must be between 0 and {MAX_PATIENTS}, got {count}")
    snils_numbers = UniqueNumbers(rng, SNILS_UNCHECKED_MAX + 1, 1_000_000_000)
    enp_numbers = UniqueNumbers(rng, 0, 10**13)
    passport_numbers = UniqueNumbers(rng, *PASSPORT_NUMBERS)
    passports_issued = 0
    subscribers = UniqueNumbers(rng, 0, 10**7)
    patients = []
    for k in range(count):
        sex = Sex.MALE if rng.random() < 0.46 else Sex.FEMALE
        name = random_name(rng, sex)
        birth = _birth_date(rng, today)
        # A card made over the phone has no documents yet (added at the first visit).
        minimal = rng.random() < 0.03
        issued_on = (
            None if minimal else passport_issue_date(rng, birth, today, stale=rng.random() < 0.02)
        )
        if passports_issued >= PASSPORT_NUMBERS[1] - PASSPORT_NUMBERS[0]:
            issued_on = None
        passport = None
        if issued_on is not None:
            passport = make_passport(rng, passport_numbers(passports_issued), issued_on)
            passports_issued += 1
        adult = add_years(birth, 14) <= today
        email = None
        if adult and rng.random() < 0.4:
            email = (
                f"{transliterate(name.last_name)}.{transliterate(name.first_name)[0]}"
                f"{birth.year % 100:02d}@{rng.choice(EMAIL_DOMAINS)}"
            )
        policy: tuple[PolicyKind | None, str | None, str | None, dt.date | None]
        policy = (None, None, None, None) if minimal else _policy(rng, enp_numbers, k, today)
        registered = max(birth, today - dt.timedelta(days=rng.randint(0, 3650)))
        sms = rng.random() < 0.7
        patients.append(
            PatientPlan(
                name=name,
                birth_date=birth,
                phone=mobile_phone(rng, subscribers(k)),
                email=email,
                address=None
                if minimal
                else (
                    f"г. Москва, {rng.choice(STREETS)}, д. {rng.randint(1, 120)}, "
                    f"кв. {rng.randint(1, 300)}"
                ),
                snils=None if minimal or rng.random() < 0.04 else make_snils(snils_numbers(k)),
                passport=passport,
                birth_certificate=None if adult or minimal else birth_certificate_number(rng),
                policy_kind=policy[0],
                policy_series=policy[1],
                policy_number=policy[2],
                policy_ends_on=policy[3],
                insurer=None if policy[0] is None else rng.randrange(len(INSURERS)),
                registered_on=registered,
                sms_consent=sms,
                email_consent=email is not None and rng.random() < 0.6,
                sms_revoked_on=min(registered + dt.timedelta(days=rng.randint(1, 365)), today)
                if sms and rng.random() < 0.03
                else None,
            )
        )
    return patients


PATIENT_COLUMNS = (
    "id",
    "last_name",
    "first_name",
    "patronymic",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "snils_enc",
    "snils_hash",
    "snils_tail",
    "passport_enc",
    "passport_hash",
    "passport_tail",
    "other_document_kind",
    "other_document_enc",
    "policy_kind",
    "policy_series",
    "policy_number",
    "policy_ends_on",
    "insurer_id",
    "bonus_balance",
    "created_at",
    "updated_at",
)
CONSENT_COLUMNS = ("patient_id", "kind", "given_on", "revoked_on")


def patient_rows(
    plans: Sequence[PatientPlan],
    ids: Sequence[int],
    keyring: KeyRing,
    insurer_ids: Sequence[int],
    bonus: Mapping[int, int],
) -> Iterator[tuple[object, ...]]:
    """Rows for ``COPY patient (PATIENT_COLUMNS)``; identity documents are encrypted here.

    ``bonus`` maps a patient's id to the bonus-point balance.
    """
    for plan, patient_id in zip(plans, ids, strict=True):
        snils_enc = snils_hash = snils_tail = None
        if plan.snils:
            snils_enc = keyring.encrypt(plan.snils, "snils")
            snils_hash = keyring.lookup_hash(plan.snils, "snils")
            snils_tail = plan.snils[-5:]
        passport_enc = passport_hash = passport_tail = None
        if plan.passport:
            document = json.dumps(plan.passport.as_json(), ensure_ascii=False)
            passport_enc = keyring.encrypt(document, "passport")
            passport_hash = keyring.lookup_hash(
                plan.passport.series + plan.passport.number, "passport"
            )
            passport_tail = plan.passport.number[-4:]
        other_kind = other_enc = None
        if plan.birth_certificate:
            other_kind = OtherDocumentKind.BIRTH_CERTIFICATE.value
            other_enc = keyring.encrypt(plan.birth_certificate, "other_document")
        registered = dt.datetime.combine(plan.registered_on, dt.time(9, 0), dt.UTC)
        yield (
            patient_id,
            plan.name.last_name,
            plan.name.first_name,
            plan.name.patronymic,
            plan.birth_date,
            plan.name.sex.value,
            plan.phone,
            plan.email,
            plan.address,
            snils_enc,
            snils_hash,
            snils_tail,
            passport_enc,
            passport_hash,
            passport_tail,
            other_kind,
            other_enc,
            None if plan.policy_kind is None else plan.policy_kind.value,
            plan.policy_series,
            plan.policy_number,
            plan.policy_ends_on,
            None if plan.insurer is None else insurer_ids[plan.insurer],
            bonus.get(patient_id, 0),
            registered,
            registered,
        )


def consent_rows(plans: Sequence[PatientPlan], ids: Sequence[int]) -> Iterator[tuple[object, ...]]:
    """Rows for ``COPY patient_consent (CONSENT_COLUMNS)``: personal data for all, SMS, e-mail."""
    for plan, patient_id in zip(plans, ids, strict=True):
        yield patient_id, ConsentKind.PERSONAL_DATA.value, plan.registered_on, None
        if plan.sms_consent:
            yield patient_id, ConsentKind.SMS.value, plan.registered_on, plan.sms_revoked_on
        if plan.email_consent:
            yield patient_id, ConsentKind.EMAIL.value, plan.registered_on, None
