"""A meeting's status moves: announce it, cancel it, record it as held.

- :func:`announce` writes ``meeting-<id>.ics`` (METHOD:REQUEST) and ``meeting-<id>.txt``
  (the announcement for the community's page) into ``out_dir``, sets the status to
  announced and moves the meeting's requests that are at an earlier stage to
  ``scheduled``. Announcing again after changes writes the raised SEQUENCE.
- :func:`cancel_meeting` sets the status to cancelled; a meeting that was announced gets
  its SEQUENCE raised and METHOD:CANCEL files (STATUS:CANCELLED) written into
  ``out_dir``. The requests stay where they are: the coordinator decides.
- :func:`record_held` records attendance and short minutes, sets the status to held and
  moves the meeting's requests that are at an earlier stage to ``session``.

Requests move one stage at a time through
:func:`plc_console.services.requests.move_request` (each step an event with a note
naming the meeting); closed and done ones, and ones already further on, stay.
Files are written after the database changes are flushed, so a refused change writes
none; the caller commits. ``now`` is UTC; ``tz`` is the community's zone (default
:func:`~plc_console.services.meetings_ics.local_zone`); ``lang`` (ru or en) is the
language of the announcement and of the notes on the requests' moves.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from plc_console.db.models import Meeting, MeetingEvent
from plc_console.domain import (
    WORK_STAGES,
    MeetingsEventKind,
    MeetingStatus,
    Stage,
    check_meeting_status,
)
from plc_console.locale import Translator
from plc_console.services.clock import utcnow
from plc_console.services.meetings import flush_or_stale, locked_for_change
from plc_console.services.meetings_ics import announcement_text, calendar_bytes, local_zone
from plc_console.services.meetings_plan import organizer_email
from plc_console.services.meetings_read import detail, summarize
from plc_console.services.meetings_views import MeetingInvalid, MeetingOutcome
from plc_console.services.requests import move_request
from plc_console.services.views import RequestSummary


def calendar_path(out_dir: Path, meeting_id: int) -> Path:
    return out_dir / f"meeting-{meeting_id}.ics"


def text_path(out_dir: Path, meeting_id: int) -> Path:
    return out_dir / f"meeting-{meeting_id}.txt"


def local_now(now: datetime, tz: ZoneInfo) -> datetime:
    """A stored UTC time as the community's wall-clock time (how meetings are kept)."""
    return now.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)


def _when(meeting: Meeting) -> str:
    return f"{meeting.starts_at:%d.%m.%Y %H:%M}"


def _mark(
    meeting: Meeting, kind: MeetingsEventKind, actor: str, now: datetime, note: str | None
) -> None:
    meeting.updated_at = now
    flag_modified(meeting, "updated_at")
    meeting.events.append(MeetingEvent(at=now, actor=actor, kind=kind, note=note))


def advance_requests(
    session: Session, meeting: Meeting, target: Stage, *, actor: str, now: datetime, note: str
) -> tuple[RequestSummary, ...]:
    """Move the meeting's open requests that are before ``target`` up to it, a stage at
    a time; the moved ones as they are now."""
    moved: list[RequestSummary] = []
    for link in sorted(meeting.requests, key=lambda r: r.request.number):
        request = link.request
        summary: RequestSummary | None = None
        while not request.stage.is_terminal and request.stage.order < target.order:
            following = WORK_STAGES[request.stage.order + 1]
            summary = move_request(
                session, request.id, request.version, following, actor=actor, note=note, now=now
            )
        if summary is not None:
            moved.append(summary)
    return tuple(moved)


def _write(
    session: Session,
    meeting: Meeting,
    out_dir: Path,
    *,
    cancel: bool,
    actor: str,
    now: datetime,
    tz: ZoneInfo,
    lang: str,
    reason: str | None = None,
) -> tuple[Path, Path]:
    shown = detail(session, meeting, local_now(now, tz).date())
    ics = calendar_bytes(
        shown,
        cancel=cancel,
        tz=tz,
        organizer_name=actor,
        organizer_email=organizer_email(session),
        stamp=now,
        lang=lang,
    )
    text = announcement_text(shown, cancel=cancel, tz=tz, lang=lang, reason=reason)
    out_dir.mkdir(parents=True, exist_ok=True)
    ics_path, txt_path = calendar_path(out_dir, meeting.id), text_path(out_dir, meeting.id)
    ics_path.write_bytes(ics)
    txt_path.write_text(text, encoding="utf-8")
    return ics_path, txt_path


def announce(
    session: Session,
    meeting_id: int,
    expected_version: int,
    *,
    out_dir: Path | None,
    actor: str,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    lang: str = "ru",
) -> MeetingOutcome:
    """Announce the meeting (or announce its changes): calendar and text files, status
    announced, its earlier requests moved to ``scheduled``. A meeting already over is
    refused. ``out_dir`` None writes no files (demo data: the files went out long ago)."""
    now, tz = now or utcnow(), tz or local_zone()
    meeting = locked_for_change(session, meeting_id, expected_version)
    check_meeting_status(meeting.status, MeetingStatus.ANNOUNCED)
    if meeting.starts_at < local_now(now, tz):
        raise MeetingInvalid("in_past", when=_when(meeting))
    meeting.status = MeetingStatus.ANNOUNCED
    meeting.announced_sequence = meeting.sequence
    _mark(meeting, MeetingsEventKind.ANNOUNCED, actor, now, f"SEQUENCE {meeting.sequence}")
    flush_or_stale(session, meeting)
    note = Translator(lang)("meetings.note.announced", title=meeting.title, when=_when(meeting))
    moved = advance_requests(session, meeting, Stage.SCHEDULED, actor=actor, now=now, note=note)
    if out_dir is None:
        return MeetingOutcome(summarize(meeting), moved)
    ics, txt = _write(
        session, meeting, out_dir, cancel=False, actor=actor, now=now, tz=tz, lang=lang
    )
    return MeetingOutcome(summarize(meeting), moved, ics, txt)


def cancel_meeting(
    session: Session,
    meeting_id: int,
    expected_version: int,
    *,
    actor: str,
    reason: str | None = None,
    out_dir: Path | None = None,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    lang: str = "ru",
) -> MeetingOutcome:
    """Cancel a planned or announced meeting. One that was announced gets CANCEL files in
    ``out_dir`` (give it, or the attendees' calendars keep the meeting)."""
    now, tz = now or utcnow(), tz or local_zone()
    meeting = locked_for_change(session, meeting_id, expected_version)
    check_meeting_status(meeting.status, MeetingStatus.CANCELLED)
    announced = meeting.announced_sequence is not None
    meeting.status = MeetingStatus.CANCELLED
    if announced:
        meeting.sequence += 1
        meeting.announced_sequence = meeting.sequence
    cleaned = reason.strip() if reason and reason.strip() else None
    _mark(meeting, MeetingsEventKind.CANCELLED, actor, now, cleaned)
    flush_or_stale(session, meeting)
    if not (announced and out_dir is not None):
        return MeetingOutcome(summarize(meeting))
    ics, txt = _write(
        session,
        meeting,
        out_dir,
        cancel=True,
        actor=actor,
        now=now,
        tz=tz,
        lang=lang,
        reason=cleaned,
    )
    return MeetingOutcome(summarize(meeting), (), ics, txt)


def record_held(
    session: Session,
    meeting_id: int,
    expected_version: int,
    *,
    minutes: str | None,
    actor: str,
    attended_experts: Collection[int] | None = None,
    attended_people: Collection[int] | None = None,
    now: datetime | None = None,
    tz: ZoneInfo | None = None,
    lang: str = "ru",
) -> MeetingOutcome:
    """Record the meeting as held, once it has begun: who came (experts and invited
    people by id; None means everyone) and short minutes; its earlier requests move to
    ``session``."""
    now, tz = now or utcnow(), tz or local_zone()
    meeting = locked_for_change(session, meeting_id, expected_version)
    check_meeting_status(meeting.status, MeetingStatus.HELD)
    if meeting.starts_at > local_now(now, tz):
        raise MeetingInvalid("not_started", when=_when(meeting))
    experts = {e.expert_id for e in meeting.experts}
    people = {i.person_id for i in meeting.invitees}
    for given, known in ((attended_experts, experts), (attended_people, people)):
        unknown = sorted(set(given or ()) - known)
        if unknown:
            raise MeetingInvalid("not_on_meeting", ref=unknown[0])
    for expert in meeting.experts:
        expert.attended = attended_experts is None or expert.expert_id in attended_experts
    for invitee in meeting.invitees:
        invitee.attended = attended_people is None or invitee.person_id in attended_people
    meeting.minutes = minutes.strip() if minutes and minutes.strip() else None
    meeting.status = MeetingStatus.HELD
    came = sum(bool(e.attended) for e in meeting.experts) + sum(
        bool(i.attended) for i in meeting.invitees
    )
    invited = len(meeting.experts) + len(meeting.invitees)
    _mark(meeting, MeetingsEventKind.HELD, actor, now, f"{came}/{invited}")
    flush_or_stale(session, meeting)
    note = Translator(lang)("meetings.note.held", title=meeting.title, when=_when(meeting))
    moved = advance_requests(session, meeting, Stage.SESSION, actor=actor, now=now, note=note)
    return MeetingOutcome(summarize(meeting), moved)
