"""Meeting services on SQLite and PostgreSQL: forms, lists, versions, double bookings,
companions, and the backward plan with stored lead times."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from plc_console.db.engine import transaction
from plc_console.domain import (
    CloseReason,
    MeetingsEventKind,
    MeetingSlotClash,
    MeetingSourceKind,
    MeetingStatus,
    MeetingStep,
    Role,
    Stage,
)
from plc_console.locale import Translator, catalog
from plc_console.services import meetings as mt
from plc_console.services import meetings_people as mp
from plc_console.services.database import Database
from plc_console.services.errors import PlcError
from plc_console.services.meetings_companions import suggest_companions
from plc_console.services.meetings_conflicts import meeting_clashes
from plc_console.services.meetings_flow import cancel_meeting
from plc_console.services.meetings_plan import lead_times, meeting_plan, set_lead_time
from plc_console.services.meetings_read import get_meeting, list_meetings, meetings_of_request
from plc_console.services.meetings_views import (
    MeetingConflict,
    MeetingInvalid,
    MeetingNotFound,
    MeetingStale,
)
from plc_console.services.requests import close_request
from tests.conftest import NOW
from tests.unit.meeting_helpers import MONDAY, expert, form, person, request

TODAY = NOW.date()


def test_a_new_meeting_is_planned_with_a_stable_uid_and_a_history(session: Session) -> None:
    created = mt.create_meeting(session, form(), actor="tester", now=NOW)
    session.commit()
    assert created.status is MeetingStatus.PLANNED
    assert created.uid.endswith("@plc-console")
    assert (created.sequence, created.announced_sequence) == (0, None)
    assert created.ends_at == MONDAY.replace(hour=16, minute=30)
    assert created.topic is not None and created.topic.key == "engagement"
    shown = get_meeting(session, created.id, today=TODAY)
    assert [(e.kind, e.actor) for e in shown.events] == [(MeetingsEventKind.CREATED, "tester")]
    assert list_meetings(session) == [created]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"title": "  "}, "title_required"),
        ({"place": None, "link": None}, "place_required"),
        ({"duration": 5}, "duration"),
        ({"duration": 13 * 60}, "duration"),
        ({"capacity": 0}, "capacity"),
        ({"title": "т" * 201}, "too_long"),
    ],
)
def test_forms_a_meeting_cannot_be_are_refused(
    session: Session, change: dict[str, object], reason: str
) -> None:
    with pytest.raises(MeetingInvalid) as refused:
        mt.create_meeting(session, form(**change), actor="tester", now=NOW)  # type: ignore[arg-type]
    assert refused.value.reason == reason


def test_requests_experts_invitees_and_sources_are_added_and_removed(session: Session) -> None:
    asked = request(session)
    helper = expert(session)
    mother = person(session, "Петрова Мария", Role.PARENT, "+7 900 111-22-33")
    meeting = mt.create_meeting(session, form(capacity=2), actor="tester", now=NOW)
    v = mt.add_request(
        session, meeting.id, meeting.version, asked.id, actor="t", now=NOW, invite_requester=True
    ).version
    v = mp.add_expert(session, meeting.id, v, helper, actor="t", now=NOW).version
    v = mp.add_invitee(session, meeting.id, v, mother, actor="t", now=NOW).version
    v = mt.add_source(
        session, meeting.id, v, MeetingSourceKind.LINK, "ФИПИ", url="https://fipi.ru", actor="t"
    ).version
    v = mt.add_source(
        session, meeting.id, v, MeetingSourceKind.LITERATURE, "Выготский", actor="t"
    ).version
    session.commit()
    shown = get_meeting(session, meeting.id, today=TODAY)
    assert [r.number for r in shown.requests] == [asked.number]
    assert [(i.full_name, i.role) for i in shown.invitees] == [
        ("Козлов Иван Петрович", Role.TEACHER),
        ("Петрова Мария", Role.PARENT),
    ]
    assert [(e.full_name, e.confirmed) for e in shown.experts] == [
        ("Иванова Анна Сергеевна", False)
    ]
    assert [s.kind for s in shown.sources] == [MeetingSourceKind.LINK, MeetingSourceKind.LITERATURE]
    assert shown.summary.version == v
    assert meetings_of_request(session, asked.id) == [shown.summary]
    # Capacity counts invited people: two of two.
    third = person(session, "Сидоров Олег", Role.TEACHER, "sidorov@school.ru")
    with pytest.raises(MeetingInvalid, match="full"):
        mp.add_invitee(session, meeting.id, v, third, actor="t", now=NOW)
    with pytest.raises(MeetingInvalid, match="expert_already"):
        mp.add_expert(session, meeting.id, v, helper, actor="t", now=NOW)
    with pytest.raises(MeetingInvalid, match="source_url_required"):
        mt.add_source(session, meeting.id, v, MeetingSourceKind.LINK, "без адреса", actor="t")
    v = mp.remove_invitee(session, meeting.id, v, mother, actor="t", now=NOW).version
    v = mp.remove_expert(session, meeting.id, v, helper, actor="t", now=NOW).version
    v = mt.remove_source(session, meeting.id, v, shown.sources[0].id, actor="t", now=NOW).version
    v = mt.remove_request(session, meeting.id, v, asked.id, actor="t", now=NOW).version
    session.commit()
    after = get_meeting(session, meeting.id, today=TODAY)
    assert (after.requests, after.experts) == ((), ())
    assert [s.text for s in after.sources] == ["Выготский"]
    assert after.summary.version == v
    # Still planned, never announced: the calendar SEQUENCE stays 0.
    assert after.summary.sequence == 0


def test_a_closed_request_cannot_join_a_meeting(session: Session) -> None:
    asked = request(session)
    rq_closed = request(session, "Другое", name="Орлова Ольга", contact="orlova@mail.ru")
    close_request(session, rq_closed.id, rq_closed.version, CloseReason.WITHDRAWN, actor="t")
    meeting = mt.create_meeting(session, form(), actor="tester", now=NOW)
    v = mt.add_request(session, meeting.id, meeting.version, asked.id, actor="t").version
    with pytest.raises(MeetingInvalid, match="request_closed"):
        mt.add_request(session, meeting.id, v, rq_closed.id, actor="t")
    with pytest.raises(MeetingInvalid, match="request_already"):
        mt.add_request(session, meeting.id, v, asked.id, actor="t")


def test_a_change_on_a_stale_version_is_refused(database: Database) -> None:
    with transaction(database.sessions) as session:
        meeting = mt.create_meeting(session, form(), actor="a", now=NOW)
    with transaction(database.sessions) as session:
        mt.edit_meeting(session, meeting.id, meeting.version, form(duration=60), actor="a", now=NOW)
    with pytest.raises(MeetingStale), transaction(database.sessions) as session:
        mt.edit_meeting(session, meeting.id, meeting.version, form(duration=45), actor="b", now=NOW)
    with database.sessions() as session:
        shown = get_meeting(session, meeting.id, today=TODAY)
    assert shown.summary.duration_minutes == 60
    assert shown.summary.version == meeting.version + 1


def test_an_edit_that_changes_nothing_writes_nothing(session: Session) -> None:
    meeting = mt.create_meeting(session, form(), actor="a", now=NOW)
    same = mt.edit_meeting(session, meeting.id, meeting.version, form(), actor="a", now=NOW)
    assert same.version == meeting.version
    moved = mt.edit_meeting(
        session, meeting.id, meeting.version, form(starts_at=MONDAY + timedelta(days=1)), actor="a"
    )
    assert moved.version == meeting.version + 1
    assert get_meeting(session, meeting.id, today=TODAY).events[-1].note == "starts_at"


def test_unknown_meetings_are_named(session: Session) -> None:
    with pytest.raises(MeetingNotFound) as missing:
        get_meeting(session, 404, today=TODAY)
    assert missing.value.params == {"ref": 404}


# --- double bookings -------------------------------------------------------------------------


def _booked(session: Session) -> tuple[int, int, int]:
    """A meeting on Monday 15:00–16:30 in room 204 with an expert and a teacher invited."""
    helper = expert(session)
    teacher = person(session, "Сидоров Олег", Role.TEACHER, "sidorov@school.ru")
    first = mt.create_meeting(session, form("Первая встреча"), actor="t", now=NOW)
    v = mp.add_expert(session, first.id, first.version, helper, actor="t", now=NOW).version
    mp.add_invitee(session, first.id, v, teacher, actor="t", now=NOW)
    session.commit()
    return first.id, helper, teacher


def test_a_room_booked_twice_is_refused_naming_the_other_meeting(session: Session) -> None:
    _booked(session)
    overlapping = form("Вторая", MONDAY + timedelta(hours=1), place="цнппм  ауд 204")
    with pytest.raises(MeetingConflict) as refused:
        mt.create_meeting(session, overlapping, actor="t", now=NOW)
    session.rollback()
    clash = refused.value.clashes[0]
    assert (clash.kind, clash.title, clash.starts_at) == (
        MeetingSlotClash.ROOM,
        "Первая встреча",
        MONDAY,
    )
    assert refused.value.code == "meetings.error.conflict_room"
    assert refused.value.params["title"] == "Первая встреча"
    assert refused.value.params["when"] == "2026-12-14 15:00"
    assert list_meetings(session)[-1].title == "Первая встреча"  # nothing was written
    # Back to back in the same room, or the same time in another room: no clash.
    mt.create_meeting(
        session, replace(overlapping, starts_at=MONDAY + timedelta(minutes=90)), actor="t"
    )
    mt.create_meeting(session, replace(overlapping, place="ИРО, конференц-зал"), actor="t")
    # Online meetings share no room.
    online = form("Онлайн 1", place="онлайн, Сферум", link="https://sferum.ru/1")
    mt.create_meeting(session, online, actor="t")
    mt.create_meeting(session, replace(online, title="Онлайн 2"), actor="t")


def test_an_expert_booked_twice_is_refused_unless_overridden(session: Session) -> None:
    first_id, helper, _ = _booked(session)
    second = mt.create_meeting(
        session, form("Вторая", MONDAY + timedelta(minutes=30), place="ИРО"), actor="t"
    )
    session.commit()
    with pytest.raises(MeetingConflict) as refused:
        mp.add_expert(session, second.id, second.version, helper, actor="t", now=NOW)
    session.rollback()
    assert refused.value.clashes[0].kind is MeetingSlotClash.EXPERT
    assert refused.value.clashes[0].meeting_id == first_id
    assert refused.value.params["who"] == "Иванова Анна Сергеевна"
    booked = mp.add_expert(
        session,
        second.id,
        second.version,
        helper,
        actor="t",
        now=NOW,
        override_note="эксперт подключится на полчаса",
    )
    session.commit()
    events = get_meeting(session, second.id, today=TODAY).events
    assert events[-1].kind is MeetingsEventKind.OVERRIDDEN
    assert events[-1].note is not None
    assert events[-1].note.startswith("эксперт подключится на полчаса")
    assert "Первая встреча" in events[-1].note
    assert [c.kind for c in meeting_clashes(session, second.id)] == [MeetingSlotClash.EXPERT]
    # An accepted clash is not asked about again by later changes.
    mt.add_source(
        session, second.id, booked.version, MeetingSourceKind.LITERATURE, "Книга", actor="t"
    )


def test_an_invitee_booked_twice_is_refused_unless_overridden(session: Session) -> None:
    _, _, teacher = _booked(session)
    second = mt.create_meeting(
        session, form("Вторая", MONDAY - timedelta(minutes=30), place="ИРО"), actor="t"
    )
    with pytest.raises(MeetingConflict) as refused:
        mp.add_invitee(session, second.id, second.version, teacher, actor="t", now=NOW)
    session.rollback()
    assert [(c.kind, c.who) for c in refused.value.clashes] == [
        (MeetingSlotClash.INVITEE, "Сидоров Олег")
    ]
    second = mt.create_meeting(
        session, form("Вторая", MONDAY - timedelta(minutes=30), place="ИРО"), actor="t"
    )
    mp.add_invitee(
        session, second.id, second.version, teacher, actor="t", override_note="уйдёт пораньше"
    )


def test_moving_a_meeting_onto_a_booked_time_is_refused(session: Session) -> None:
    _, helper, _ = _booked(session)
    other = mt.create_meeting(
        session, form("Вторая", MONDAY + timedelta(days=1), place="ИРО"), actor="t"
    )
    v = mp.add_expert(session, other.id, other.version, helper, actor="t").version
    session.commit()
    with pytest.raises(MeetingConflict) as refused:
        mt.edit_meeting(session, other.id, v, form("Вторая", MONDAY, place="ИРО"), actor="t")
    session.rollback()
    assert [c.kind for c in refused.value.clashes] == [MeetingSlotClash.EXPERT]
    moved = mt.edit_meeting(
        session,
        other.id,
        v,
        form("Вторая", MONDAY, place="ЦНППМ, ауд. 204"),
        actor="t",
        override_note="так решили",
    )
    assert moved.starts_at == MONDAY
    kinds = sorted(c.kind.value for c in meeting_clashes(session, other.id))
    assert kinds == ["expert", "room"]


def test_cancelled_meetings_book_nothing(session: Session) -> None:
    first_id, _, _ = _booked(session)
    first = get_meeting(session, first_id, today=TODAY).summary
    cancel_meeting(session, first_id, first.version, actor="t", now=NOW)
    mt.create_meeting(session, form("На то же время"), actor="t")


# --- companions ------------------------------------------------------------------------------


def test_companions_share_topics_first_then_text(session: Session) -> None:
    problem = "Ученики 7 класса не хотят работать на уроке, скучают"
    asked = request(session, problem, topics=("engagement", "psychology"))
    both = request(
        session,
        "Совсем другое описание",
        name="А",
        contact="a@x.ru",
        topics=("engagement", "psychology"),
    )
    one_alike = request(session, problem.lower(), name="Б", contact="b@x.ru")
    one = request(session, "Про домашние задания", name="В", contact="c@x.ru")
    text_only = request(session, problem + "!", name="Г", contact="d@x.ru", topics=("dnevnik",))
    request(session, "Про Дневник.ру и оценки", name="Д", contact="e@x.ru", topics=("dnevnik",))
    request(session, problem, name="Е", contact="f@x.ru", stage=Stage.SESSION)
    found = suggest_companions(session, asked.id, limit=10)
    assert [c.request.id for c in found] == [both.id, one_alike.id, one.id, text_only.id]
    assert found[0].shared_topics == ("engagement", "psychology")
    assert found[1].similarity > found[2].similarity
    assert found[3].shared_topics == () and found[3].similarity >= 60
    assert [c.request.id for c in suggest_companions(session, asked.id, limit=2)] == [
        both.id,
        one_alike.id,
    ]
    # A request already on a planned meeting waits for nothing: it is not suggested.
    meeting = mt.create_meeting(session, form(), actor="t")
    mt.add_request(session, meeting.id, meeting.version, both.id, actor="t")
    assert both.id not in [c.request.id for c in suggest_companions(session, asked.id)]


# --- plan and settings -----------------------------------------------------------------------


def test_lead_times_are_stored_settings_and_shape_the_plan(session: Session) -> None:
    assert lead_times(session) == {
        MeetingStep.EXPERTS_CONFIRMED: 10,
        MeetingStep.ANNOUNCEMENT_POSTED: 7,
        MeetingStep.PREPARATION_SENT: 3,
    }
    set_lead_time(session, MeetingStep.PREPARATION_SENT, 5)
    with pytest.raises(MeetingInvalid):
        set_lead_time(session, MeetingStep.PREPARATION_SENT, 61)
    session.commit()
    assert lead_times(session)[MeetingStep.PREPARATION_SENT] == 5
    meeting = mt.create_meeting(session, form(), actor="t", now=NOW)
    # On Friday 4 December the experts (due 30 November) and the announcement (due
    # 3 December) are late; the preparation list is due on Monday 7 December.
    milestones = meeting_plan(session, meeting.id, date(2026, 12, 4))
    assert [(m.step, m.due, m.late) for m in milestones] == [
        (MeetingStep.EXPERTS_CONFIRMED, date(2026, 11, 30), True),
        (MeetingStep.ANNOUNCEMENT_POSTED, date(2026, 12, 3), True),
        (MeetingStep.PREPARATION_SENT, date(2026, 12, 7), False),
    ]
    set_lead_time(session, MeetingStep.PREPARATION_SENT, None)
    assert lead_times(session)[MeetingStep.PREPARATION_SENT] == 3


def test_milestones_are_done_by_confirming_experts_and_sending_the_list(session: Session) -> None:
    helper = expert(session)
    meeting = mt.create_meeting(session, form(), actor="t", now=NOW)
    v = mp.add_expert(session, meeting.id, meeting.version, helper, actor="t").version
    late_day = date(2026, 12, 10)
    shown = get_meeting(session, meeting.id, today=late_day)
    assert [m.step for m in shown.late] == list(MeetingStep)
    v = mp.confirm_expert(session, meeting.id, v, helper, actor="t").version
    mt.mark_preparation_sent(session, meeting.id, v, actor="t")
    shown = get_meeting(session, meeting.id, today=late_day)
    assert [m.step for m in shown.late] == [MeetingStep.ANNOUNCEMENT_POSTED]
    assert shown.experts[0].confirmed
    assert shown.preparation_sent_at is not None


def test_refusals_carry_catalogued_messages(session: Session) -> None:
    meeting = mt.create_meeting(session, form(), actor="t", now=NOW)
    with pytest.raises(PlcError) as refused:
        mp.add_expert(session, meeting.id, meeting.version, 999, actor="t")
    assert refused.value.code in catalog("en")
    assert "999" in Translator("ru")(refused.value.code, **refused.value.params)
