"""The directory of issuing organisations against a real PostgreSQL (rolled back per test)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from crm.controllers.errors import DomainError, NotFound, PermissionDenied, ValidationError
from crm.controllers.referrals import editing, organisations
from crm.models import IssuingOrganisation, JournalEntry
from tests import referral_factories as rf


@pytest.fixture
def desk(db) -> rf.Desk:
    return rf.make_desk(db)


def test_create_keeps_the_name_as_typed_and_the_ogrn_as_digits(db, desk):
    number = rf.ogrn(4242)
    made = organisations.create_organisation(
        db, desk.registrar, name='  ГБУЗ "ГП № 5 ДЗМ"  ', ogrn=f" {number[:5]} {number[5:]} ",
        address=" Москва,   ул. Ленина, 1 ",
    )  # fmt: skip
    assert made.name == 'ГБУЗ "ГП № 5 ДЗМ"' and made.ogrn == number
    assert made.address == "Москва, ул. Ленина, 1"
    with db() as session:
        entry = session.scalars(
            sa.select(JournalEntry).where(
                JournalEntry.entity == "issuing_organisation", JournalEntry.entity_id == made.id
            )
        ).one()
        assert entry.action == "create" and entry.changes["ogrn"] == [None, number]


@pytest.mark.parametrize(
    ("name", "ogrn", "field"),
    [
        ("", rf.ogrn(1), "name"),
        ("x" * 301, rf.ogrn(1), "name"),
        ("Поликлиника", "123", "ogrn"),
        ("Поликлиника", "10277000000019", "ogrn"),  # 14 digits
        ("Поликлиника", "1027700000000", "ogrn"),  # wrong check digit
        ("Поликлиника", "0027700000001", "ogrn"),  # starts with 0
    ],
)
def test_bad_fields_are_named(db, desk, name, ogrn, field):
    with pytest.raises(ValidationError) as caught:
        organisations.create_organisation(db, desk.registrar, name=name, ogrn=ogrn)
    assert caught.value.field == field
    if field == "ogrn":
        assert caught.value.message.startswith("ОГРН")


def test_the_ogrn_is_unique(db, desk):
    number = rf.ogrn(777)
    organisations.create_organisation(db, desk.registrar, name="Первая", ogrn=number)
    with pytest.raises(ValidationError) as caught:
        organisations.create_organisation(db, desk.registrar, name="Вторая", ogrn=number)
    assert caught.value.field == "ogrn" and "Первая" in caught.value.message


def test_update_and_delete(db, desk):
    made = organisations.create_organisation(db, desk.registrar, name="Старое", ogrn=rf.ogrn(31))
    changed = organisations.update_organisation(
        db, desk.manager, made.id, name="Новое", ogrn=rf.ogrn(32), address="Тверь"
    )
    assert (changed.name, changed.ogrn, changed.address) == ("Новое", rf.ogrn(32), "Тверь")
    with pytest.raises(ValidationError):  # taken by the desk's own organisation
        with db() as session:
            taken = session.get(IssuingOrganisation, desk.organisation).ogrn
        organisations.update_organisation(db, desk.manager, made.id, name="Новое", ogrn=taken,
                                         address=None)  # fmt: skip
    organisations.delete_organisation(db, desk.manager, made.id)
    with pytest.raises(NotFound):
        organisations.get_organisation(db, desk.manager, made.id)


def test_an_organisation_with_referrals_is_not_deleted(db, desk):
    editing.create_referral(db, desk.registrar, rf.form(desk), today=rf.TODAY)
    with pytest.raises(DomainError) as caught:
        organisations.delete_organisation(db, desk.manager, desk.organisation)
    assert "1" in caught.value.message


def test_only_registering_roles_change_the_directory(db, desk):
    for actor in (desk.doctor_user, desk.admin):
        with pytest.raises(PermissionDenied):
            organisations.create_organisation(db, actor, name="X", ogrn=rf.ogrn(5))
    with pytest.raises(PermissionDenied):
        organisations.search_organisations(db, desk.admin, "Г")


def test_autocomplete_by_name_prefix_word_and_ogrn(db, desk):
    for name, n in (("Городская поликлиника № 1", 101), ("ГБУЗ Городская больница", 102),
                    ("Детская поликлиника", 103)):  # fmt: skip
        organisations.create_organisation(db, desk.registrar, name=name, ogrn=rf.ogrn(n))
    names = [o.name for o in organisations.search_organisations(db, desk.registrar, "городская")]
    # Names starting with it first, then those with a word starting with it.
    assert names[0] == "Городская поликлиника № 1"
    assert set(names[1:]) == {"ГБУЗ Городская больница", "ГБУЗ «Городская поликлиника № 3 ДЗМ»"}
    names = [o.name for o in organisations.search_organisations(db, desk.registrar, "Поликл")]
    assert set(names) == {"Городская поликлиника № 1", "Детская поликлиника",
                          "ГБУЗ «Городская поликлиника № 3 ДЗМ»"}  # fmt: skip
    assert organisations.search_organisations(db, desk.registrar, "ликлиника") == []
    by_ogrn = organisations.search_organisations(db, desk.registrar, rf.ogrn(103)[:12])
    assert [o.name for o in by_ogrn] == ["Детская поликлиника"]
    assert organisations.search_organisations(db, desk.registrar, "100%") == []
    assert len(organisations.search_organisations(db, desk.registrar, "", limit=2)) == 2
    found = organisations.find_organisation(db, desk.registrar, rf.ogrn(102))
    assert found.name == "ГБУЗ Городская больница"
    assert organisations.find_organisation(db, desk.registrar, str(found.id)) == found
    with pytest.raises(NotFound):
        organisations.find_organisation(db, desk.registrar, "нет такой")
