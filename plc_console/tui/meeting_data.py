"""The meeting editor's reads and writes, as plain functions its thread workers call.

The screen holds only the UI side: :func:`read_choices` gathers what it offers,
:func:`find_experts` searches the registry and :func:`save_plan` saves. A save is one
transaction: the meeting's fields, then the requests and experts added or taken off, each
change naming the version the previous one left; any refusal rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from plc_console.domain import Stage
from plc_console.services.assignments import rank_experts
from plc_console.services.experts import search_experts
from plc_console.services.lookup import lookup_requests
from plc_console.services.meetings import (
    add_request,
    create_meeting,
    edit_meeting,
    remove_request,
)
from plc_console.services.meetings_companions import suggest_companions
from plc_console.services.meetings_people import add_expert, remove_expert
from plc_console.services.meetings_views import MeetingDetail, MeetingForm, MeetingSummary
from plc_console.services.reference import list_topics
from plc_console.services.requests import get_request
from plc_console.services.views import TopicView

#: How many companions the editor offers beside the request it was started from.
COMPANIONS = 8


# --- the editor's choices ----------------------------------------------------------------


@dataclass(frozen=True)
class RequestChoice:
    """A request the editor offers; ``similarity`` is None for one already chosen."""

    id: int
    number: str
    requester: str
    stage: Stage
    first_line: str
    topic_keys: tuple[str, ...] = ()
    shared_topics: tuple[str, ...] = ()
    similarity: float | None = None


@dataclass(frozen=True)
class ExpertChoice:
    """An expert the editor offers, with the numbers of the shown requests they work on."""

    id: int
    full_name: str
    organization: str | None
    assigned_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditorChoices:
    """What the editor lists: the topics, the requests and the experts to pick from."""

    topics: tuple[TopicView, ...]
    requests: tuple[RequestChoice, ...]
    experts: tuple[ExpertChoice, ...]
    #: The request the editor was started from (a card), None when there is none.
    anchor: RequestChoice | None


def read_choices(
    session: Session, *, anchor_id: int | None, editing: MeetingDetail | None, lang: str
) -> EditorChoices:
    """The topics; the meeting's requests (or the anchor) then their suggested companions;
    the meeting's experts and those assigned to any request shown."""
    topics = tuple(list_topics(session))
    chosen: list[RequestChoice] = []
    if editing is not None:
        chosen = [
            RequestChoice(r.id, r.number, r.requester, r.stage, r.first_line, r.topic_keys)
            for r in editing.requests
        ]
    anchor: RequestChoice | None = None
    if anchor_id is not None:
        summary = get_request(session, anchor_id).summary
        anchor = RequestChoice(
            summary.id,
            summary.number,
            summary.requester,
            summary.stage,
            summary.first_line,
            summary.topic_keys,
        )
        chosen = [anchor, *(c for c in chosen if c.id != anchor_id)]
    base = anchor_id if anchor_id is not None else (chosen[0].id if chosen else None)
    companions: list[RequestChoice] = []
    if base is not None:
        known = {c.id for c in chosen}
        for companion in suggest_companions(session, base, COMPANIONS):
            r = companion.request
            if r.id not in known:
                companions.append(
                    RequestChoice(
                        r.id,
                        r.number,
                        r.requester,
                        r.stage,
                        r.first_line,
                        r.topic_keys,
                        companion.shared_topics,
                        companion.similarity,
                    )
                )
    requests = (*chosen, *companions)
    experts = _experts(session, requests, editing, lang)
    return EditorChoices(topics, requests, experts, anchor)


def _experts(
    session: Session,
    requests: Sequence[RequestChoice],
    editing: MeetingDetail | None,
    lang: str,
) -> tuple[ExpertChoice, ...]:
    """The meeting's experts first, then those assigned to the requests, by name."""
    found: dict[int, ExpertChoice] = {}
    if editing is not None:
        for e in editing.experts:
            found[e.expert_id] = ExpertChoice(e.expert_id, e.full_name, e.organization)
    assigned: dict[int, list[str]] = {}
    names: dict[int, tuple[str, str | None]] = {}
    for request in requests:
        if request.stage.is_terminal:
            continue
        for candidate in rank_experts(session, request.id, lang=lang):
            if candidate.assigned:
                assigned.setdefault(candidate.expert_id, []).append(request.number)
                names[candidate.expert_id] = (candidate.full_name, candidate.organization)
    for expert_id, numbers in assigned.items():
        name, organization = names[expert_id]
        found[expert_id] = ExpertChoice(expert_id, name, organization, tuple(numbers))
    ours = [found.pop(e.expert_id) for e in editing.experts] if editing else []
    return (*ours, *sorted(found.values(), key=lambda e: e.full_name))


def find_requests(session: Session, text: str) -> tuple[RequestChoice, ...]:
    """Open requests whose number matches ``text`` (done and closed ones join no meeting)."""
    return tuple(
        RequestChoice(hit.id, hit.number, hit.requester, hit.stage, hit.first_line)
        for hit in lookup_requests(session, text)
        if not hit.stage.is_terminal
    )


def find_experts(session: Session, text: str) -> tuple[ExpertChoice, ...]:
    """Active experts of the registry matching ``text`` (name, organisation, subjects…)."""
    return tuple(
        ExpertChoice(e.id, e.full_name, e.organization)
        for e in search_experts(session, text)
        if e.active
    )


# --- saving ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPlan:
    """What the editor saves: the fields, and the requests and experts to add or take off.

    ``meeting_id`` and ``version`` are None for a new meeting.
    """

    form: MeetingForm
    meeting_id: int | None = None
    version: int | None = None
    add_requests: tuple[int, ...] = ()
    remove_requests: tuple[int, ...] = ()
    add_experts: tuple[int, ...] = ()
    remove_experts: tuple[int, ...] = ()
    #: Invite the people who asked the added requests.
    invite_requesters: bool = True

    @property
    def changes_lists(self) -> bool:
        return any((self.add_requests, self.remove_requests, self.add_experts, self.remove_experts))


def split(before: Iterable[int], after: Iterable[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """What to add and what to take off to go from ``before`` to ``after`` (in order)."""
    old, new = list(before), list(after)
    return tuple(i for i in new if i not in old), tuple(i for i in old if i not in new)


def save_plan(
    session: Session,
    plan: MeetingPlan,
    *,
    actor: str,
    now: datetime,
    override_note: str | None = None,
) -> MeetingSummary:
    """Create or edit the meeting, then change its lists; the meeting as it is after.

    The caller commits; a double booking raises ``MeetingConflict`` unless
    ``override_note`` is given (then every change of the save books anyway).
    """
    note = override_note
    if plan.meeting_id is None or plan.version is None:
        summary = create_meeting(session, plan.form, actor=actor, now=now, override_note=note)
    else:
        summary = edit_meeting(
            session,
            plan.meeting_id,
            plan.version,
            plan.form,
            actor=actor,
            now=now,
            override_note=note,
        )
    for request_id in plan.remove_requests:
        summary = remove_request(
            session, summary.id, summary.version, request_id, actor=actor, now=now
        )
    for request_id in plan.add_requests:
        summary = add_request(
            session,
            summary.id,
            summary.version,
            request_id,
            actor=actor,
            now=now,
            invite_requester=plan.invite_requesters,
            override_note=note,
        )
    for expert_id in plan.remove_experts:
        summary = remove_expert(
            session, summary.id, summary.version, expert_id, actor=actor, now=now
        )
    for expert_id in plan.add_experts:
        summary = add_expert(
            session,
            summary.id,
            summary.version,
            expert_id,
            actor=actor,
            now=now,
            override_note=note,
        )
    return summary
