"""Grouping: which other open requests could share a request's meeting.

Candidates are requests still waiting for a meeting: at ``received`` or ``triage``, and
not on a planned or announced meeting already. They are ranked by the number of topics
they share with the request, then by how alike the problem texts are (rapidfuzz
``token_set_ratio`` over folded text, 0–100), then oldest first. A candidate with no
topic in common must be at least :data:`MIN_SIMILARITY` alike to be suggested at all.
The coordinator picks from the list; nothing is changed here.

API: :func:`suggest_companions`.
"""

from __future__ import annotations

from rapidfuzz import fuzz
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Meeting, MeetingRequest, Request
from plc_console.domain import MeetingStatus, Stage, fold_for_search
from plc_console.services.errors import NotFound
from plc_console.services.meetings_views import Companion
from plc_console.services.requests import summarize

#: Stages of requests that are still waiting for a meeting.
WAITING_STAGES = (Stage.RECEIVED, Stage.TRIAGE)
#: The least text similarity (0–100) for a candidate without a shared topic.
MIN_SIMILARITY = 60.0


def suggest_companions(session: Session, request_id: int, limit: int = 10) -> list[Companion]:
    """Up to ``limit`` open requests close in topic and text to ``request_id``, best first."""
    request = session.get(Request, request_id, options=[selectinload(Request.topics)])
    if request is None:
        raise NotFound(request_id)
    own_topics = {t.key for t in request.topics}
    own_text = fold_for_search(request.problem)
    on_open_meeting = exists().where(
        MeetingRequest.request_id == Request.id,
        MeetingRequest.meeting_id == Meeting.id,
        Meeting.status.in_((MeetingStatus.PLANNED, MeetingStatus.ANNOUNCED)),
    )
    candidates = session.scalars(
        select(Request)
        .where(Request.stage.in_(WAITING_STAGES), Request.id != request_id, ~on_open_meeting)
        .options(selectinload(Request.topics), selectinload(Request.person))
    )
    ranked: list[tuple[int, float, Request, tuple[str, ...]]] = []
    for candidate in candidates:
        shared = tuple(t.key for t in candidate.topics if t.key in own_topics)
        similarity = float(fuzz.token_set_ratio(own_text, fold_for_search(candidate.problem)))
        if shared or similarity >= MIN_SIMILARITY:
            ranked.append((len(shared), similarity, candidate, shared))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2].received_on, item[2].id))
    return [
        Companion(summarize(candidate), shared, round(similarity, 1))
        for _, similarity, candidate, shared in ranked[:limit]
    ]
