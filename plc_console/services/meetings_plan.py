"""A meeting's backward plan and the meeting settings shared by every desk.

The plan lays out, from the meeting day back, when the experts must have confirmed,
the announcement be posted and the preparation list be sent (working days, see
:func:`plc_console.domain.backward_plan`), and marks the milestones already late.

Settings are app_meta rows, one per value (as the board's WIP limits), so two desks
changing different ones never overwrite each other:

- ``meeting_lead.<step>``: the lead time of a milestone in working days (default
  :data:`plc_console.domain.DEFAULT_LEAD_DAYS`: 10, 7 and 3);
- ``meeting_organizer_email``: the ORGANIZER address of calendar files.

API: :func:`lead_times`, :func:`set_lead_time`, :func:`organizer_email`,
:func:`set_organizer_email`, :func:`meeting_plan`, :func:`plan_for`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plc_console.db.models import AppMeta, Meeting
from plc_console.domain import DEFAULT_LEAD_DAYS, MeetingStep, Milestone, backward_plan
from plc_console.services.meetings_views import MeetingInvalid, MeetingNotFound
from plc_console.services.meta import get_meta, set_meta

LEAD_KEY_PREFIX = "meeting_lead."
ORGANIZER_KEY = "meeting_organizer_email"
#: Until a coordinator sets the community's address: ``.invalid`` is reserved (RFC 2606),
#: so no mail goes astray.
DEFAULT_ORGANIZER_EMAIL = "coordinator@plc-console.invalid"
#: The longest lead time accepted, in working days (about a school quarter).
MAX_LEAD_DAYS = 60


def lead_times(session: Session) -> dict[MeetingStep, int]:
    """Every milestone's lead time in working days: the stored one, else the default.

    A stored value this console cannot read is skipped (the default applies).
    """
    found = dict(DEFAULT_LEAD_DAYS)
    rows = session.execute(
        select(AppMeta.key, AppMeta.value).where(
            AppMeta.key.startswith(LEAD_KEY_PREFIX, autoescape=True)
        )
    )
    known = {step.value: step for step in MeetingStep}
    for key, value in rows:
        step = known.get(key.removeprefix(LEAD_KEY_PREFIX))
        if step is not None and value.isascii() and value.isdigit():
            found[step] = min(int(value), MAX_LEAD_DAYS)
    return {step: found[step] for step in MeetingStep}


def set_lead_time(session: Session, step: MeetingStep, days: int | None) -> None:
    """Set a milestone's lead time in working days (0–60), or with None go back to the
    default; the caller commits."""
    key = LEAD_KEY_PREFIX + step.value
    if days is None:
        session.execute(delete(AppMeta).where(AppMeta.key == key))
        return
    if not 0 <= days <= MAX_LEAD_DAYS:
        raise MeetingInvalid("lead_days", low=0, high=MAX_LEAD_DAYS, value=days)
    set_meta(session, key, str(days))


def organizer_email(session: Session) -> str:
    """The address calendar files name as ORGANIZER (replies to invitations go there)."""
    return get_meta(session, ORGANIZER_KEY) or DEFAULT_ORGANIZER_EMAIL


def set_organizer_email(session: Session, email: str) -> None:
    """Set the ORGANIZER address of calendar files; the caller commits."""
    cleaned = email.strip().removeprefix("mailto:")
    if "@" not in cleaned or " " in cleaned:
        raise MeetingInvalid("email", value=email)
    set_meta(session, ORGANIZER_KEY, cleaned)


def plan_for(meeting: Meeting, today: date, leads: dict[MeetingStep, int]) -> tuple[Milestone, ...]:
    """The backward plan of a loaded meeting (its experts loaded too).

    Done: experts confirmed when the meeting has experts and every one confirmed; the
    announcement once a calendar file was written; the preparation list once marked sent.
    Late: past due and not done, for planned and announced meetings only.
    """
    done: set[MeetingStep] = set()
    if meeting.experts and all(e.confirmed for e in meeting.experts):
        done.add(MeetingStep.EXPERTS_CONFIRMED)
    if meeting.announced_sequence is not None:
        done.add(MeetingStep.ANNOUNCEMENT_POSTED)
    if meeting.preparation_sent_at is not None:
        done.add(MeetingStep.PREPARATION_SENT)
    # A held or cancelled meeting has nothing left to do: nothing of it is late.
    as_of = date.min if meeting.status.is_final else today
    return backward_plan(meeting.starts_at.date(), as_of, done, leads)


def meeting_plan(session: Session, meeting_id: int, today: date) -> tuple[Milestone, ...]:
    """A meeting's milestones, earliest due first, each marked done or late as of ``today``."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return plan_for(meeting, today, lead_times(session))
