"""Plain, frozen views of meetings and the errors meeting services raise.

What :mod:`plc_console.services.meetings` and its sibling modules hand to the CLI and
the TUI; screens keep these after the session closed, so nothing here can lazy-load.
Times: ``starts_at``/``ends_at`` are the community's local wall-clock times; event
times (``at``) are UTC like every other stored timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from plc_console.domain import (
    MeetingsEventKind,
    MeetingSlotClash,
    MeetingSourceKind,
    MeetingStatus,
    Milestone,
    PlcError,
    Role,
    Stage,
)
from plc_console.services.views import RequestSummary, TopicView

#: Longest meeting accepted, in minutes; double bookings are searched within it.
MAX_DURATION_MINUTES = 12 * 60


@dataclass(frozen=True)
class MeetingForm:
    """A meeting as typed on its form: for :func:`create_meeting` and :func:`edit_meeting`.

    ``starts_at`` is local wall-clock time without tzinfo; a meeting needs a place, an
    online link, or both.
    """

    title: str
    starts_at: datetime
    duration_minutes: int = 90
    place: str | None = None
    online_link: str | None = None
    capacity: int | None = None
    topic_key: str | None = None


@dataclass(frozen=True)
class MeetingSummary:
    """What a list row shows; ``version`` is what the next change must name."""

    id: int
    uid: str
    version: int
    title: str
    topic: TopicView | None
    starts_at: datetime
    duration_minutes: int
    place: str | None
    online_link: str | None
    capacity: int | None
    status: MeetingStatus
    #: The calendar SEQUENCE now, and the one last written to a file (None: never).
    sequence: int
    announced_sequence: int | None
    request_count: int
    expert_count: int
    invitee_count: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def needs_announcement(self) -> bool:
        """Announced, then changed: the calendar files should be written again."""
        return (
            self.status is MeetingStatus.ANNOUNCED
            and self.announced_sequence is not None
            and self.sequence != self.announced_sequence
        )


@dataclass(frozen=True)
class MeetingRequestView:
    """A request the meeting addresses."""

    id: int
    number: str
    version: int
    stage: Stage
    requester: str
    role: Role
    first_line: str
    topic_keys: tuple[str, ...]


@dataclass(frozen=True)
class MeetingExpertView:
    expert_id: int
    full_name: str
    organization: str | None
    contact: str | None
    confirmed: bool
    attended: bool | None  # None until the meeting is recorded as held


@dataclass(frozen=True)
class MeetingInviteeView:
    person_id: int
    full_name: str
    role: Role
    organization: str | None
    contact: str
    attended: bool | None


@dataclass(frozen=True)
class MeetingSourceView:
    """One item of the preparation list."""

    id: int
    kind: MeetingSourceKind
    text: str
    url: str | None
    product_id: int | None


@dataclass(frozen=True)
class MeetingEventView:
    at: datetime
    actor: str
    kind: MeetingsEventKind
    note: str | None


@dataclass(frozen=True)
class MeetingDetail:
    """Everything about one meeting, with its backward plan as of the day asked for."""

    summary: MeetingSummary
    requests: tuple[MeetingRequestView, ...]
    experts: tuple[MeetingExpertView, ...]
    invitees: tuple[MeetingInviteeView, ...]
    sources: tuple[MeetingSourceView, ...]
    events: tuple[MeetingEventView, ...]
    minutes: str | None
    preparation_sent_at: datetime | None
    #: Milestones earliest due first; ``late`` ones are past due and not done.
    plan: tuple[Milestone, ...]

    @property
    def late(self) -> tuple[Milestone, ...]:
        return tuple(m for m in self.plan if m.late)


@dataclass(frozen=True)
class Clash:
    """A double booking: ``who`` (an expert's or invitee's name, or the place as typed)
    is also at meeting ``meeting_id`` at an overlapping time."""

    kind: MeetingSlotClash
    subject_id: int | None  # the expert's or person's id; None for a room
    who: str
    meeting_id: int
    title: str
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> tuple[MeetingSlotClash, int | None, int]:
        """Identity of a clash: the same person or room with the same other meeting."""
        return (self.kind, self.subject_id, self.meeting_id)


@dataclass(frozen=True)
class Companion:
    """An open request that could share a meeting with the one asked about."""

    request: RequestSummary
    shared_topics: tuple[str, ...]
    #: rapidfuzz token-set similarity of the problem texts, 0–100.
    similarity: float


@dataclass(frozen=True)
class MeetingOutcome:
    """What announcing, cancelling or recording a meeting as held did."""

    meeting: MeetingSummary
    #: Requests whose stage changed, as they are now.
    moved: tuple[RequestSummary, ...] = ()
    calendar_path: Path | None = None
    text_path: Path | None = None


# --- errors ------------------------------------------------------------------------------


class MeetingNotFound(PlcError):
    def __init__(self, ref: object) -> None:
        super().__init__("meetings.error.not_found", ref=ref)


class MeetingStale(PlcError):
    """Someone else changed the meeting since it was read; nothing was written."""

    def __init__(self, title: str) -> None:
        super().__init__("meetings.error.stale", title=title)


class MeetingInvalid(PlcError):
    """A value or a change the meeting cannot take; ``reason`` names the message."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"meetings.invalid.{reason}", **params)
        self.reason = reason


class MeetingConflict(PlcError):
    """The change would book an expert, a room or an invitee twice; nothing was written.

    The message names the first clash; ``clashes`` holds them all. Repeating the change
    with an ``override_note`` books anyway and records the note.
    """

    def __init__(self, clashes: tuple[Clash, ...]) -> None:
        first = clashes[0]
        super().__init__(
            f"meetings.error.conflict_{first.kind.value}",
            who=first.who,
            title=first.title,
            when=f"{first.starts_at:%Y-%m-%d %H:%M}",
            count=len(clashes),
        )
        self.clashes = clashes
