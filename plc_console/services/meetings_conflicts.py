"""Double bookings: an expert, a room or an invitee at two meetings at overlapping times.

A change that would make a new double booking is refused with
:class:`~plc_console.services.meetings_views.MeetingConflict`, naming the clashing
meeting, unless the coordinator gives an ``override_note``: then the change goes
ahead and an ``overridden`` event records the note and every clash it accepted.
Clashes that were there before the change (accepted earlier) are not asked again.

Rooms are compared by :func:`plc_console.domain.fold_place` (case, ё, punctuation and
spacing aside; online places never clash). Cancelled meetings book nothing. Spans
overlap when one starts before the other ends: back-to-back meetings do not clash.

API: :func:`meeting_clashes` (a meeting's double bookings now, for its screen);
:func:`clash_keys` and :func:`check_new_clashes` are what the changing services use.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import (
    Expert,
    Meeting,
    MeetingEvent,
    MeetingExpert,
    MeetingInvitee,
    Person,
)
from plc_console.domain import (
    MeetingsEventKind,
    MeetingSlotClash,
    MeetingStatus,
    fold_place,
    overlaps,
)
from plc_console.services.meetings_views import (
    MAX_DURATION_MINUTES,
    Clash,
    MeetingConflict,
    MeetingNotFound,
)

ClashKey = tuple[MeetingSlotClash, int | None, int]


def _end(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


def find_clashes(session: Session, meeting: Meeting) -> tuple[Clash, ...]:
    """Every double booking of ``meeting`` as it stands in the session (changes included),
    in the order of the other meetings' start."""
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        return ()
    if meeting.id is None:
        session.flush()
    start, end = meeting.starts_at, _end(meeting)
    query = (
        select(Meeting)
        .where(
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at < end,
            # No meeting lasts longer than this: earlier starts cannot reach ours.
            Meeting.starts_at > start - timedelta(minutes=MAX_DURATION_MINUTES),
            Meeting.id != meeting.id,
        )
        .options(
            selectinload(Meeting.experts).selectinload(MeetingExpert.expert),
            selectinload(Meeting.invitees).selectinload(MeetingInvitee.person),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    others = [m for m in session.scalars(query) if overlaps(start, end, m.starts_at, _end(m))]
    if not others:
        return ()
    experts = {e.expert_id: _expert_name(session, e) for e in meeting.experts}
    people = {i.person_id: _person_name(session, i) for i in meeting.invitees}
    room = fold_place(meeting.place)
    found: list[Clash] = []
    for other in others:

        def clash(
            kind: MeetingSlotClash, subject: int | None, who: str, o: Meeting = other
        ) -> Clash:
            return Clash(kind, subject, who, o.id, o.title, o.starts_at, _end(o))

        for link in other.experts:
            if link.expert_id in experts:
                found.append(
                    clash(MeetingSlotClash.EXPERT, link.expert_id, experts[link.expert_id])
                )
        if room and fold_place(other.place) == room:
            found.append(clash(MeetingSlotClash.ROOM, None, meeting.place or ""))
        for invitee in other.invitees:
            if invitee.person_id in people:
                who = people[invitee.person_id]
                found.append(clash(MeetingSlotClash.INVITEE, invitee.person_id, who))
    return tuple(found)


def _expert_name(session: Session, link: MeetingExpert) -> str:
    expert = link.expert or session.get(Expert, link.expert_id)
    return expert.full_name if expert else str(link.expert_id)


def _person_name(session: Session, link: MeetingInvitee) -> str:
    person = link.person or session.get(Person, link.person_id)
    return person.full_name if person else str(link.person_id)


def clash_keys(session: Session, meeting: Meeting) -> set[ClashKey]:
    """The clashes a meeting has before a change: they are not asked about again."""
    return {c.key for c in find_clashes(session, meeting)}


def check_new_clashes(
    session: Session,
    meeting: Meeting,
    before: Iterable[ClashKey],
    *,
    override_note: str | None,
    actor: str,
    now: datetime,
) -> tuple[Clash, ...]:
    """Refuse the change if it made new clashes, or record the override; return them.

    Call after changing ``meeting`` and flushing it (so a stale version is caught first).
    """
    known = set(before)
    new = tuple(c for c in find_clashes(session, meeting) if c.key not in known)
    if not new:
        return ()
    note = (override_note or "").strip()
    if not note:
        raise MeetingConflict(new)
    described = "; ".join(
        f"{c.kind.value}: {c.who} — «{c.title}» {c.starts_at:%Y-%m-%d %H:%M}" for c in new
    )
    meeting.events.append(
        MeetingEvent(
            at=now, actor=actor, kind=MeetingsEventKind.OVERRIDDEN, note=f"{note} ({described})"
        )
    )
    return new


def meeting_clashes(session: Session, meeting_id: int) -> tuple[Clash, ...]:
    """A meeting's double bookings as things stand (accepted ones included)."""
    meeting = session.get(
        Meeting,
        meeting_id,
        options=[selectinload(Meeting.experts), selectinload(Meeting.invitees)],
    )
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return find_clashes(session, meeting)
