"""Every validity kind at its boundary days through the registry, and extension limits.

Referrals are registered through :mod:`crm.controllers.referrals.editing` and read back on the
issue day, the last valid day and the day after (booking on those days is covered
in ``test_referral_rules.py``). Extensions: only a doctor, only long-term, a written
reason, never past 90 days from issue, only while the specialty has free slots.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from crm.controllers.errors import PermissionDenied, StaleRecord
from crm.controllers.referrals import editing
from crm.controllers.referrals.editing import ReferralRefused, RegistryFilter
from crm.models import JournalEntry, ReferralExtension, ScheduleTemplate
from crm.models.enums import ReferralKind, ReferralStatus
from tests import factories as f
from tests import referral_factories as rf

K, RS = ReferralKind, ReferralStatus
TODAY, NOW = rf.TODAY, rf.NOW
KINDS = [
    (K.STANDARD, None, 30),
    (K.THERAPIST, None, 60),
    (K.LONG_TERM, None, 30),
    (K.EMERGENCY, 7, 7),
    (K.EMERGENCY, 19, 19),
    (K.EMERGENCY, 30, 30),
]


@pytest.fixture
def desk(db) -> rf.Desk:
    return rf.make_desk(db)


@pytest.mark.parametrize(("kind", "emergency_days", "days"), KINDS)
def test_each_kind_at_its_boundary_days(db, desk, kind, emergency_days, days):
    made = editing.create_referral(
        db, desk.registrar, rf.form(desk, kind=kind, emergency_days=emergency_days), today=TODAY
    )
    last = TODAY + dt.timedelta(days=days - 1)
    assert made.row.last_valid_day == last

    def read(day: dt.date) -> editing.ReferralRow:
        return editing.get_referral(db, desk.registrar, made.row.id, today=day).row

    on_issue, on_last, after = read(TODAY), read(last), read(last + dt.timedelta(days=1))
    assert (on_issue.status, on_issue.days_left) == (RS.ACTIVE, days)
    assert (on_last.status, on_last.days_left) == (RS.ACTIVE, 1)
    assert (after.status, after.days_left) == (RS.EXPIRED, 0)
    assert on_last.expiring and not after.expiring
    assert on_issue.expiring is (days <= 5)
    # The registry's SQL filters say the same as the rows.
    for day, status in ((TODAY, RS.ACTIVE), (last, RS.ACTIVE),
                        (last + dt.timedelta(days=1), RS.EXPIRED)):  # fmt: skip
        found = editing.registry(
            db, desk.registrar, RegistryFilter(statuses=frozenset({status})), today=day
        )
        assert made.row.id in {r.id for r in found}
        other = RS.EXPIRED if status is RS.ACTIVE else RS.ACTIVE
        found = editing.registry(
            db, desk.registrar, RegistryFilter(statuses=frozenset({other})), today=day
        )
        assert made.row.id not in {r.id for r in found}
    expiring = editing.registry(db, desk.registrar, RegistryFilter(expiring_only=True),
                                  today=last - dt.timedelta(days=4))  # fmt: skip
    assert made.row.id in {r.id for r in expiring}
    expiring = editing.registry(db, desk.registrar, RegistryFilter(expiring_only=True),
                                  today=last - dt.timedelta(days=5))  # fmt: skip
    assert made.row.id not in {r.id for r in expiring}


# --- extension ----------------------------------------------------------------------------


def long_term(db, desk, issued_on: dt.date = TODAY, **changes) -> editing.ReferralDetails:
    return editing.create_referral(
        db,
        desk.registrar,
        rf.form(desk, kind=K.LONG_TERM, issued_on=issued_on, **changes),
        today=TODAY,
    )


def extend(db, desk, referral_id: int, actor=None, **kwargs) -> editing.ReferralDetails:
    kwargs.setdefault("reason", "курс химиотерапии продолжается")
    return editing.extend_referral(
        db, actor or desk.doctor_user, referral_id, today=TODAY, now=NOW, **kwargs
    )


def refusal(call, *args, **kwargs) -> ReferralRefused:
    with pytest.raises(ReferralRefused) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_doctor_extends_up_to_ninety_days_and_every_extension_is_kept(db, desk):
    made = long_term(db, desk)
    assert made.extendable and made.max_last_day == TODAY + dt.timedelta(days=89)
    first = extend(db, desk, made.row.id, valid_days=60, expected_version=made.row.version)
    assert first.row.valid_days == 60 and first.row.last_valid_day == TODAY + dt.timedelta(59)
    second = extend(db, desk, made.row.id, until=TODAY + dt.timedelta(days=89),
                    reason="  по решению   консилиума ")  # fmt: skip
    assert second.row.valid_days == 90 and not second.extendable
    steps = [(e.old_valid_days, e.new_valid_days) for e in second.extensions]
    assert steps == [(30, 60), (60, 90)]
    assert second.extensions[1].reason == "по решению консилиума"
    assert second.extensions[1].new_last_day == TODAY + dt.timedelta(days=89)
    assert second.extensions[0].extended_by == desk.doctor_user.full_name
    caught = refusal(extend, db, desk, made.row.id, valid_days=91)
    assert caught.reason_code == "beyond_limit"  # already at 90
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ReferralExtension)) == 2
        entries = session.scalars(
            sa.select(JournalEntry)
            .where(JournalEntry.entity == "referral", JournalEntry.action == "extend")
            .order_by(JournalEntry.id)  # fmt: skip
        ).all()
    assert [e.changes["valid_days"] for e in entries] == [[30, 60], [60, 90]]
    assert entries[1].details == "по решению консилиума"


def test_never_beyond_ninety_days_from_issue(db, desk):
    made = long_term(db, desk)
    caught = refusal(extend, db, desk, made.row.id, valid_days=91)
    assert caught.reason_code == "beyond_limit" and caught.field == "until"
    last = (TODAY + dt.timedelta(days=89)).strftime("%d.%m.%Y")
    assert last in caught.message
    day_91 = TODAY + dt.timedelta(days=90)
    assert refusal(extend, db, desk, made.row.id, until=day_91).reason_code == "beyond_limit"
    assert extend(db, desk, made.row.id, until=TODAY + dt.timedelta(days=89)).row.valid_days == 90


def test_only_longer_only_long_term_only_a_doctor_only_with_a_reason(db, desk):
    made = long_term(db, desk)
    assert refusal(extend, db, desk, made.row.id, valid_days=30).reason_code == "not_longer"
    assert refusal(extend, db, desk, made.row.id, valid_days=45, reason=" ").reason_code == (
        "reason_required")  # fmt: skip
    for actor in (desk.registrar, desk.manager, desk.admin):
        with pytest.raises(PermissionDenied):
            extend(db, desk, made.row.id, actor=actor, valid_days=45)
    for kind, days in ((K.STANDARD, None), (K.THERAPIST, None), (K.EMERGENCY, 20)):
        other = editing.create_referral(
            db, desk.registrar, rf.form(desk, kind=kind, emergency_days=days), today=TODAY
        )
        assert not other.extendable
        assert refusal(extend, db, desk, other.row.id, valid_days=70).reason_code == (
            "not_long_term")  # fmt: skip
    with pytest.raises(StaleRecord):
        extend(db, desk, made.row.id, valid_days=45, expected_version=made.row.version + 1)


def test_an_expired_or_cancelled_referral_is_not_extended(db, desk):
    expired = long_term(db, desk, issued_on=TODAY - dt.timedelta(days=30))
    assert expired.row.status is RS.EXPIRED and not expired.extendable
    assert refusal(extend, db, desk, expired.row.id, valid_days=60).reason_code == "bad_status"
    cancelled = long_term(db, desk)
    editing.cancel_referral(db, desk.registrar, cancelled.row.id, reason="x", today=TODAY)
    assert refusal(extend, db, desk, cancelled.row.id, valid_days=60).reason_code == "bad_status"


def test_a_used_referral_is_extended_too(db, desk):
    made = long_term(db, desk)
    f.book(db, desk.registrar, patient_id=desk.patients[0], doctor_id=desk.doctor,
                 starts_at=f.at(TODAY + dt.timedelta(days=3), "10:00"),
                 referral_id=made.row.id, now=NOW)  # fmt: skip
    extended = extend(db, desk, made.row.id, valid_days=60)
    assert extended.row.status is RS.USED and extended.row.valid_days == 60


def test_only_while_the_specialty_has_free_slots(db, desk):
    made = long_term(db, desk)
    with db() as session, session.begin():  # nobody of specialty A works any more
        session.execute(sa.delete(ScheduleTemplate).where(
            ScheduleTemplate.doctor_id.in_([desk.doctor, desk.colleague])))  # fmt: skip
    caught = refusal(extend, db, desk, made.row.id, valid_days=60)
    assert caught.reason_code == "no_free_slots"
    assert (TODAY + dt.timedelta(days=59)).strftime("%d.%m.%Y") in caught.message
    with db() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ReferralExtension)) == 0


# --- the specialty's own rules (set under «Справочники») ------------------------------------


def _specialty_rules(db, desk, *, days: int | None, max_days: int | None) -> None:
    from crm.models import Specialty

    with db() as session, session.begin():
        specialty = session.get(Specialty, desk.specialty_a)
        specialty.referral_days, specialty.referral_max_days = days, max_days


def test_a_specialty_with_its_own_validity_gives_standard_referrals_its_days(db, desk):
    _specialty_rules(db, desk, days=14, max_days=None)
    made = editing.create_referral(db, desk.registrar, rf.form(desk, kind=K.STANDARD), today=TODAY)
    assert made.row.valid_days == 14
    assert made.row.last_valid_day == TODAY + dt.timedelta(days=13)
    therapist = editing.create_referral(
        db, desk.registrar, rf.form(desk, kind=K.THERAPIST, number="5551"), today=TODAY
    )
    assert therapist.row.valid_days == 60, "only the standard kind takes the specialty's days"


def test_a_specialty_with_a_shorter_extension_limit_stops_the_extension_there(db, desk):
    _specialty_rules(db, desk, days=None, max_days=45)
    made = long_term(db, desk)
    assert made.max_last_day == TODAY + dt.timedelta(days=44)
    caught = refusal(extend, db, desk, made.row.id, valid_days=60)
    assert caught.reason_code == "beyond_limit" and "45" in caught.message
    assert extend(db, desk, made.row.id, valid_days=45).row.valid_days == 45
