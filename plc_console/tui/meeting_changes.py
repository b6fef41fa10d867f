"""The changes the meeting screen makes, each as a function of a session and the meeting read.

A :data:`Change` is run by the screen's thread worker inside one transaction, with the
meeting as it was read (its version: a meeting changed meanwhile is refused as stale).
The decisions the dialogs return (:class:`HeldDecision`, :class:`SourceDecision`) live
here too, as plain data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from plc_console.domain import MeetingSourceKind
from plc_console.services.meetings import add_source, mark_preparation_sent
from plc_console.services.meetings_flow import announce, cancel_meeting, record_held
from plc_console.services.meetings_people import confirm_expert
from plc_console.services.meetings_views import MeetingOutcome, MeetingSummary
from plc_console.tui.meeting_desk import MeetingDesk

#: A change of the meeting, given a session and the meeting as read.
Change = Callable[[Session, MeetingSummary], MeetingSummary | MeetingOutcome]


@dataclass(frozen=True)
class SourceDecision:
    """An item for the preparation list."""

    kind: MeetingSourceKind
    text: str
    url: str | None


@dataclass(frozen=True)
class HeldDecision:
    """The minutes, and who came: experts and invited people by id."""

    minutes: str
    experts: tuple[int, ...]
    people: tuple[int, ...]


def announcing(desk: MeetingDesk) -> Change:
    """Announce: the calendar and text files into the exports folder, requests scheduled."""

    def change(session: Session, m: MeetingSummary) -> MeetingOutcome:
        return announce(
            session,
            m.id,
            m.version,
            out_dir=desk.out_dir,
            actor=desk.actor,
            now=desk.now(),
            tz=desk.zone,
            lang=desk.t.lang,
        )

    return change


def cancelling(desk: MeetingDesk, reason: str | None) -> Change:
    """Cancel; an announced meeting gets its cancellation files in the exports folder."""

    def change(session: Session, m: MeetingSummary) -> MeetingOutcome:
        return cancel_meeting(
            session,
            m.id,
            m.version,
            actor=desk.actor,
            reason=reason or None,
            out_dir=desk.out_dir,
            now=desk.now(),
            tz=desk.zone,
            lang=desk.t.lang,
        )

    return change


def holding(desk: MeetingDesk, decision: HeldDecision) -> Change:
    """Record as held with the minutes and who came; the requests move to joint work."""

    def change(session: Session, m: MeetingSummary) -> MeetingOutcome:
        return record_held(
            session,
            m.id,
            m.version,
            minutes=decision.minutes,
            actor=desk.actor,
            attended_experts=decision.experts,
            attended_people=decision.people,
            now=desk.now(),
            tz=desk.zone,
            lang=desk.t.lang,
        )

    return change


def adding_source(desk: MeetingDesk, decision: SourceDecision) -> Change:
    def change(session: Session, m: MeetingSummary) -> MeetingSummary:
        return add_source(
            session,
            m.id,
            m.version,
            decision.kind,
            decision.text,
            url=decision.url,
            actor=desk.actor,
            now=desk.now(),
        )

    return change


def marking_sent(desk: MeetingDesk, sent: bool) -> Change:
    def change(session: Session, m: MeetingSummary) -> MeetingSummary:
        return mark_preparation_sent(
            session, m.id, m.version, actor=desk.actor, now=desk.now(), sent=sent
        )

    return change


def confirming(desk: MeetingDesk, confirmed: Mapping[int, bool]) -> Change:
    """Record each expert's confirmation (``confirmed``: by expert id), one after another."""

    def change(session: Session, m: MeetingSummary) -> MeetingSummary:
        for expert_id, yes in confirmed.items():
            m = confirm_expert(
                session, m.id, m.version, expert_id, actor=desk.actor, now=desk.now(), confirmed=yes
            )
        return m

    return change
