"""The journal is append-only: the database refuses UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from crm.controllers import journal
from crm.models import JournalEntry


@pytest.fixture
def entry_id(db):
    with db() as session, session.begin():
        journal.record(session, "export", login="manager", workstation="desk-1", details="x.xlsx")
        session.flush()
        return session.scalar(sa.select(sa.func.max(JournalEntry.id)))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entry SET details = 'forged' WHERE id = :id",
        "DELETE FROM journal_entry WHERE id = :id",
        "TRUNCATE journal_entry",
    ],
)
def test_journal_refuses_changes(db, entry_id, statement):
    with db() as session, pytest.raises(DBAPIError) as caught:
        with session.begin():
            session.execute(sa.text(statement), {"id": entry_id})
    assert "append-only" in str(caught.value)
    assert caught.value.orig.sqlstate == "42501"
    with db() as session:
        assert session.get(JournalEntry, entry_id).details == "x.xlsx"


def test_diff_lists_only_changed_fields():
    import datetime as dt

    changes = journal.diff(
        {"phone": "+79160000000", "birth_date": dt.date(1980, 1, 2), "same": 1},
        {"phone": "+79161111111", "birth_date": dt.date(1980, 1, 3), "same": 1},
    )
    assert changes == {
        "birth_date": ["1980-01-02", "1980-01-03"],
        "phone": ["+79160000000", "+79161111111"],
    }
