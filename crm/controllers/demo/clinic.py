"""The demo clinic's fixed structure: branches, rooms, specialties, doctors and their hours.

Everything here is constant (only dates move with ``today``), so the doctors are
the same whatever the seed and :data:`crm.controllers.demo.DEMO_USERS` can point
at a doctor by index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from crm.controllers.demo.identity import make_ogrn
from crm.models.enums import AcademicDegree, ExceptionKind, QualificationCategory, Sex

Q = QualificationCategory
D = AcademicDegree

CLINIC_NAME = "Многопрофильная клиника «Здоровье+»"
CLINIC_ADDRESS = "г. Москва, ул. Профсоюзная, д. 56"
CLINIC_PHONE = "+74957401020"
TELEMEDICINE_URL = "https://telemed.zdorovie-plus.ru/room/"


@dataclass(frozen=True)
class BranchSpec:
    """A branch and its rooms (``(number, name)`` pairs)."""

    name: str
    address: str
    phone: str
    rooms: tuple[tuple[str, str], ...]


BRANCHES: tuple[BranchSpec, ...] = (
    BranchSpec(
        "Филиал на Профсоюзной",
        CLINIC_ADDRESS,
        CLINIC_PHONE,
        (
            ("101", "Кабинет терапевта"),
            ("102", "Кабинет терапевта"),
            ("103", "Кабинет кардиолога"),
            ("104", "Кабинет невролога"),
            ("105", "Кабинет эндокринолога"),
            ("106", "Кабинет офтальмолога"),
            ("107", "Кабинет хирурга"),
            ("108", "Кабинет гастроэнтеролога"),
            ("110", "Кабинет УЗИ"),
            ("112", "Процедурный кабинет"),
        ),
    ),
    BranchSpec(
        "Филиал в Марьино",
        "г. Москва, ул. Люблинская, д. 165, корп. 2",
        "+74953485566",
        (
            ("201", "Кабинет терапевта"),
            ("202", "Кабинет дежурного врача"),
            ("203", "Кабинет кардиолога"),
            ("204", "Кабинет невролога"),
            ("205", "Кабинет оториноларинголога"),
            ("206", "Кабинет функциональной диагностики"),
            ("207", "Кабинет УЗИ"),
            ("208", "Кабинет врача общей практики"),
        ),
    ),
)


@dataclass(frozen=True)
class SpecialtySpec:
    """A specialty; ``slots`` is how many 15-minute slots a visit by referral takes."""

    code: str
    name: str
    is_service: bool = False
    slots: int = 1


SPECIALTIES: tuple[SpecialtySpec, ...] = (
    SpecialtySpec("therapist", "терапевт"),
    SpecialtySpec("cardiologist", "кардиолог"),
    SpecialtySpec("neurologist", "невролог"),
    SpecialtySpec("endocrinologist", "эндокринолог"),
    SpecialtySpec("ophthalmologist", "офтальмолог"),
    SpecialtySpec("surgeon", "хирург"),
    SpecialtySpec("otolaryngologist", "оториноларинголог"),
    SpecialtySpec("gastroenterologist", "гастроэнтеролог"),
    SpecialtySpec("ultrasound", "УЗИ-специалист", is_service=True, slots=2),
    SpecialtySpec("functional_diagnostics", "функциональная диагностика", True, 2),
    SpecialtySpec("laboratory", "лаборатория", is_service=True),
    # No doctor of this specialty works here: referrals to it show the alternatives.
    SpecialtySpec("oncologist", "онколог"),
)

#: (specialty, offered instead) pairs for ``specialty_alternative``.
ALTERNATIVES: tuple[tuple[str, str], ...] = (
    ("ultrasound", "functional_diagnostics"),
    ("functional_diagnostics", "ultrasound"),
    ("oncologist", "therapist"),
)

WEEKDAYS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Shift:
    """Weekly hours: on ``weekdays`` (ISO, 1 = Monday) from ``starts`` to ``ends``."""

    weekdays: tuple[int, ...]
    starts: dt.time
    ends: dt.time
    works_on_holidays: bool = False


def _shift(weekdays: tuple[int, ...], hours: str, *, holidays: bool = False) -> Shift:
    start, end = hours.split("-")
    return Shift(weekdays, dt.time.fromisoformat(start), dt.time.fromisoformat(end), holidays)


MORNING = _shift(WEEKDAYS, "08:00-14:00")
EVENING = _shift(WEEKDAYS, "14:00-20:00")
DAY = _shift(WEEKDAYS, "09:00-17:00")
SATURDAY = _shift((6,), "09:00-13:00")


@dataclass(frozen=True)
class DoctorSpec:
    """A doctor of the demo clinic and the weekly hours."""

    last_name: str
    first_name: str
    patronymic: str
    sex: Sex
    specialty: str
    category: QualificationCategory
    degree: AcademicDegree
    licence: str
    branch: int
    room: str
    remote: bool
    shifts: tuple[Shift, ...]

    def full_name(self) -> str:
        """``Фамилия Имя Отчество``."""
        return f"{self.last_name} {self.first_name} {self.patronymic}"

    def short_name(self) -> str:
        """``Фамилия И. О.``."""
        return f"{self.last_name} {self.first_name[0]}. {self.patronymic[0]}."


F, M = Sex.FEMALE, Sex.MALE
DOCTORS: tuple[DoctorSpec, ...] = (
    DoctorSpec(
        "Смирнова",
        "Елена",
        "Викторовна",
        F,
        "therapist",
        Q.HIGHEST,
        D.CANDIDATE,
        "Л041-01137-77/00368412",
        0,
        "101",
        True,
        (MORNING,),
    ),
    DoctorSpec(
        "Кузнецов",
        "Андрей",
        "Павлович",
        M,
        "therapist",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368413",
        0,
        "102",
        True,
        (EVENING,),
    ),
    DoctorSpec(
        "Белова",
        "Ольга",
        "Николаевна",
        F,
        "therapist",
        Q.SECOND,
        D.NONE,
        "Л041-01137-77/00368414",
        1,
        "201",
        False,
        (_shift((1, 3, 5), "09:00-17:00"), SATURDAY),
    ),
    # The duty doctor also works on public holidays, as a template may say explicitly.
    DoctorSpec(
        "Орлов",
        "Игорь",
        "Сергеевич",
        M,
        "therapist",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368415",
        1,
        "202",
        False,
        (_shift((3, 4, 5, 6, 7), "09:00-15:00", holidays=True),),
    ),
    DoctorSpec(
        "Волков",
        "Дмитрий",
        "Александрович",
        M,
        "cardiologist",
        Q.HIGHEST,
        D.DOCTOR,
        "Л041-01137-77/00368416",
        0,
        "103",
        True,
        (DAY,),
    ),
    DoctorSpec(
        "Морозова",
        "Ирина",
        "Владимировна",
        F,
        "cardiologist",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368417",
        1,
        "203",
        False,
        (_shift((2, 4), "14:00-20:00"), SATURDAY),
    ),
    DoctorSpec(
        "Лебедева",
        "Наталья",
        "Сергеевна",
        F,
        "neurologist",
        Q.HIGHEST,
        D.CANDIDATE,
        "Л041-01137-77/00368418",
        0,
        "104",
        True,
        (MORNING,),
    ),
    DoctorSpec(
        "Егоров",
        "Максим",
        "Игоревич",
        M,
        "neurologist",
        Q.SECOND,
        D.NONE,
        "Л041-01137-77/00368419",
        1,
        "204",
        False,
        (_shift((1, 3, 5), "14:00-20:00"),),
    ),
    DoctorSpec(
        "Павлова",
        "Татьяна",
        "Юрьевна",
        F,
        "endocrinologist",
        Q.FIRST,
        D.CANDIDATE,
        "Л041-01137-77/00368420",
        0,
        "105",
        True,
        (_shift((1, 2, 3, 4), "09:00-17:00"),),
    ),
    DoctorSpec(
        "Козлов",
        "Сергей",
        "Николаевич",
        M,
        "ophthalmologist",
        Q.HIGHEST,
        D.NONE,
        "Л041-01137-77/00368421",
        0,
        "106",
        False,
        (MORNING,),
    ),
    DoctorSpec(
        "Степанов",
        "Алексей",
        "Викторович",
        M,
        "surgeon",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368422",
        0,
        "107",
        False,
        (EVENING,),
    ),
    DoctorSpec(
        "Никитина",
        "Светлана",
        "Андреевна",
        F,
        "otolaryngologist",
        Q.SECOND,
        D.NONE,
        "Л041-01137-77/00368423",
        1,
        "205",
        False,
        (DAY,),
    ),
    DoctorSpec(
        "Захаров",
        "Павел",
        "Евгеньевич",
        M,
        "gastroenterologist",
        Q.HIGHEST,
        D.CANDIDATE,
        "Л041-01137-77/00368424",
        0,
        "108",
        True,
        (_shift((2, 4), "09:00-17:00"), SATURDAY),
    ),
    DoctorSpec(
        "Соловьева",
        "Марина",
        "Олеговна",
        F,
        "ultrasound",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368425",
        0,
        "110",
        False,
        (MORNING,),
    ),
    DoctorSpec(
        "Борисов",
        "Виктор",
        "Андреевич",
        M,
        "functional_diagnostics",
        Q.HIGHEST,
        D.NONE,
        "Л041-01137-77/00368426",
        1,
        "206",
        False,
        (DAY,),
    ),
    DoctorSpec(
        "Яковлева",
        "Анна",
        "Михайловна",
        F,
        "laboratory",
        Q.FIRST,
        D.NONE,
        "Л041-01137-77/00368427",
        0,
        "112",
        False,
        (_shift((1, 2, 3, 4, 5, 6), "08:00-12:00"),),
    ),
    DoctorSpec(
        "Григорьев",
        "Олег",
        "Валентинович",
        M,
        "ultrasound",
        Q.SECOND,
        D.NONE,
        "Л041-01137-77/00368428",
        1,
        "207",
        False,
        (_shift((2, 4), "14:00-20:00"),),
    ),
    DoctorSpec(
        "Тимофеева",
        "Юлия",
        "Сергеевна",
        F,
        "therapist",
        Q.NONE,
        D.NONE,
        "Л041-01137-77/00368429",
        1,
        "208",
        True,
        (_shift((1, 2, 4), "08:00-14:00"),),
    ),
)

#: Index in :data:`DOCTORS` of the therapist the demo ``doctor`` user is.
THERAPIST_INDEX = 0


@dataclass(frozen=True)
class ExceptionSpec:
    """A period (local Moscow time) when a doctor does not receive patients."""

    doctor: int
    kind: ExceptionKind
    starts: dt.datetime
    ends: dt.datetime
    reason: str


def _next_weekday(day: dt.date, isoweekday: int) -> dt.date:
    ahead = (isoweekday - day.isoweekday()) % 7 or 7
    return day + dt.timedelta(days=ahead)


def _at(day: dt.date, hours: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hours))


def schedule_exceptions(today: dt.date) -> tuple[ExceptionSpec, ...]:
    """The demo's vacations, training and blocked hours, placed relative to ``today``."""
    monday = _next_weekday(today, 1)
    training_day = _next_weekday(today + dt.timedelta(days=1), 2)  # a Tuesday soon
    return (
        ExceptionSpec(
            9,
            ExceptionKind.VACATION,
            _at(monday, "00:00"),
            _at(monday + dt.timedelta(days=7), "00:00"),
            "Ежегодный оплачиваемый отпуск",
        ),
        ExceptionSpec(
            4,
            ExceptionKind.TRAINING,
            _at(training_day, "13:00"),
            _at(training_day, "17:00"),
            "Обучение: семинар «Современные подходы к лечению артериальной гипертензии»",
        ),
        ExceptionSpec(
            7,
            ExceptionKind.SICK_LEAVE,
            _at(today - dt.timedelta(days=6), "00:00"),
            _at(today - dt.timedelta(days=3), "00:00"),
            "Листок нетрудоспособности",
        ),
        ExceptionSpec(
            13,
            ExceptionKind.BLOCKED,
            _at(today + dt.timedelta(days=1), "08:00"),
            _at(today + dt.timedelta(days=1), "09:00"),
            "Плановое техническое обслуживание аппарата УЗИ",
        ),
    )


@dataclass(frozen=True)
class ServiceSpec:
    """A catalogue service; ``old_price`` (if any) was valid until three months ago."""

    code: str
    name: str
    specialty: str
    slots: int
    price: Decimal
    old_price: Decimal | None = None


def _service(
    code: str, name: str, specialty: str, slots: int, price: int, *, old: int | None = None
) -> ServiceSpec:
    return ServiceSpec(
        code, name, specialty, slots, Decimal(price), None if old is None else Decimal(old)
    )


SERVICES: tuple[ServiceSpec, ...] = (
    _service(
        "B01.047.001",
        "Прием (осмотр, консультация) врача-терапевта первичный",
        "therapist",
        1,
        1900,
        old=1750,
    ),
    _service(
        "B01.047.002",
        "Прием (осмотр, консультация) врача-терапевта повторный",
        "therapist",
        1,
        1600,
    ),
    _service(
        "B01.015.001",
        "Прием (осмотр, консультация) врача-кардиолога первичный",
        "cardiologist",
        2,
        2900,
        old=2700,
    ),
    _service(
        "B01.023.001",
        "Прием (осмотр, консультация) врача-невролога первичный",
        "neurologist",
        1,
        2600,
    ),
    _service(
        "B01.058.001",
        "Прием (осмотр, консультация) врача-эндокринолога первичный",
        "endocrinologist",
        1,
        2600,
    ),
    _service(
        "B01.029.001",
        "Прием (осмотр, консультация) врача-офтальмолога первичный",
        "ophthalmologist",
        1,
        2400,
    ),
    _service(
        "B01.057.001", "Прием (осмотр, консультация) врача-хирурга первичный", "surgeon", 1, 2300
    ),
    _service(
        "B01.028.001",
        "Прием (осмотр, консультация) врача-оториноларинголога первичный",
        "otolaryngologist",
        1,
        2400,
    ),
    _service(
        "B01.004.001",
        "Прием (осмотр, консультация) врача-гастроэнтеролога первичный",
        "gastroenterologist",
        1,
        2700,
        old=2500,
    ),
    _service(
        "A04.16.001",
        "Ультразвуковое исследование органов брюшной полости (комплексное)",
        "ultrasound",
        2,
        3200,
        old=2900,
    ),
    _service("A04.22.001", "Ультразвуковое исследование щитовидной железы", "ultrasound", 1, 1900),
    _service("A05.10.006", "Регистрация электрокардиограммы", "functional_diagnostics", 1, 900),
    _service(
        "A05.10.008",
        "Холтеровское мониторирование сердечного ритма",
        "functional_diagnostics",
        2,
        4500,
    ),
    _service("B03.016.003", "Общий (клинический) анализ крови развернутый", "laboratory", 1, 650),
    _service(
        "B03.016.004",
        "Анализ крови биохимический общетерапевтический",
        "laboratory",
        1,
        2100,
        old=1900,
    ),
)

INSURERS: tuple[tuple[str, str], ...] = (
    ("АО «СОГАЗ-Мед»", "77008"),
    ("ООО «Капитал МС»", "77011"),
    ("АО «МАКС-М»", "77013"),
)

#: Moscow polyclinics that issue referrals: (name as on the document, ОГРН, address).
ISSUING_ORGANISATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "ГБУЗ «Городская поликлиника № 2 ДЗМ»",
        make_ogrn("102773941625"),
        "г. Москва, ул. Фотиевой, д. 12",
    ),
    (
        "ГБУЗ «Городская поликлиника № 22 ДЗМ»",
        make_ogrn("103770028117"),
        "г. Москва, ул. Кравченко, д. 14",
    ),
    (
        "ГБУЗ «Городская поликлиника № 134 ДЗМ»",
        make_ogrn("102772302954"),
        "г. Москва, ул. Севанская, д. 54",
    ),
    (
        "ГБУЗ «Городская поликлиника № 195 ДЗМ»",
        make_ogrn("103773108430"),
        "г. Москва, ул. Скульптора Мухиной, д. 14",
    ),
    (
        "ГБУЗ «Диагностический центр № 5 ДЗМ»",
        make_ogrn("102770408761"),
        "г. Москва, Миусская пл., д. 1",
    ),
    (
        "ГБУЗ «Детская городская поликлиника № 58 ДЗМ»",
        make_ogrn("102772361329"),
        "г. Москва, ул. Братиславская, д. 6",
    ),
)
