"""Russian names for the demo clinic: surnames, first names and patronymics that agree by sex.

Surnames are listed in their masculine form; :func:`surname_for` derives the feminine
one (Иванов → Иванова, Вишневский → Вишневская), leaving indeclinable surnames
(Шевченко, Черных, Ковальчук) as they are. Patronymics are derived from masculine
first names by the usual rules with a table of the irregular ones (Илья → Ильич,
Ильинична). The letter ё is left out on purpose: registrars type е, and documents
issued over the years spell the same name both ways.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crm.models.enums import Sex

SURNAMES: tuple[str, ...] = (
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Федоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семенов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьев",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьев",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королев",
    "Гусев",
    "Киселев",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалев",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышев",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарев",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлев",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачев",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Еремин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронцов",
    "Аксенов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Демин",
    "Хохлов",
    "Жданов",
    "Рябов",
    "Мухин",
    "Гордеев",
    "Сазонов",
    "Кононов",
    "Лаптев",
    "Третьяков",
    "Зимин",
    "Блохин",
    "Шубин",
    "Лапин",
    "Шилов",
    "Вишневский",
    "Островский",
    "Покровский",
    "Успенский",
    "Добровольский",
    "Троицкий",
    "Белецкий",
    "Высоцкий",
    "Толстой",
    "Луговой",
    "Боровой",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Коваленко",
    "Черных",
    "Седых",
    "Долгих",
    "Ковальчук",
    "Мельничук",
)

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Александр",
    "Алексей",
    "Анатолий",
    "Андрей",
    "Антон",
    "Аркадий",
    "Арсений",
    "Артем",
    "Артур",
    "Афанасий",
    "Богдан",
    "Борис",
    "Вадим",
    "Валентин",
    "Валерий",
    "Василий",
    "Вениамин",
    "Виктор",
    "Виталий",
    "Владимир",
    "Владислав",
    "Всеволод",
    "Вячеслав",
    "Геннадий",
    "Георгий",
    "Герман",
    "Глеб",
    "Григорий",
    "Давид",
    "Даниил",
    "Демид",
    "Денис",
    "Дмитрий",
    "Евгений",
    "Егор",
    "Елисей",
    "Емельян",
    "Захар",
    "Иван",
    "Игнат",
    "Игорь",
    "Илья",
    "Кирилл",
    "Константин",
    "Лев",
    "Леонид",
    "Макар",
    "Максим",
    "Марат",
    "Марк",
    "Матвей",
    "Мирон",
    "Михаил",
    "Назар",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Петр",
    "Платон",
    "Прохор",
    "Родион",
    "Роман",
    "Ростислав",
    "Руслан",
    "Савелий",
    "Святослав",
    "Семен",
    "Сергей",
    "Станислав",
    "Степан",
    "Тимофей",
    "Тимур",
    "Тихон",
    "Федор",
    "Филипп",
    "Эдуард",
    "Юрий",
    "Яков",
    "Ярослав",
    "Эмиль",
    "Рафаэль",
)

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Агата",
    "Агния",
    "Алевтина",
    "Александра",
    "Алена",
    "Алина",
    "Алиса",
    "Алла",
    "Анастасия",
    "Ангелина",
    "Анна",
    "Антонина",
    "Арина",
    "Валентина",
    "Валерия",
    "Варвара",
    "Василиса",
    "Вера",
    "Вероника",
    "Виктория",
    "Влада",
    "Владислава",
    "Галина",
    "Дарья",
    "Диана",
    "Дина",
    "Ева",
    "Евгения",
    "Екатерина",
    "Елена",
    "Елизавета",
    "Есения",
    "Жанна",
    "Зарина",
    "Зинаида",
    "Злата",
    "Зоя",
    "Изабелла",
    "Инга",
    "Инна",
    "Ирина",
    "Карина",
    "Кира",
    "Клавдия",
    "Кристина",
    "Ксения",
    "Лариса",
    "Лиана",
    "Лидия",
    "Лилия",
    "Любовь",
    "Людмила",
    "Майя",
    "Маргарита",
    "Марина",
    "Мария",
    "Милана",
    "Мирослава",
    "Надежда",
    "Наталья",
    "Нелли",
    "Ника",
    "Нина",
    "Нонна",
    "Оксана",
    "Олеся",
    "Ольга",
    "Полина",
    "Раиса",
    "Регина",
    "Римма",
    "Роза",
    "Светлана",
    "Снежана",
    "София",
    "Стефания",
    "Таисия",
    "Тамара",
    "Татьяна",
    "Ульяна",
    "Фаина",
    "Эвелина",
    "Элина",
    "Эльвира",
    "Эмилия",
    "Эмма",
    "Юлиана",
    "Юлия",
    "Яна",
    "Ярослава",
)

#: Patronymics that the rules in :func:`patronymic_for` would get wrong: (male, female).
IRREGULAR_PATRONYMICS: dict[str, tuple[str, str]] = {
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Лев": ("Львович", "Львовна"),
    "Павел": ("Павлович", "Павловна"),
    "Петр": ("Петрович", "Петровна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Яков": ("Яковлевич", "Яковлевна"),
    "Эмиль": ("Эмильевич", "Эмильевна"),
}

_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_INDECLINABLE_ENDINGS = ("ых", "их", "ко", "ук", "юк", "аго", "яго")


@dataclass(frozen=True)
class FullName:
    """A person's ФИО.

    Attributes:
        last_name: фамилия, in the form agreeing with ``sex``.
        first_name: имя.
        patronymic: отчество, agreeing with ``sex``.
        sex: the person's sex.
    """

    last_name: str
    first_name: str
    patronymic: str
    sex: Sex

    def short(self) -> str:
        """``Фамилия И. О.`` as printed on referrals and tickets."""
        return f"{self.last_name} {self.first_name[0]}. {self.patronymic[0]}."

    def full(self) -> str:
        """``Фамилия Имя Отчество``."""
        return f"{self.last_name} {self.first_name} {self.patronymic}"


def surname_for(masculine: str, sex: Sex) -> str:
    """The surname ``masculine`` in the form for ``sex`` (Иванов → Иванова for women)."""
    if sex is Sex.MALE or masculine.endswith(_INDECLINABLE_ENDINGS):
        return masculine
    if masculine.endswith(("ов", "ев", "ин", "ын")):
        return masculine + "а"
    if masculine.endswith(("ский", "цкий", "ой", "ый")):
        return masculine[:-2] + "ая"
    return masculine


def patronymic_for(father: str, sex: Sex) -> str:
    """The patronymic derived from the father's first name ``father`` for a child of ``sex``.

    Raises:
        ValueError: ``father`` ends in a way the rules do not cover (a feminine-looking
            name not listed among the irregular ones).
    """
    male, female = _patronymic_pair(father)
    return male if sex is Sex.MALE else female


def _patronymic_pair(father: str) -> tuple[str, str]:
    if father in IRREGULAR_PATRONYMICS:
        return IRREGULAR_PATRONYMICS[father]
    if father.endswith("ий"):
        # After two consonants the и stays (Дмитрий → Дмитриевич, Георгий → Георгиевич);
        # after a vowel and one consonant it becomes ь (Юрий → Юрьевич).
        stem = father[:-2]
        if len(stem) >= 2 and stem[-2] not in _VOWELS:
            return stem + "иевич", stem + "иевна"
        return stem + "ьевич", stem + "ьевна"
    if father.endswith(("ей", "ай")):
        stem = father[:-1]
        return stem + "евич", stem + "евна"
    if father.endswith("ь"):
        stem = father[:-1]
        return stem + "евич", stem + "евна"
    if father[-1] in _VOWELS:
        raise ValueError(f"no patronymic rule for {father!r}")
    return father + "ович", father + "овна"


def random_name(rng: random.Random, sex: Sex) -> FullName:
    """A random ФИО for a person of ``sex``, drawn with ``rng``."""
    last = surname_for(rng.choice(SURNAMES), sex)
    first = rng.choice(MALE_FIRST_NAMES if sex is Sex.MALE else FEMALE_FIRST_NAMES)
    return FullName(last, first, patronymic_for(rng.choice(MALE_FIRST_NAMES), sex), sex)
