"""Who comes to a meeting: experts (confirmed or not) and invited people.

Part of the meeting API (see :mod:`plc_console.services.meetings` for the rules every
change follows: expected version, an event, the calendar SEQUENCE once announced).
Adding an expert or an invitee booked at an overlapping meeting is refused with
``MeetingConflict`` unless ``override_note`` is given. Capacity counts invited people;
experts lead the meeting and are not counted. Confirming an expert changes nothing in
the calendar file, so it does not raise the SEQUENCE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from plc_console.db.models import Expert, MeetingExpert, MeetingInvitee, Person
from plc_console.services.clock import utcnow
from plc_console.services.meetings import check_capacity, locked_for_change, record_change
from plc_console.services.meetings_conflicts import check_new_clashes, clash_keys
from plc_console.services.meetings_read import summarize
from plc_console.services.meetings_views import MeetingInvalid, MeetingSummary


def add_expert(
    session: Session,
    meeting_id: int,
    expected_version: int,
    expert_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    confirmed: bool = False,
    override_note: str | None = None,
) -> MeetingSummary:
    """Put an active expert on the meeting; one booked elsewhere then needs ``override_note``."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise MeetingInvalid("unknown_expert", ref=expert_id)
    if not expert.active:
        raise MeetingInvalid("expert_inactive", name=expert.full_name)
    if any(e.expert_id == expert_id for e in meeting.experts):
        raise MeetingInvalid("expert_already", name=expert.full_name)
    before = clash_keys(session, meeting)
    meeting.experts.append(MeetingExpert(expert=expert, confirmed=confirmed))
    summary = record_change(session, meeting, f"+ {expert.full_name}", actor=actor, now=now)
    if check_new_clashes(
        session, meeting, before, override_note=override_note, actor=actor, now=now
    ):
        session.flush()
        summary = summarize(meeting)
    return summary


def confirm_expert(
    session: Session,
    meeting_id: int,
    expected_version: int,
    expert_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    confirmed: bool = True,
) -> MeetingSummary:
    """Record that an expert confirmed they will come (or, with False, withdrew that)."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    link = next((e for e in meeting.experts if e.expert_id == expert_id), None)
    if link is None:
        raise MeetingInvalid("not_on_meeting", ref=expert_id)
    link.confirmed = confirmed
    note = f"{'✓' if confirmed else '?'} {link.expert.full_name}"
    return record_change(session, meeting, note, actor=actor, now=now, calendar=False)


def remove_expert(
    session: Session,
    meeting_id: int,
    expected_version: int,
    expert_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> MeetingSummary:
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    link = next((e for e in meeting.experts if e.expert_id == expert_id), None)
    if link is None:
        raise MeetingInvalid("not_on_meeting", ref=expert_id)
    name = link.expert.full_name
    meeting.experts.remove(link)
    return record_change(session, meeting, f"− {name}", actor=actor, now=now)


def add_invitee(
    session: Session,
    meeting_id: int,
    expected_version: int,
    person_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    override_note: str | None = None,
) -> MeetingSummary:
    """Invite a person (in their role: teacher, parent, student, other) within capacity;
    one invited elsewhere at that time needs ``override_note``."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    person = session.get(Person, person_id)
    if person is None:
        raise MeetingInvalid("unknown_person", ref=person_id)
    if any(i.person_id == person_id for i in meeting.invitees):
        raise MeetingInvalid("invitee_already", name=person.full_name)
    check_capacity(meeting)
    before = clash_keys(session, meeting)
    meeting.invitees.append(MeetingInvitee(person=person, role=person.role))
    summary = record_change(session, meeting, f"+ {person.full_name}", actor=actor, now=now)
    if check_new_clashes(
        session, meeting, before, override_note=override_note, actor=actor, now=now
    ):
        session.flush()
        summary = summarize(meeting)
    return summary


def remove_invitee(
    session: Session,
    meeting_id: int,
    expected_version: int,
    person_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> MeetingSummary:
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    link = next((i for i in meeting.invitees if i.person_id == person_id), None)
    if link is None:
        raise MeetingInvalid("not_on_meeting", ref=person_id)
    name = link.person.full_name
    meeting.invitees.remove(link)
    return record_change(session, meeting, f"− {name}", actor=actor, now=now)
