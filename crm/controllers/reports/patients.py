"""Patients: new cards by day or month, and their age and sex structure.

Cards created in the period count as new. Age is in whole years on the last day of
the period. Days are listed for periods up to 31 days, months for longer ones.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.controllers.reports.common import (
    BuildContext,
    ReportParams,
    describe_params,
    local_date,
    period_bounds,
)
from crm.i18n import translate
from crm.models import Patient
from crm.models.enums import Sex
from crm.reports.excel.model import Column, Kind, ReportDocument, Table, Total

#: Lower bounds of the age groups (years); the last group is open-ended.
AGE_GROUPS = (0, 18, 30, 45, 60, 75)
DAYS_LISTED_UP_TO = 31


def title() -> str:
    return translate("reports", "Patients")


def description() -> str:
    return translate("reports", "New cards by period, age and sex structure")


def age(birth: dt.date, on: dt.date) -> int:
    """Whole years of age on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_group(years: int) -> int:
    """The index in :data:`AGE_GROUPS` of the group ``years`` falls into."""
    found = 0
    for index, bound in enumerate(AGE_GROUPS):
        if years >= bound:
            found = index
    return found


def age_group_title(index: int) -> str:
    """``0–17``, …, ``75 and older``."""
    low = AGE_GROUPS[index]
    if index + 1 < len(AGE_GROUPS):
        return f"{low}–{AGE_GROUPS[index + 1] - 1}"
    return translate("reports", "{age} and older").format(age=low)


@dataclass(frozen=True)
class NewCard:
    created_on: dt.date
    birth_date: dt.date
    sex: Sex | None


def new_cards(session: Session, params: ReportParams, context: BuildContext) -> list[NewCard]:
    """Cards created in the period."""
    starts, ends = period_bounds(params, context.tz)
    return [
        NewCard(day, birth, sex)
        for day, birth, sex in session.execute(
            sa.select(local_date(Patient.created_at, context.tz_name), Patient.birth_date,
                      Patient.sex)
            .where(Patient.created_at >= starts, Patient.created_at < ends)
            .order_by(Patient.created_at)
        )
    ]  # fmt: skip


def build(session: Session, params: ReportParams, context: BuildContext) -> ReportDocument:
    """New cards per day or month, and age group × sex."""
    cards = new_cards(session, params, context)
    by_day = (params.date_to - params.date_from).days < DAYS_LISTED_UP_TO
    periods: Counter[dt.date] = Counter(
        c.created_on if by_day else c.created_on.replace(day=1) for c in cards
    )
    structure: dict[int, Counter[Sex | None]] = {}
    for card in cards:
        group = age_group(age(card.birth_date, params.date_to))
        structure.setdefault(group, Counter())[card.sex] += 1
    empty = translate("reports", "No new cards in this period")
    period_column = (
        Column("day", translate("reports", "Date"), Kind.DATE, Total.LABEL)
        if by_day
        else Column("month", translate("reports", "Month"), Kind.TEXT, Total.LABEL)
    )
    tables = [
        Table(
            translate("reports", "New cards"),
            [
                period_column,
                Column("cards", translate("reports", "New cards"), Kind.INTEGER, Total.SUM),
            ],
            [[day if by_day else day.strftime("%m.%Y"), n] for day, n in sorted(periods.items())],
            empty_message=empty,
        ),
        Table(
            translate("reports", "Age and sex"),
            [
                Column("age", translate("reports", "Age, years"), total=Total.LABEL, width=16),
                Column("male", translate("reports", "Men"), Kind.INTEGER, Total.SUM),
                Column("female", translate("reports", "Women"), Kind.INTEGER, Total.SUM),
                Column("unknown", translate("reports", "Sex not stated"), Kind.INTEGER, Total.SUM),
                Column("total", translate("reports", "All"), Kind.INTEGER, Total.SUM),
            ],
            [
                [age_group_title(g), c[Sex.MALE], c[Sex.FEMALE], c[None], sum(c.values())]
                for g, c in sorted(structure.items())
            ],
            empty_message=empty,
        ),
    ]
    return ReportDocument(
        title(),
        tables,
        describe_params(session, title(), params, context),
        [
            translate("reports", "New cards: created in the period."),
            translate("reports", "Age in whole years on the last day of the period."),
        ],
        parameters_sheet=translate("reports", "Parameters"),
        no_data=None if cards else empty,
    )
