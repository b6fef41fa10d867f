"""Request services on SQLite and PostgreSQL: every rule, its refusals, and concurrency."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.engine import transaction
from plc_console.db.models import Event, Person, Request
from plc_console.domain import (
    Category,
    CloseReason,
    EventKind,
    Role,
    RuleViolation,
    Stage,
)
from plc_console.services import requests as rq
from plc_console.services.database import Database
from plc_console.services.errors import InvalidInput, NotFound, PlcError, StaleVersion
from tests.conftest import NOW

FORM = rq.NewRequest(
    received_on=date(2026, 11, 2),
    full_name="Козлов  Иван Петрович",
    role=Role.TEACHER,
    contact="+7 937 138-21-65",
    problem="Не получается заинтересовать учеников 7 класса на уроках.\nПодробнее при встрече.",
    consent=True,
    organization="МБОУ СОШ № 12",
    subject="физика",
    experience_years=2,
)


def _create(session: Session, form: rq.NewRequest = FORM) -> rq.RequestSummary:
    created = rq.create_request(session, form, actor="tester", now=NOW)
    session.commit()
    return created


def _event_count(session: Session, request_id: int) -> int:
    return session.scalar(select(func.count()).where(Event.request_id == request_id)) or 0


def test_a_new_request_is_numbered_received_and_has_a_created_event(session: Session) -> None:
    first = _create(session)
    second = _create(session, replace(FORM, received_on=date(2026, 11, 3)))
    assert (first.number, second.number) == ("З-2026-00001", "З-2026-00002")
    assert first.stage is Stage.RECEIVED
    assert first.requester == "Козлов Иван Петрович"
    assert first.young_teacher
    assert first.first_line == "Не получается заинтересовать учеников 7 класса на уроках."
    detail = rq.get_request(session, first.id)
    assert [(e.kind, e.to_stage, e.actor) for e in detail.events] == [
        (EventKind.CREATED, Stage.RECEIVED, "tester")
    ]
    # Same name and contact: one person with two requests.
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_numbers_restart_each_year(session: Session) -> None:
    _create(session)
    next_year = _create(session, replace(FORM, received_on=date(2025, 12, 30)))
    assert next_year.number == "З-2025-00001"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"full_name": "  "}, "full_name", "required"),
        ({"contact": ""}, "contact", "required"),
        ({"problem": "\n"}, "problem", "required"),
        ({"consent": False}, "consent", "no_consent"),
        ({"received_on": NOW.date() + timedelta(days=1)}, "received_on", "future"),
        ({"problem": "х" * 5001}, "problem", "too_long"),
        ({"experience_years": 61}, "experience_years", "range"),
        ({"grade": 12}, "grade", "range"),
        ({"grade": 0}, "grade", "range"),
    ],
)
def test_invalid_forms_are_refused_and_nothing_is_stored(
    session: Session, change: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        rq.create_request(session, replace(FORM, **change), actor="tester", now=NOW)  # type: ignore[arg-type]
    session.rollback()
    assert (refused.value.field, refused.value.reason) == (field, reason)
    assert session.scalar(select(func.count()).select_from(Request)) == 0
    assert session.scalar(select(func.count()).select_from(Person)) == 0


def test_unknown_topic_is_refused(session: Session) -> None:
    with pytest.raises(PlcError, match="error.unknown_topic"):
        rq.create_request(session, replace(FORM, topic_keys=("astrology",)), actor="t", now=NOW)


def test_forward_one_stage_at_a_time_with_events(session: Session) -> None:
    request = _create(session)
    moved = rq.move_request(
        session, request.id, request.version, Stage.TRIAGE, actor="anna", now=NOW
    )
    session.commit()
    assert moved.stage is Stage.TRIAGE
    assert moved.version == request.version + 1
    # Entering triage makes the critical-chain promise: 25 planned days + 12.5 buffer.
    assert moved.promised_on == (NOW + timedelta(days=37.5)).date()
    last = rq.get_request(session, request.id).events[-1]
    assert (last.kind, last.from_stage, last.to_stage, last.actor) == (
        EventKind.MOVED, Stage.RECEIVED, Stage.TRIAGE, "anna",
    )  # fmt: skip


def test_skipping_a_stage_is_refused_and_writes_nothing(session: Session) -> None:
    request = _create(session)
    with pytest.raises(RuleViolation, match="rule.skip_forward"):
        rq.move_request(session, request.id, request.version, Stage.SCHEDULED, actor="t", now=NOW)
    session.rollback()
    assert rq.get_request(session, request.id).summary.stage is Stage.RECEIVED
    assert _event_count(session, request.id) == 1


def test_moving_back_needs_a_note_which_is_recorded(session: Session) -> None:
    request = _create(session)
    at_triage = rq.move_request(
        session, request.id, request.version, Stage.TRIAGE, actor="t", now=NOW
    )
    session.commit()
    with pytest.raises(RuleViolation, match="rule.back_needs_note"):
        rq.move_request(session, request.id, at_triage.version, Stage.RECEIVED, actor="t", now=NOW)
    session.rollback()
    back = rq.move_request(
        session, request.id, at_triage.version, Stage.RECEIVED, actor="t", note=" неясно ", now=NOW
    )
    session.commit()
    assert back.stage is Stage.RECEIVED
    assert rq.get_request(session, request.id).events[-1].note == "неясно"


def test_closing_early_needs_a_reason(session: Session) -> None:
    request = _create(session)
    with pytest.raises(RuleViolation, match="rule.close_needs_reason"):
        rq.close_request(session, request.id, request.version, None, actor="t", now=NOW)
    session.rollback()
    closed = rq.close_request(
        session,
        request.id,
        request.version,
        CloseReason.WITHDRAWN,
        actor="t",
        note="сам решил",
        now=NOW,
    )
    session.commit()
    assert (closed.stage, closed.close_reason) == (Stage.CLOSED, CloseReason.WITHDRAWN)
    event = rq.get_request(session, request.id).events[-1]
    assert (event.kind, event.from_stage, event.note) == (
        EventKind.CLOSED,
        Stage.RECEIVED,
        "сам решил",
    )
    with pytest.raises(RuleViolation, match="rule.closed_request"):
        rq.move_request(session, request.id, closed.version, Stage.TRIAGE, actor="t", now=NOW)


def test_a_duplicate_links_to_the_kept_request(session: Session) -> None:
    kept = _create(session)
    copy = _create(session)
    with pytest.raises(RuleViolation, match="rule.duplicate_needs_kept"):
        rq.close_request(session, copy.id, copy.version, CloseReason.DUPLICATE, actor="t", now=NOW)
    session.rollback()
    with pytest.raises(NotFound):
        rq.close_request(
            session,
            copy.id,
            copy.version,
            CloseReason.DUPLICATE,
            duplicate_of=9999,
            actor="t",
            now=NOW,
        )
    session.rollback()
    rq.close_request(
        session,
        copy.id,
        copy.version,
        CloseReason.DUPLICATE,
        duplicate_of=kept.id,
        actor="t",
        now=NOW,
    )
    session.commit()
    assert rq.get_request(session, copy.id).duplicate_of_number == kept.number


def test_triage_sets_category_and_topics_as_an_edit(session: Session) -> None:
    request = _create(session)
    edited = rq.set_triage(
        session, request.id, request.version,
        category=Category.MOTIVATIONAL, topic_keys=["engagement", "lesson_organisation"],
        actor="t", now=NOW,
    )  # fmt: skip
    session.commit()
    assert edited.category is Category.MOTIVATIONAL
    assert edited.topic_keys == ("engagement", "lesson_organisation")
    assert rq.get_request(session, request.id).events[-1].kind is EventKind.EDITED


def test_a_stale_version_is_refused_with_the_request_number(session: Session) -> None:
    request = _create(session)
    rq.move_request(session, request.id, request.version, Stage.TRIAGE, actor="a", now=NOW)
    session.commit()
    with pytest.raises(StaleVersion) as refused:
        rq.move_request(session, request.id, request.version, Stage.TRIAGE, actor="b", now=NOW)
    session.rollback()
    assert refused.value.number == request.number
    with pytest.raises(StaleVersion):
        rq.close_request(
            session, request.id, request.version, CloseReason.WITHDRAWN, actor="b", now=NOW
        )
    session.rollback()
    assert _event_count(session, request.id) == 2


def test_two_desks_racing_on_one_request_never_both_win(database: Database) -> None:
    """Both read version 1; the second commit finds the row changed and writes nothing."""
    with transaction(database.sessions) as setup:
        request = rq.create_request(setup, FORM, actor="t", now=NOW)
    desk_a = database.sessions()
    desk_b = database.sessions()
    try:
        rq.move_request(desk_a, request.id, request.version, Stage.TRIAGE, actor="a", now=NOW)
        desk_a.commit()
        with pytest.raises(StaleVersion):
            rq.close_request(
                desk_b, request.id, request.version, CloseReason.WITHDRAWN, actor="b", now=NOW
            )
        desk_b.rollback()
    finally:
        desk_a.close()
        desk_b.close()
    with database.sessions() as check:
        detail = rq.get_request(check, request.id)
        assert detail.summary.stage is Stage.TRIAGE
        assert [e.actor for e in detail.events] == ["t", "a"]


def test_find_by_number_or_id(session: Session) -> None:
    request = _create(session)
    assert rq.find_request_id(session, request.number) == request.id
    assert rq.find_request_id(session, "z-2026-00001") == request.id
    assert rq.find_request_id(session, str(request.id)) == request.id
    with pytest.raises(NotFound):
        rq.find_request_id(session, "З-2026-09999")


def test_listing_and_counting_by_stage(session: Session) -> None:
    first = _create(session)
    _create(session, replace(FORM, received_on=date(2026, 10, 1)))
    rq.move_request(session, first.id, first.version, Stage.TRIAGE, actor="t", now=NOW)
    session.commit()
    counts = rq.stage_counts(session)
    assert counts[Stage.RECEIVED] == 1 and counts[Stage.TRIAGE] == 1 and counts[Stage.DONE] == 0
    assert [r.received_on for r in rq.list_requests(session)] == [
        date(2026, 10, 1),
        date(2026, 11, 2),
    ]
    assert [r.id for r in rq.list_requests(session, Stage.TRIAGE)] == [first.id]
