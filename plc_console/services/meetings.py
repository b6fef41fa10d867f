"""Meetings: create and edit them, and their requests, experts, invitees and preparation list.

A meeting (issue 6) addresses one or more requests; experts and invited people (teachers,
and parents or students when useful) come to it; participants study its preparation list
beforehand. Its status goes planned → announced (again after changes) → held, or
cancelled from planned or announced.

Every function takes a Session and leaves committing to the caller (roll back on any
error). Every change names the ``expected_version`` of the meeting the caller read and
is refused with ``MeetingStale`` if someone changed it meanwhile; it bumps the version,
writes a meeting event (``MeetingDetail.events``) and, once the meeting was announced,
raises the calendar SEQUENCE (``MeetingSummary.needs_announcement`` then says the files
should be written again). Changes that could double-book someone (time, place, experts,
invitees) are checked (:mod:`~plc_console.services.meetings_conflicts`): refused with
``MeetingConflict`` unless ``override_note`` is given. Times: ``MeetingForm.starts_at``
is the community's local wall-clock time; ``now`` is UTC (defaults to the clock).

The whole meeting API, by module (views and errors: :mod:`.meetings_views`):

- here: :func:`create_meeting`, :func:`edit_meeting`, :func:`add_request`,
  :func:`remove_request`, :func:`add_source`, :func:`remove_source`,
  :func:`mark_preparation_sent`;
- :mod:`.meetings_people`: ``add_expert``, ``confirm_expert``, ``remove_expert``,
  ``add_invitee``, ``remove_invitee``;
- :mod:`.meetings_read`: ``list_meetings``, ``get_meeting`` (with the backward plan),
  ``meetings_of_request``;
- :mod:`.meetings_flow`: ``announce``, ``cancel_meeting``, ``record_held`` (calendar
  files, plain-text announcements, request stage moves);
- :mod:`.meetings_plan`: ``lead_times``/``set_lead_time``, ``meeting_plan``,
  ``organizer_email``/``set_organizer_email``;
- :mod:`.meetings_conflicts`: ``meeting_clashes``;
- :mod:`.meetings_companions`: ``suggest_companions``;
- :mod:`.meetings_ics`: ``calendar_bytes``, ``announcement_text``, ``local_zone``.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from plc_console.db.models import (
    Meeting,
    MeetingEvent,
    MeetingInvitee,
    MeetingRequest,
    MeetingSource,
    Request,
)
from plc_console.domain import (
    MeetingsEventKind,
    MeetingSourceKind,
    MeetingStatus,
    check_meeting_status,
)
from plc_console.services.clock import utcnow
from plc_console.services.errors import NotFound
from plc_console.services.meetings_conflicts import check_new_clashes, clash_keys
from plc_console.services.meetings_read import load_meeting, summarize
from plc_console.services.meetings_views import (
    MAX_DURATION_MINUTES,
    MeetingForm,
    MeetingInvalid,
    MeetingStale,
    MeetingSummary,
)
from plc_console.services.reference import topics_by_key

MIN_DURATION_MINUTES = 15
_LIMITS = {"title": 200, "place": 300, "online_link": 500, "text": 500, "url": 500}


def new_uid() -> str:
    """A calendar UID that stays the meeting's for good (RFC 5545 wants it unique)."""
    return f"{uuid.uuid4()}@plc-console"


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _check_length(name: str, value: str | None) -> None:
    if value is not None and len(value) > _LIMITS[name]:
        raise MeetingInvalid("too_long", field=name, limit=_LIMITS[name])


def validate_form(form: MeetingForm) -> None:
    """Refuse what a meeting cannot be: no title, no place or link, odd length or size."""
    if not _clean(form.title):
        raise MeetingInvalid("title_required")
    if form.starts_at.tzinfo is not None:
        raise MeetingInvalid("local_time")
    if not MIN_DURATION_MINUTES <= form.duration_minutes <= MAX_DURATION_MINUTES:
        raise MeetingInvalid(
            "duration",
            low=MIN_DURATION_MINUTES,
            high=MAX_DURATION_MINUTES,
            value=form.duration_minutes,
        )
    if not (_clean(form.place) or _clean(form.online_link)):
        raise MeetingInvalid("place_required")
    if form.capacity is not None and form.capacity < 1:
        raise MeetingInvalid("capacity", value=form.capacity)
    for name in ("title", "place", "online_link"):
        _check_length(name, _clean(getattr(form, name)))


def _apply(session: Session, meeting: Meeting, form: MeetingForm) -> list[str]:
    """Put the form's values on the meeting; the names of the fields that changed."""
    topic = topics_by_key(session, [form.topic_key])[0] if form.topic_key else None
    values = {
        "title": _clean(form.title),
        "starts_at": form.starts_at.replace(second=0, microsecond=0),
        "duration_minutes": form.duration_minutes,
        "place": _clean(form.place),
        "online_link": _clean(form.online_link),
        "capacity": form.capacity,
        "topic": topic,
    }
    changed = [name for name, value in values.items() if getattr(meeting, name, None) != value]
    for name in changed:
        setattr(meeting, name, values[name])
    return changed


def _event(
    meeting: Meeting, kind: MeetingsEventKind, actor: str, now: datetime, note: str | None
) -> None:
    meeting.events.append(MeetingEvent(at=now, actor=actor, kind=kind, note=note))


def _touch(meeting: Meeting, now: datetime, *, calendar: bool = True) -> None:
    """Mark the meeting changed: its version moves on, and its SEQUENCE once announced."""
    meeting.updated_at = now
    # Even at an unchanged timestamp the row is written, so the version always moves.
    flag_modified(meeting, "updated_at")
    if calendar and meeting.announced_sequence is not None:
        meeting.sequence += 1


def locked_for_change(session: Session, meeting_id: int, expected_version: int) -> Meeting:
    """The meeting, if still at the version the caller read and not held or cancelled."""
    meeting = load_meeting(session, meeting_id)
    if meeting.version != expected_version:
        raise MeetingStale(meeting.title)
    if meeting.status.is_final:
        check_meeting_status(meeting.status, MeetingStatus.ANNOUNCED)
    return meeting


def flush_or_stale(session: Session, meeting: Meeting) -> None:
    """Write the change; a writer who committed since the version check makes it stale."""
    title = meeting.title
    try:
        session.flush()
    except StaleDataError as exc:
        raise MeetingStale(title) from exc


def create_meeting(
    session: Session,
    form: MeetingForm,
    *,
    actor: str,
    now: datetime | None = None,
    override_note: str | None = None,
    uid: str | None = None,
) -> MeetingSummary:
    """Plan a meeting; a room booked at an overlapping time needs ``override_note``."""
    now = now or utcnow()
    validate_form(form)
    meeting = Meeting(
        uid=uid or new_uid(),
        status=MeetingStatus.PLANNED,
        sequence=0,
        created_at=now,
        updated_at=now,
        requests=[],
        experts=[],
        invitees=[],
        sources=[],
    )
    _apply(session, meeting, form)
    session.add(meeting)
    _event(meeting, MeetingsEventKind.CREATED, actor, now, None)
    session.flush()
    check_new_clashes(session, meeting, (), override_note=override_note, actor=actor, now=now)
    session.flush()
    return summarize(meeting)


def edit_meeting(
    session: Session,
    meeting_id: int,
    expected_version: int,
    form: MeetingForm,
    *,
    actor: str,
    now: datetime | None = None,
    override_note: str | None = None,
) -> MeetingSummary:
    """Change the meeting's fields (the whole form); nothing changed writes nothing."""
    now = now or utcnow()
    validate_form(form)
    meeting = locked_for_change(session, meeting_id, expected_version)
    before = clash_keys(session, meeting)
    changed = _apply(session, meeting, form)
    if not changed:
        return summarize(meeting)
    _touch(meeting, now)
    _event(meeting, MeetingsEventKind.EDITED, actor, now, ", ".join(changed))
    flush_or_stale(session, meeting)
    check_new_clashes(session, meeting, before, override_note=override_note, actor=actor, now=now)
    session.flush()
    return summarize(meeting)


def record_change(
    session: Session,
    meeting: Meeting,
    note: str,
    *,
    actor: str,
    now: datetime,
    calendar: bool = True,
) -> MeetingSummary:
    """Finish a change of a meeting's lists: version (and SEQUENCE, if ``calendar``) moved
    on, an "edited" event with ``note``, written or refused as stale."""
    _touch(meeting, now, calendar=calendar)
    _event(meeting, MeetingsEventKind.EDITED, actor, now, note)
    flush_or_stale(session, meeting)
    return summarize(meeting)


def add_request(
    session: Session,
    meeting_id: int,
    expected_version: int,
    request_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    invite_requester: bool = False,
    override_note: str | None = None,
) -> MeetingSummary:
    """Let the meeting address a request (open ones only); ``invite_requester`` also
    invites the person who asked. Its stage moves when the meeting is announced."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(request_id)
    if request.stage.is_terminal:
        raise MeetingInvalid("request_closed", number=request.number, stage=request.stage)
    if any(link.request_id == request_id for link in meeting.requests):
        raise MeetingInvalid("request_already", number=request.number)
    before = clash_keys(session, meeting)
    meeting.requests.append(MeetingRequest(request=request))
    invited = invite_requester and not any(
        i.person_id == request.person_id for i in meeting.invitees
    )
    if invited:
        check_capacity(meeting)
        person = request.person
        meeting.invitees.append(MeetingInvitee(person=person, role=person.role))
    summary = record_change(session, meeting, f"+ {request.number}", actor=actor, now=now)
    if invited and check_new_clashes(
        session, meeting, before, override_note=override_note, actor=actor, now=now
    ):
        session.flush()
        summary = summarize(meeting)
    return summary


def remove_request(
    session: Session,
    meeting_id: int,
    expected_version: int,
    request_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> MeetingSummary:
    """The meeting no longer addresses the request (its stage stays where it is)."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    link = next((r for r in meeting.requests if r.request_id == request_id), None)
    if link is None:
        raise MeetingInvalid("not_on_meeting", ref=request_id)
    number = link.request.number
    meeting.requests.remove(link)
    return record_change(session, meeting, f"− {number}", actor=actor, now=now)


def check_capacity(meeting: Meeting) -> None:
    # Capacity counts invited people; experts lead the meeting and are not counted.
    if meeting.capacity is not None and len(meeting.invitees) >= meeting.capacity:
        raise MeetingInvalid("full", capacity=meeting.capacity)


def add_source(
    session: Session,
    meeting_id: int,
    expected_version: int,
    kind: MeetingSourceKind,
    text: str,
    *,
    actor: str,
    now: datetime | None = None,
    url: str | None = None,
    product_id: int | None = None,
) -> MeetingSummary:
    """Add an item to the end of the preparation list: literature (a reference), a link
    (needs ``url``) or a published product (its title, and its id when known)."""
    now = now or utcnow()
    cleaned, link = _clean(text), _clean(url)
    if not cleaned:
        raise MeetingInvalid("source_text_required")
    if kind is MeetingSourceKind.LINK and not link:
        raise MeetingInvalid("source_url_required")
    _check_length("text", cleaned)
    _check_length("url", link)
    meeting = locked_for_change(session, meeting_id, expected_version)
    position = max((s.position for s in meeting.sources), default=0) + 1
    meeting.sources.append(
        MeetingSource(position=position, kind=kind, text=cleaned, url=link, product_id=product_id)
    )
    return record_change(session, meeting, f"+ {cleaned}", actor=actor, now=now)


def remove_source(
    session: Session,
    meeting_id: int,
    expected_version: int,
    source_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> MeetingSummary:
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    source = next((s for s in meeting.sources if s.id == source_id), None)
    if source is None:
        raise MeetingInvalid("not_on_meeting", ref=source_id)
    meeting.sources.remove(source)
    return record_change(session, meeting, f"− {source.text}", actor=actor, now=now)


def mark_preparation_sent(
    session: Session,
    meeting_id: int,
    expected_version: int,
    *,
    actor: str,
    now: datetime | None = None,
    sent: bool = True,
) -> MeetingSummary:
    """Record that the preparation list went out to the participants (a milestone of
    the plan), or with False that it has not."""
    now = now or utcnow()
    meeting = locked_for_change(session, meeting_id, expected_version)
    meeting.preparation_sent_at = now if sent else None
    note = "preparation list sent" if sent else "preparation list not sent"
    return record_change(session, meeting, note, actor=actor, now=now, calendar=False)
