"""Personal data under 152-FZ: requesters' personal fields removed after retention.

The community keeps data of teachers, parents and children only as long as their
requests need them. :func:`purge_closed` takes the requests that reached ``done`` or
were closed before a date (the moment of the last event that put them there; a request
with no such event counts from ``stage_since``) and removes what identifies their
requesters, keeping what the term report counts, so its figures stay the same.

A person is the unit: their fields go only when *every* one of their requests is
closed before the date, and then their requests' texts go with them. A requester with
an open request, or one closed on or after the date, keeps everything (the coordinator
still needs the history); their old requests are reported as held back.

Field by field:

- ``Person.full_name`` becomes ``Удалено (152-ФЗ) №<id>`` (unique, so registering the
  same name again makes a new person instead of joining a purged one); ``contact`` is
  emptied; ``organization`` (the school: with subject and experience it can single a
  teacher out) is cleared.
- Kept on the person: ``role``, ``experience_years`` (young vs experienced teachers),
  ``grade``, ``subject`` (a subject without a school names nobody), ``created_at`` and
  ``consent_given``/``consent_at`` (the record that processing had a lawful basis).
- ``Request.problem`` becomes a placeholder (the text often names pupils or
  colleagues); ``search_text`` is rebuilt from the new name and text, so the board's
  search (and its trigram index, which triggers keep in step) no longer finds the old
  name. Kept: number, dates, channel, form number, category, topics, help wanted,
  stage and close reason, promised date, assignments.
- Event notes a coordinator typed (``created``/``moved``/``closed``/``reopened``: the
  reason for a move back, the feedback comment written into the move) are cleared;
  generated notes (``edited`` field lists, ``assigned`` expert names) and the events
  themselves are kept: lead times, rework and flows are computed from them.
- Feedback: ``comment`` is cleared (usable, usefulness, contact date kept); the comment
  copied into the given product's history is cut from that note too.
- Meetings: invitations (role, attended) are kept for attendance figures; the old name
  is replaced by the new one in the history notes and minutes of the meetings the
  person is invited to, and in ``+ name``/``− name`` notes of any meeting (a person
  once invited and removed). A name shared with someone not purged is left alone.
- Not touched: product authors typed by name (authorship of a published work is kept
  under its own law), experts (the community's own specialists), coordinators' names as
  actors.

Every purged request gets a ``purged`` event with the actor; a request with such an
event is never purged again, so a second run changes nothing. Dates are compared with
the stored UTC timestamps.

Consent is stored with each requester when a request is registered (by hand, by import
or by an edit that moves it to another person): ``consent_given`` and ``consent_at``,
the moment it was recorded. Giving one person's data out: :mod:`.privacy_export`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, Select, and_, func, not_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from plc_console.db.models import (
    Event,
    FeedbackRecord,
    Meeting,
    MeetingEvent,
    MeetingInvitee,
    Person,
    ProductEvent,
    Request,
)
from plc_console.domain import EventKind, PlcError, ProductsEventKind, Stage, request_search_text
from plc_console.services.clock import utcnow

__all__ = ["PURGED_NAME", "PURGED_PROBLEM", "PrivacyInvalid", "PurgeReport", "purge_closed"]

PURGED_NAME = "Удалено (152-ФЗ)"
PURGED_PROBLEM = "Текст удалён (152-ФЗ)"
_TERMINAL = (Stage.DONE, Stage.CLOSED)
#: Events that put a request where it is (the closing one among them).
_STAGE_KINDS = (EventKind.CREATED, EventKind.MOVED, EventKind.CLOSED, EventKind.REOPENED)
#: Events whose note is free text a coordinator typed.
_FREE_TEXT_KINDS = frozenset(_STAGE_KINDS)
#: Ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits.
_CHUNK = 500


class PrivacyInvalid(PlcError):
    """A purge or export that cannot be done: ``privacy.invalid.<reason>`` says why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"privacy.invalid.{reason}", **params)
        self.reason = reason


@dataclass(frozen=True)
class PurgeReport:
    """What a purge did (or, in a dry run, would do)."""

    closed_before: date
    dry_run: bool
    #: Numbers of the requests purged, oldest first.
    numbers: tuple[str, ...]
    #: Requesters whose personal fields were removed.
    people: int
    #: Requests closed before the date but kept: their requester has an open request or
    #: one closed on or after the date.
    held_back: int

    @property
    def requests(self) -> int:
        return len(self.numbers)


def purge_closed(
    session: Session,
    closed_before: date,
    *,
    dry_run: bool,
    actor: str,
    now: datetime | None = None,
) -> PurgeReport:
    """Remove the personal fields of requests closed before ``closed_before`` (see the
    module doc); in a dry run only count. The caller commits."""
    now = now or utcnow()
    if closed_before > now.date():
        raise PrivacyInvalid("future", day=closed_before.isoformat())
    due_query, held_query = _queries(datetime.combine(closed_before, time.min))
    due = [(int(i), int(p), str(n)) for i, p, n in session.execute(due_query)]
    held = int(session.scalar(select(func.count()).select_from(held_query.subquery())) or 0)
    person_ids = sorted({person_id for _, person_id, _ in due})
    report = PurgeReport(closed_before, dry_run, tuple(n for *_, n in due), len(person_ids), held)
    if dry_run or not due:
        return report
    note = f"closed_before={closed_before.isoformat()}"
    try:
        renames = _blank_people(session, person_ids)
        for chunk in _chunks([request_id for request_id, *_ in due]):
            _blank_requests(session, chunk, actor=actor, now=now, note=note)
        _blank_meetings(session, renames)
        session.flush()
    except StaleDataError as exc:
        raise PrivacyInvalid("changed_meanwhile") from exc
    return report


def _queries(cutoff: datetime) -> tuple[Select[int, int, str], Select[int, int, str]]:
    """The requests to purge (id, person, number) and those held back."""
    closing = (
        select(Event.request_id, func.max(Event.at).label("at"))
        .where(Event.kind.in_(_STAGE_KINDS), Event.to_stage.in_(_TERMINAL))
        .group_by(Event.request_id)
        .subquery()
    )
    closed_at = func.coalesce(closing.c.at, Request.stage_since)
    old: ColumnElement[bool] = and_(Request.stage.in_(_TERMINAL), closed_at < cutoff)
    kept_people = (
        select(Request.person_id)
        .outerjoin(closing, closing.c.request_id == Request.id)
        .where(not_(old))
    )
    purged = select(Event.request_id).where(Event.kind == EventKind.PURGED)
    base = (
        select(Request.id, Request.person_id, Request.number)
        .outerjoin(closing, closing.c.request_id == Request.id)
        .where(old, Request.id.not_in(purged))
    )
    due = base.where(Request.person_id.not_in(kept_people)).order_by(
        Request.received_on, Request.id
    )
    held = base.where(Request.person_id.in_(kept_people))
    return due, held


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def purged_name(person_id: int) -> str:
    return f"{PURGED_NAME} №{person_id}"


def _blank_people(session: Session, person_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Blank the people; their id → (old name, new name)."""
    renames: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(person_ids):
        for person in session.scalars(select(Person).where(Person.id.in_(chunk))):
            renames[person.id] = (person.full_name, purged_name(person.id))
            person.full_name = purged_name(person.id)
            person.contact = ""
            person.organization = None
    return renames


def _blank_requests(
    session: Session, request_ids: Sequence[int], *, actor: str, now: datetime, note: str
) -> None:
    requests = session.scalars(
        select(Request)
        .options(selectinload(Request.events), selectinload(Request.person))
        .where(Request.id.in_(request_ids))
    ).all()
    numbers = {request.id: request.number for request in requests}
    for request in requests:
        request.problem = PURGED_PROBLEM
        request.search_text = request_search_text(
            request.number, request.person.full_name, request.problem
        )
        request.updated_at = now
        for event in request.events:
            if event.kind in _FREE_TEXT_KINDS:
                event.note = None
        request.events.append(
            Event(
                at=now,
                actor=actor,
                kind=EventKind.PURGED,
                from_stage=request.stage,
                to_stage=request.stage,
                note=note,
            )
        )
    _blank_feedback(session, numbers)


def _blank_feedback(session: Session, numbers: dict[int, str]) -> None:
    """Clear feedback comments, and cut each from the given product's history note
    (written as ``<number>: … : <comment>`` at the moment the feedback was recorded)."""
    records = session.scalars(
        select(FeedbackRecord).where(
            FeedbackRecord.request_id.in_(list(numbers)), FeedbackRecord.comment.is_not(None)
        )
    ).all()
    for record in records:
        comment = record.comment or ""
        if record.product_id is not None:
            suffix = f": {comment}"
            for event in session.scalars(
                select(ProductEvent).where(
                    ProductEvent.product_id == record.product_id,
                    ProductEvent.kind == ProductsEventKind.FEEDBACK,
                    ProductEvent.at == record.recorded_at,
                )
            ):
                note = event.note or ""
                if note.startswith(numbers[record.request_id]) and note.endswith(suffix):
                    event.note = note[: -len(suffix)]
        record.comment = None


def _blank_meetings(session: Session, renames: dict[int, tuple[str, str]]) -> None:
    """Replace the old names in meetings' history notes and minutes (see the module doc)."""
    session.flush()  # the people renamed: whoever still bears an old name is someone else
    shared = set(
        session.scalars(
            select(Person.full_name).where(
                Person.full_name.in_([old for old, _ in renames.values()])
            )
        )
    )
    names = {old: new for old, new in renames.values() if old not in shared}
    if not names:
        return
    by_meeting: dict[int, list[tuple[str, str]]] = {}
    for chunk in _chunks(sorted(renames)):
        for meeting_id, person_id in session.execute(
            select(MeetingInvitee.meeting_id, MeetingInvitee.person_id).where(
                MeetingInvitee.person_id.in_(chunk)
            )
        ):
            old, new = renames[person_id]
            if old in names:
                by_meeting.setdefault(meeting_id, []).append((old, new))
    # "+ name" / "− name" notes name an invitee added or removed, wherever they are now.
    for event in session.scalars(
        select(MeetingEvent).where(
            MeetingEvent.note.startswith("+ ") | MeetingEvent.note.startswith("− ")
        )
    ):
        note = event.note or ""
        if note[2:] in names:
            event.note = note[:2] + names[note[2:]]
    for meeting_id, pairs in by_meeting.items():
        meeting = session.get_one(Meeting, meeting_id, options=[selectinload(Meeting.events)])
        minutes = _replace(meeting.minutes, pairs)
        if minutes != meeting.minutes:
            meeting.minutes = minutes  # bumps the meeting's version: a stale screen is told
        for event in meeting.events:
            event.note = _replace(event.note, pairs)


def _replace(text: str | None, pairs: list[tuple[str, str]]) -> str | None:
    if text is None:
        return None
    for old, new in pairs:
        text = text.replace(old, new)
    return text
