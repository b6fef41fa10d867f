"""Announcing, cancelling and holding meetings on SQLite and PostgreSQL: the calendar
files read back with the icalendar library, the texts, and the requests' stage moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from plc_console.domain import (
    CloseReason,
    EventKind,
    MeetingsEventKind,
    MeetingSourceKind,
    MeetingStatus,
    Role,
    RuleViolation,
    Stage,
)
from plc_console.services import meetings as mt
from plc_console.services import meetings_people as mp
from plc_console.services.meetings_flow import announce, cancel_meeting, record_held
from plc_console.services.meetings_plan import set_organizer_email
from plc_console.services.meetings_read import get_meeting
from plc_console.services.meetings_views import MeetingInvalid, MeetingSummary
from plc_console.services.requests import close_request, get_request
from tests.conftest import NOW
from tests.unit.meeting_helpers import MONDAY, expert, form, person, request

MOSCOW = ZoneInfo("Europe/Moscow")
#: Monday 14 December 2026, 17:00 in Moscow: the meeting (15:00–16:30) is over.
AFTER = datetime(2026, 12, 14, 14, 0)
PARENT = ("Петрова Мария Ивановна", "+7 900 111-22-33")
STUDENT = ("Смирнов Коля", "kolya.smirnov@mail.ru")


def _event(path: Path) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(path.read_bytes())
    (event,) = calendar.events
    return calendar, event


def _meeting(session: Session) -> tuple[MeetingSummary, dict[str, int]]:
    """A meeting on four requests at different stages, with an expert, a teacher (who asked),
    a parent and a student invited."""
    at_received = request(session, "Дети не слушают", stage=Stage.RECEIVED)
    at_triage = request(session, "Не хотят работать", name="Белова Нина", contact="b@x.ru")
    ahead = request(session, "Скучно", name="В", contact="v@x.ru", stage=Stage.PREPARATION)
    closed = request(session, "Неважно", name="Г", contact="g@x.ru")
    close_request(session, closed.id, closed.version, CloseReason.WITHDRAWN, actor="t", now=NOW)
    helper = expert(session, "Иванова Анна Сергеевна", "Иванова, ivanova@cnppm.ru")
    parent = person(session, *PARENT[:1], Role.PARENT, PARENT[1])
    student = person(session, STUDENT[0], Role.STUDENT, STUDENT[1])
    created = mt.create_meeting(session, form(), actor="t", now=NOW)
    v = created.version
    for asked in (at_received, at_triage, ahead):
        v = mt.add_request(
            session,
            created.id,
            v,
            asked.id,
            actor="t",
            now=NOW,
            invite_requester=asked is at_triage,
        ).version
    v = mp.add_expert(session, created.id, v, helper, actor="t", now=NOW).version
    v = mp.add_invitee(session, created.id, v, parent, actor="t", now=NOW).version
    v = mp.add_invitee(session, created.id, v, student, actor="t", now=NOW).version
    # The closed request was on the meeting before it closed: it must stay closed.
    ids = {
        "received": at_received.id,
        "triage": at_triage.id,
        "ahead": ahead.id,
        "closed": closed.id,
        "expert": helper,
        "parent": parent,
        "student": student,
    }
    session.commit()
    return get_meeting(session, created.id, today=NOW.date()).summary, ids


def _stage(session: Session, request_id: int) -> Stage:
    return get_request(session, request_id).summary.stage


def test_announcing_writes_an_invitation_and_moves_earlier_requests(
    session: Session, tmp_path: Path
) -> None:
    meeting, ids = _meeting(session)
    set_organizer_email(session, "plc@cnppm.ru")
    outcome = announce(
        session,
        meeting.id,
        meeting.version,
        out_dir=tmp_path / "exports",
        actor="Коорд",
        now=NOW,
        tz=MOSCOW,
        lang="ru",
    )
    session.commit()
    assert outcome.meeting.status is MeetingStatus.ANNOUNCED
    assert outcome.calendar_path == tmp_path / "exports" / f"meeting-{meeting.id}.ics"
    assert outcome.text_path == tmp_path / "exports" / f"meeting-{meeting.id}.txt"
    assert {r.id for r in outcome.moved} == {ids["received"], ids["triage"]}
    assert _stage(session, ids["received"]) is Stage.SCHEDULED
    assert _stage(session, ids["triage"]) is Stage.SCHEDULED
    assert _stage(session, ids["ahead"]) is Stage.PREPARATION  # further on: stays
    # Received → triage → scheduled: one stage at a time, each an event naming the meeting.
    history = get_request(session, ids["received"]).events
    moves = [(e.kind, e.to_stage) for e in history if e.kind is EventKind.MOVED]
    assert moves[-2:] == [(EventKind.MOVED, Stage.TRIAGE), (EventKind.MOVED, Stage.SCHEDULED)]
    assert "Мотивация в 7 классе" in (history[-1].note or "")

    assert outcome.calendar_path is not None
    calendar, event = _event(outcome.calendar_path)
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.timezones] == ["Europe/Moscow"]
    assert event["UID"] == meeting.uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == MONDAY.replace(tzinfo=MOSCOW)
    assert event.decoded("DTEND") == MONDAY.replace(hour=16, minute=30, tzinfo=MOSCOW)
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert str(event["ORGANIZER"]) == "mailto:plc@cnppm.ru"
    assert str(event["LOCATION"]) == "ЦНППМ, ауд. 204"
    attendees = {str(a.params["CN"]): a for a in event.get("ATTENDEE")}
    # The expert and the teacher who asked; not the parent, not the student.
    assert sorted(attendees) == ["Белова Нина", "Иванова Анна Сергеевна"]
    assert str(attendees["Иванова Анна Сергеевна"]) == "mailto:ivanova@cnppm.ru"
    assert str(attendees["Белова Нина"]) == "mailto:b@x.ru"
    assert all(a.params["RSVP"] == "TRUE" for a in attendees.values())
    # The description names requests by number, not by who asked or what.
    description = str(event["DESCRIPTION"])
    assert get_request(session, ids["triage"]).summary.number in description
    assert "Не хотят работать" not in description


def test_no_personal_data_of_parents_or_students_goes_into_the_files(
    session: Session, tmp_path: Path
) -> None:
    meeting, _ = _meeting(session)
    outcome = announce(
        session, meeting.id, meeting.version, out_dir=tmp_path, actor="t", now=NOW, tz=MOSCOW
    )
    assert outcome.calendar_path is not None and outcome.text_path is not None
    written = Calendar.from_ical(outcome.calendar_path.read_bytes()).to_ical().decode()
    unfolded = written.replace("\r\n ", "")
    text = outcome.text_path.read_text(encoding="utf-8")
    for secret in (*PARENT, *STUDENT, "Петрова", "Смирнов", "9001112233"):
        assert secret not in unfolded, secret
        assert secret not in text, secret


def test_every_change_after_the_announcement_raises_the_sequence(
    session: Session, tmp_path: Path
) -> None:
    meeting, _ = _meeting(session)
    first = announce(
        session, meeting.id, meeting.version, out_dir=tmp_path, actor="t", now=NOW, tz=MOSCOW
    )
    assert first.calendar_path is not None
    _, event = _event(first.calendar_path)
    uid, sequences = event["UID"], [event["SEQUENCE"]]
    later = form(starts_at=MONDAY + timedelta(hours=1))
    changed = mt.edit_meeting(session, meeting.id, first.meeting.version, later, actor="t", now=NOW)
    assert changed.needs_announcement
    changed = mt.add_source(
        session, meeting.id, changed.version, MeetingSourceKind.LITERATURE, "Книга", actor="t"
    )
    assert (changed.sequence, changed.announced_sequence) == (2, 0)
    again = announce(
        session, meeting.id, changed.version, out_dir=tmp_path, actor="t", now=NOW, tz=MOSCOW
    )
    assert not again.meeting.needs_announcement
    assert again.moved == ()  # the requests are at scheduled already
    _, event = _event(tmp_path / f"meeting-{meeting.id}.ics")
    sequences.append(event["SEQUENCE"])
    assert event["UID"] == uid
    assert event.decoded("DTSTART") == (MONDAY + timedelta(hours=1)).replace(tzinfo=MOSCOW)
    # Announcing again without a change keeps the SEQUENCE.
    same = announce(
        session, meeting.id, again.meeting.version, out_dir=tmp_path, actor="t", now=NOW, tz=MOSCOW
    )
    _, event = _event(tmp_path / f"meeting-{meeting.id}.ics")
    sequences.append(event["SEQUENCE"])
    cancelled = cancel_meeting(
        session,
        meeting.id,
        same.meeting.version,
        actor="t",
        reason="Эксперт заболел",
        out_dir=tmp_path,
        now=NOW,
        tz=MOSCOW,
        lang="en",
    )
    assert cancelled.calendar_path is not None and cancelled.text_path is not None
    calendar, event = _event(cancelled.calendar_path)
    sequences.append(event["SEQUENCE"])
    assert sequences == [0, 2, 2, 3]
    assert event["UID"] == uid
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert len(event.get("ATTENDEE")) == 2  # the cancelled attendees are named
    notice = cancelled.text_path.read_text(encoding="utf-8")
    assert "cancelled" in notice and "Эксперт заболел" in notice
    events = get_meeting(session, meeting.id, today=NOW.date()).events
    assert [e.kind for e in events].count(MeetingsEventKind.ANNOUNCED) == 3
    assert events[-1].kind is MeetingsEventKind.CANCELLED


def test_a_meeting_never_announced_is_cancelled_without_files(
    session: Session, tmp_path: Path
) -> None:
    meeting, ids = _meeting(session)
    out = tmp_path / "exports"
    outcome = cancel_meeting(
        session, meeting.id, meeting.version, actor="t", out_dir=out, now=NOW, tz=MOSCOW
    )
    assert outcome.calendar_path is None and not out.exists()
    assert outcome.meeting.status is MeetingStatus.CANCELLED
    assert outcome.meeting.sequence == 0
    assert _stage(session, ids["triage"]) is Stage.TRIAGE
    with pytest.raises(RuleViolation) as refused:
        announce(
            session, meeting.id, outcome.meeting.version, out_dir=tmp_path, actor="t", tz=MOSCOW
        )
    assert refused.value.code == "meetings.rule.final"


def test_recording_the_meeting_as_held_moves_requests_to_joint_work(
    session: Session, tmp_path: Path
) -> None:
    meeting, ids = _meeting(session)
    announced = announce(
        session, meeting.id, meeting.version, out_dir=tmp_path, actor="t", now=NOW, tz=MOSCOW
    )
    with pytest.raises(MeetingInvalid, match="not_started"):
        record_held(
            session,
            meeting.id,
            announced.meeting.version,
            minutes="—",
            actor="t",
            now=MONDAY - timedelta(hours=3, minutes=1),
            tz=MOSCOW,
        )
    held = record_held(
        session,
        meeting.id,
        announced.meeting.version,
        minutes="  Составили план действий. ",
        actor="t",
        attended_people=[ids["parent"]],
        now=AFTER,
        tz=MOSCOW,
    )
    session.commit()
    assert held.meeting.status is MeetingStatus.HELD
    assert {r.id for r in held.moved} == {ids["received"], ids["triage"], ids["ahead"]}
    for key in ("received", "triage", "ahead"):
        assert _stage(session, ids[key]) is Stage.SESSION
    assert _stage(session, ids["closed"]) is Stage.CLOSED
    shown = get_meeting(session, meeting.id, today=AFTER.date())
    assert shown.minutes == "Составили план действий."
    assert [(e.full_name, e.attended) for e in shown.experts] == [("Иванова Анна Сергеевна", True)]
    came = {i.person_id: i.attended for i in shown.invitees}
    assert came[ids["parent"]] is True and came[ids["student"]] is False
    assert shown.events[-1].note == "2/4"
    assert shown.late == ()  # a held meeting has nothing left to do
    with pytest.raises(RuleViolation):
        mt.edit_meeting(session, meeting.id, shown.summary.version, form(), actor="t")


def test_a_meeting_already_over_is_not_announced(session: Session, tmp_path: Path) -> None:
    meeting, _ = _meeting(session)
    with pytest.raises(MeetingInvalid, match="in_past"):
        announce(
            session, meeting.id, meeting.version, out_dir=tmp_path, actor="t", now=AFTER, tz=MOSCOW
        )


def test_unknown_attendance_is_refused(session: Session, tmp_path: Path) -> None:
    meeting, _ = _meeting(session)
    with pytest.raises(MeetingInvalid, match="not_on_meeting"):
        record_held(
            session,
            meeting.id,
            meeting.version,
            minutes=None,
            actor="t",
            attended_experts=[12345],
            now=AFTER,
            tz=MOSCOW,
        )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["понедельник, 14 декабря 2026 г.", "15:00–16:30", "Где: ЦНППМ, ауд. 204"]),
        ("en", ["Monday, 14 December 2026", "15:00–16:30", "Where: ЦНППМ, ауд. 204"]),
    ],
)
def test_the_announcement_text_speaks_the_language_asked(
    session: Session, tmp_path: Path, lang: str, words: list[str]
) -> None:
    meeting, _ = _meeting(session)
    mt.add_source(
        session,
        meeting.id,
        meeting.version,
        MeetingSourceKind.LINK,
        "ФИПИ",
        url="https://fipi.ru/",
        actor="t",
    )
    current = get_meeting(session, meeting.id, today=NOW.date()).summary
    outcome = announce(
        session,
        meeting.id,
        current.version,
        out_dir=tmp_path,
        actor="t",
        now=NOW,
        tz=MOSCOW,
        lang=lang,
    )
    assert outcome.text_path is not None
    text = outcome.text_path.read_text(encoding="utf-8")
    for word in words:
        assert word in text
    assert "https://fipi.ru/" in text
    assert "Иванова Анна Сергеевна (ЦНППМ)" in text
