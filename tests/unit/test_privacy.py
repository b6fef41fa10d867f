"""Purging personal data after retention (152-FZ): what goes, what stays, the figures."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import (
    Event,
    FeedbackRecord,
    Meeting,
    MeetingEvent,
    Person,
    ProductEvent,
    Request,
)
from plc_console.domain import EventKind, ProductsEventKind, Role, Stage
from plc_console.services import requests as rq
from plc_console.services.board import BoardFilter, column_counts
from plc_console.services.privacy import (
    PURGED_NAME,
    PURGED_PROBLEM,
    PrivacyInvalid,
    PurgeReport,
    purge_closed,
)
from plc_console.services.reports import TermReport, term_report
from tests.conftest import NOW
from tests.unit.privacy_data import (
    CLOSED_BEFORE,
    KEPT_NAMES,
    MOROZOVA,
    PURGE_AT,
    PURGED_NAMES,
    Ids,
    build_all,
)
from tests.unit.report_data import END, START

ACTOR = "Петрова (методист)"


@pytest.fixture
def ids(session: Session) -> Ids:
    return build_all(session)


def _purge(session: Session, *, dry_run: bool = False) -> PurgeReport:
    report = purge_closed(session, CLOSED_BEFORE, dry_run=dry_run, actor=ACTOR, now=PURGE_AT)
    session.commit()
    return report


def _names(session: Session) -> set[str]:
    return set(session.scalars(select(Person.full_name)))


def _state(session: Session) -> tuple[object, ...]:
    """Everything a purge may change, to compare before and after."""
    return (
        sorted(session.execute(select(Person.full_name, Person.contact, Person.organization))),
        sorted(session.execute(select(Request.number, Request.problem, Request.version))),
        sorted(session.execute(select(Event.id, Event.note)), key=lambda row: row[0]),
        sorted(session.scalars(select(FeedbackRecord.comment)), key=str),
        sorted(session.scalars(select(ProductEvent.note)), key=str),
        sorted(session.scalars(select(MeetingEvent.note)), key=str),
        sorted(session.scalars(select(Meeting.minutes)), key=str),
    )


def _person_of(session: Session, request_id: int) -> Person:
    return session.get_one(Request, request_id).person


def test_purge_removes_names_contacts_and_texts_of_old_closed_requests(
    session: Session, ids: Ids
) -> None:
    morozova = _person_of(session, ids.morozova)
    report = _purge(session)
    assert (report.requests, report.people, report.held_back) == (4, 4, 1)
    assert not _names(session) & set(PURGED_NAMES)
    assert set(KEPT_NAMES) <= _names(session)
    assert morozova.full_name == f"{PURGED_NAME} №{morozova.id}"
    assert (morozova.contact, morozova.organization) == ("", None)
    # What statistics need stays.
    assert (morozova.role, morozova.grade, morozova.consent_given) == (Role.PARENT, 7, True)
    for request_id in (ids.morozova, ids.zaitseva):
        request = session.get_one(Request, request_id)
        assert request.problem == PURGED_PROBLEM
        assert request.stage in (Stage.DONE, Stage.CLOSED)
        assert all(e.note is None for e in request.events if e.kind is not EventKind.PURGED)
    zaitseva = session.get_one(Request, ids.zaitseva)
    assert zaitseva.close_reason is not None
    feedback = session.scalars(
        select(FeedbackRecord).where(FeedbackRecord.request_id == ids.morozova)
    ).one()
    assert (feedback.comment, feedback.usefulness) == (None, 5)
    number = session.get_one(Request, ids.morozova).number
    product_note = session.scalars(
        select(ProductEvent.note).where(ProductEvent.kind == ProductsEventKind.FEEDBACK)
    ).one()
    assert product_note is not None
    assert product_note.startswith(number)
    assert MOROZOVA not in product_note
    assert "Спасибо" not in product_note
    meeting = session.scalars(select(Meeting).where(Meeting.uid == "privacy@test")).one()
    assert meeting.minutes == f"{morozova.full_name} рассказала о трудностях сына."
    assert [e.note for e in meeting.events] == [f"+ {morozova.full_name}"]
    assert [i.attended for i in meeting.invitees] == [True]


def test_open_and_recent_requests_are_untouched(session: Session, ids: Ids) -> None:
    kept = (ids.lebedeva_old, ids.lebedeva_open, ids.novikova)
    before = [rq.get_request(session, i) for i in kept]
    _purge(session)
    session.expire_all()
    assert [rq.get_request(session, i) for i in kept] == before


def test_term_report_figures_stay_the_same(session: Session, ids: Ids) -> None:
    def report() -> TermReport:
        return term_report(session, START, END, with_names=True, lang="ru")

    before = report()
    _purge(session)
    after = report()
    assert after.summary == before.summary
    assert after.overview == before.overview
    for old, new in zip(before.tables, after.tables, strict=True):
        if old.key == "oldest_open":
            # Only open requests are listed there: none of them is purged.
            assert [row[:-1] for row in new.rows] == [row[:-1] for row in old.rows]
        else:
            assert new == old, old.key


def _found(session: Session, words: str) -> int:
    return sum(column_counts(session, BoardFilter(search=words), now=PURGE_AT).values())


def test_a_purged_name_is_no_longer_found_by_the_board_search(session: Session, ids: Ids) -> None:
    assert _found(session, MOROZOVA) == 1
    assert _found(session, "дроби") == 1
    _purge(session)
    assert _found(session, MOROZOVA) == 0
    assert _found(session, "дроби") == 0
    number = session.get_one(Request, ids.morozova).number
    assert _found(session, number) == 1


def test_each_purged_request_records_an_event_with_the_actor(session: Session, ids: Ids) -> None:
    report = _purge(session)
    events = session.execute(
        select(Request.number, Event.actor, Event.note, Event.at)
        .join(Event, Event.request_id == Request.id)
        .where(Event.kind == EventKind.PURGED)
    ).all()
    assert sorted(number for number, *_ in events) == sorted(report.numbers)
    assert {(actor, note, at) for _, actor, note, at in events} == {
        (ACTOR, "closed_before=2026-11-21", PURGE_AT)
    }


def test_dry_run_counts_and_changes_nothing(session: Session, ids: Ids) -> None:
    before = _state(session)
    dry = _purge(session, dry_run=True)
    session.expire_all()
    assert _state(session) == before
    real = _purge(session)
    assert (dry.numbers, dry.people, dry.held_back) == (real.numbers, real.people, real.held_back)
    assert dry.dry_run and not real.dry_run


def test_a_second_run_does_nothing(session: Session, ids: Ids) -> None:
    _purge(session)
    session.expire_all()
    before = _state(session)
    again = _purge(session)
    assert (again.requests, again.people) == (0, 0)
    session.expire_all()
    assert _state(session) == before


def test_a_day_in_the_future_is_refused(session: Session) -> None:
    with pytest.raises(PrivacyInvalid) as caught:
        purge_closed(session, date(2026, 11, 26), dry_run=True, actor="t", now=PURGE_AT)
    assert caught.value.code == "privacy.invalid.future"


def test_registering_again_after_a_purge_makes_a_new_person(session: Session, ids: Ids) -> None:
    old = _person_of(session, ids.zaitseva).id
    _purge(session)
    form = rq.NewRequest(
        received_on=date(2026, 11, 25),
        full_name="Зайцева Зоя",
        role=Role.PARENT,
        contact="зайцева@example.ru",
        problem="Снова обижают",
        consent=True,
    )
    made = rq.create_request(session, form, actor="t", now=PURGE_AT)
    person = _person_of(session, made.id)
    assert person.id != old
    assert (person.consent_given, person.consent_at) == (True, PURGE_AT)


def test_consent_is_stored_with_the_requester(session: Session) -> None:
    form = rq.NewRequest(
        received_on=NOW.date(),
        full_name="Орлова Ольга",
        role=Role.TEACHER,
        contact="orlova@example.ru",
        problem="Класс шумит",
        consent=True,
    )
    made = rq.create_request(session, form, actor="t", now=NOW)
    person = _person_of(session, made.id)
    assert (person.consent_given, person.consent_at) == (True, NOW)
    count = session.scalar(select(func.count()).select_from(Person).where(Person.consent_given))
    assert count == 1
    assert isinstance(person.consent_at, datetime)
