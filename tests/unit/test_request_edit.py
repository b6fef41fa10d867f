"""Editing a request's form fields, on SQLite and PostgreSQL: changes, events, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Event, Person, Request
from plc_console.domain import Channel, EventKind, HelpWanted, Role, Stage
from plc_console.services import requests as rq
from plc_console.services.errors import InvalidInput, StaleVersion
from plc_console.services.request_edit import edit_request
from plc_console.services.views import RequestSummary
from tests.conftest import NOW

LATER = NOW + timedelta(hours=2)
FORM = rq.NewRequest(
    received_on=date(2026, 11, 2),
    full_name="Козлов Иван Петрович",
    role=Role.TEACHER,
    contact="+7 937 138-21-65",
    problem="Не получается заинтересовать учеников 7 класса на уроках.",
    consent=True,
    channel=Channel.PHONE,
    organization="МБОУ СОШ № 12",
    subject="физика",
    experience_years=2,
)


def _create(session: Session, form: rq.NewRequest = FORM) -> RequestSummary:
    created = rq.create_request(session, form, actor="tester", now=NOW)
    session.commit()
    return created


def _edit(session: Session, summary: RequestSummary, form: rq.NewRequest) -> RequestSummary:
    edited = edit_request(session, summary.id, summary.version, form, actor="anna", now=LATER)
    session.commit()
    return edited


def _events(session: Session, request_id: int) -> list[tuple[EventKind, str | None]]:
    return [(e.kind, e.note) for e in rq.get_request(session, request_id).events]


def _people(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0


def test_changed_fields_are_saved_with_one_edited_event(session: Session) -> None:
    created = _create(session)
    form = replace(
        FORM,
        problem="  Ученики 7 «А» не слушают на уроках физики.  ",
        help_wanted=HelpWanted.MEETING,
        grade=7,
        form_no=" 17 ",
    )
    edited = _edit(session, created, form)
    assert edited.version == created.version + 1
    assert edited.problem == "Ученики 7 «А» не слушают на уроках физики."
    detail = rq.get_request(session, created.id)
    assert (detail.help_wanted, detail.grade, detail.form_no) == (HelpWanted.MEETING, 7, "17")
    assert _events(session, created.id) == [
        (EventKind.CREATED, None),
        (EventKind.EDITED, "form_no, grade, problem, help_wanted"),
    ]
    last = detail.events[-1]
    assert (last.actor, last.at, last.from_stage, last.to_stage) == (
        "anna", LATER, Stage.RECEIVED, Stage.RECEIVED,
    )  # fmt: skip
    request = session.get(Request, created.id)
    assert request is not None and request.updated_at == LATER


def test_request_fields_and_requester_fields_together(session: Session) -> None:
    created = _create(session)
    form = replace(
        FORM,
        received_on=date(2026, 11, 1),
        channel=Channel.IN_PERSON,
        role=Role.OTHER,
        organization=None,
        subject="астрономия",
        experience_years=None,
    )
    edited = _edit(session, created, form)
    assert (edited.received_on, edited.channel, edited.role) == (
        date(2026, 11, 1), Channel.IN_PERSON, Role.OTHER,
    )  # fmt: skip
    detail = rq.get_request(session, created.id)
    assert (detail.organization, detail.subject, detail.summary.experience_years) == (
        None, "астрономия", None,
    )  # fmt: skip
    assert _events(session, created.id)[-1] == (
        EventKind.EDITED,
        "received_on, channel, role, organization, subject, experience_years",
    )


def test_nothing_changed_writes_nothing(session: Session) -> None:
    created = _create(session)
    # Spaces are collapsed as when registering: the same form, typed again, is no change.
    same = replace(FORM, full_name="Козлов  Иван Петрович ", problem=FORM.problem + "\n")
    edited = _edit(session, created, same)
    assert edited.version == created.version
    assert _events(session, created.id) == [(EventKind.CREATED, None)]
    request = session.get(Request, created.id)
    assert request is not None and request.updated_at == NOW


def test_a_stale_version_is_refused_and_nothing_is_overwritten(session: Session) -> None:
    created = _create(session)
    _edit(session, created, replace(FORM, problem="Первая правка"))
    with pytest.raises(StaleVersion) as refused:
        edit_request(
            session, created.id, created.version, replace(FORM, problem="Вторая"), actor="b"
        )
    session.rollback()
    assert refused.value.number == created.number
    assert rq.get_request(session, created.id).summary.problem == "Первая правка"
    assert [kind for kind, _ in _events(session, created.id)].count(EventKind.EDITED) == 1


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"contact": "  "}, "contact", "required"),
        ({"consent": False}, "consent", "no_consent"),
        ({"received_on": LATER.date() + timedelta(days=1)}, "received_on", "future"),
        ({"grade": 12}, "grade", "range"),
        ({"experience_years": -1}, "experience_years", "range"),
    ],
)
def test_an_invalid_edit_names_the_field_and_changes_nothing(
    session: Session, change: dict[str, object], field: str, reason: str
) -> None:
    created = _create(session)
    with pytest.raises(InvalidInput) as refused:
        form = replace(FORM, **change)  # type: ignore[arg-type]
        edit_request(session, created.id, created.version, form, actor="a", now=LATER)
    session.rollback()
    assert (refused.value.field, refused.value.reason) == (field, reason)
    assert rq.get_request(session, created.id).summary.version == created.version
    assert _events(session, created.id) == [(EventKind.CREATED, None)]


def test_the_search_text_follows_the_edit(session: Session) -> None:
    created = _create(session)
    _edit(session, created, replace(FORM, full_name="Козлова Ёлка", problem="Проектная РАБОТА"))
    request = session.get(Request, created.id)
    assert request is not None
    assert request.search_text == f"{created.number.casefold()} козлова елка проектная работа"


def test_renaming_a_shared_requester_leaves_the_other_request_alone(session: Session) -> None:
    first = _create(session)
    second = _create(session, replace(FORM, problem="Второй вопрос"))
    assert _people(session) == 1  # same name and contact: one person, two requests
    _edit(session, second, replace(FORM, problem="Второй вопрос", full_name="Козлова Анна"))
    assert rq.get_request(session, first.id).summary.requester == "Козлов Иван Петрович"
    assert rq.get_request(session, second.id).summary.requester == "Козлова Анна"
    assert _people(session) == 2
    # The person's own details are the person's: they change under every request.
    _edit(session, first, replace(FORM, experience_years=3))
    assert rq.get_request(session, first.id).summary.experience_years == 3


def test_a_new_name_that_is_already_known_joins_that_person(session: Session) -> None:
    anna = replace(FORM, full_name="Козлова Анна", organization="Гимназия № 2", subject=None)
    kept = _create(session, anna)
    mistyped = _create(session, replace(anna, full_name="Кзлова Анна", problem="Вопрос"))
    assert _people(session) == 2
    _edit(session, mistyped, replace(anna, problem="Вопрос", organization=None, subject="химия"))
    assert _people(session) == 1  # the misspelt person had no other request: removed
    both = [rq.get_request(session, r.id) for r in (kept, mistyped)]
    assert {d.summary.requester for d in both} == {"Козлова Анна"}
    # A blank on the form keeps what is known of that person; a value is taken.
    assert {(d.organization, d.subject) for d in both} == {("Гимназия № 2", "химия")}


def test_fixing_a_typo_in_a_requester_of_one_request_keeps_the_record(session: Session) -> None:
    created = _create(session)
    person_id = session.scalar(select(Request.person_id).where(Request.id == created.id))
    _edit(session, created, replace(FORM, contact="+7 937 138-21-66"))
    assert _people(session) == 1
    assert session.scalar(select(Request.person_id).where(Request.id == created.id)) == person_id
    assert rq.get_request(session, created.id).contact == "+7 937 138-21-66"
    assert session.scalar(select(func.count()).select_from(Event)) == 2
