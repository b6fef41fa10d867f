"""Reading meetings: lists, one meeting with everything on it, a request's meetings.

API: :func:`list_meetings`, :func:`get_meeting`, :func:`meetings_of_request`; the
``summarize``/``detail`` helpers turn a loaded meeting into plain views for the other
meeting services.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from plc_console.db.models import (
    Meeting,
    MeetingExpert,
    MeetingInvitee,
    MeetingRequest,
    Request,
    Topic,
)
from plc_console.domain import MeetingStatus, Role
from plc_console.services.meetings_plan import lead_times, plan_for
from plc_console.services.meetings_views import (
    MAX_DURATION_MINUTES,
    MeetingDetail,
    MeetingEventView,
    MeetingExpertView,
    MeetingInviteeView,
    MeetingNotFound,
    MeetingRequestView,
    MeetingSourceView,
    MeetingSummary,
)
from plc_console.services.views import TopicView

#: Statuses of meetings still to come.
OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.ANNOUNCED)


def loading_everything() -> list[LoaderOption]:
    """Loader options that read a meeting's lists and what they point to, up front."""
    request = selectinload(Meeting.requests).selectinload(MeetingRequest.request)
    return [
        selectinload(Meeting.topic),
        request.selectinload(Request.person),
        request.selectinload(Request.topics),
        selectinload(Meeting.experts).selectinload(MeetingExpert.expert),
        selectinload(Meeting.invitees).selectinload(MeetingInvitee.person),
        selectinload(Meeting.sources),
        selectinload(Meeting.events),
    ]


def load_meeting(session: Session, meeting_id: int) -> Meeting:
    """A meeting with its lists loaded; unknown ids are refused by name."""
    meeting = session.get(Meeting, meeting_id, options=loading_everything())
    if meeting is None:
        raise MeetingNotFound(meeting_id)
    return meeting


def topic_view(topic: Topic | None) -> TopicView | None:
    if topic is None:
        return None
    return TopicView(topic.id, topic.key, topic.name_ru, topic.name_en, topic.active)


def summarize(meeting: Meeting) -> MeetingSummary:
    return MeetingSummary(
        id=meeting.id,
        uid=meeting.uid,
        version=meeting.version,
        title=meeting.title,
        topic=topic_view(meeting.topic),
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        place=meeting.place,
        online_link=meeting.online_link,
        capacity=meeting.capacity,
        status=meeting.status,
        sequence=meeting.sequence,
        announced_sequence=meeting.announced_sequence,
        request_count=len(meeting.requests),
        expert_count=len(meeting.experts),
        invitee_count=len(meeting.invitees),
    )


def detail(session: Session, meeting: Meeting, today: date) -> MeetingDetail:
    """Everything about a meeting loaded with :func:`loading_everything`."""
    requests = sorted((link.request for link in meeting.requests), key=lambda r: r.number)
    experts = sorted(meeting.experts, key=lambda e: e.expert.full_name)
    # Teachers first, then parents, students, others (the vocabulary's order).
    roles = list(Role)
    invitees = sorted(meeting.invitees, key=lambda i: (roles.index(i.role), i.person.full_name))
    return MeetingDetail(
        summary=summarize(meeting),
        requests=tuple(
            MeetingRequestView(
                id=r.id,
                number=r.number,
                version=r.version,
                stage=r.stage,
                requester=r.person.full_name,
                role=r.person.role,
                first_line=(r.problem.strip().splitlines() or [""])[0],
                topic_keys=tuple(t.key for t in r.topics),
            )
            for r in requests
        ),
        experts=tuple(
            MeetingExpertView(
                expert_id=e.expert_id,
                full_name=e.expert.full_name,
                organization=e.expert.organization,
                contact=e.expert.contact,
                confirmed=e.confirmed,
                attended=e.attended,
            )
            for e in experts
        ),
        invitees=tuple(
            MeetingInviteeView(
                person_id=i.person_id,
                full_name=i.person.full_name,
                role=i.role,
                organization=i.person.organization,
                contact=i.person.contact,
                attended=i.attended,
            )
            for i in invitees
        ),
        sources=tuple(
            MeetingSourceView(s.id, s.kind, s.text, s.url, s.product_id) for s in meeting.sources
        ),
        events=tuple(MeetingEventView(e.at, e.actor, e.kind, e.note) for e in meeting.events),
        minutes=meeting.minutes,
        preparation_sent_at=meeting.preparation_sent_at,
        plan=plan_for(meeting, today, lead_times(session)),
    )


def get_meeting(session: Session, meeting_id: int, *, today: date) -> MeetingDetail:
    """One meeting with its requests, people, preparation list, history and backward plan
    (milestones marked late as of ``today``)."""
    return detail(session, load_meeting(session, meeting_id), today)


def list_meetings(
    session: Session,
    *,
    upcoming_from: datetime | None = None,
    statuses: Collection[MeetingStatus] | None = None,
) -> list[MeetingSummary]:
    """Meetings in start order; with ``upcoming_from`` only planned or announced ones
    ending after that local time; with ``statuses`` only those."""
    query = (
        select(Meeting)
        .options(
            selectinload(Meeting.topic),
            selectinload(Meeting.requests),
            selectinload(Meeting.experts),
            selectinload(Meeting.invitees),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if statuses is not None:
        query = query.where(Meeting.status.in_(list(statuses)))
    if upcoming_from is None:
        return [summarize(m) for m in session.scalars(query)]
    earliest = upcoming_from - timedelta(minutes=MAX_DURATION_MINUTES)
    query = query.where(Meeting.status.in_(OPEN_STATUSES), Meeting.starts_at > earliest)
    return [m for m in map(summarize, session.scalars(query)) if m.ends_at > upcoming_from]


def meetings_of_request(session: Session, request_id: int) -> list[MeetingSummary]:
    """The meetings that address a request, in start order (cancelled ones included)."""
    query = (
        select(Meeting)
        .join(MeetingRequest, MeetingRequest.meeting_id == Meeting.id)
        .where(MeetingRequest.request_id == request_id)
        .options(
            selectinload(Meeting.topic),
            selectinload(Meeting.requests),
            selectinload(Meeting.experts),
            selectinload(Meeting.invitees),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [summarize(m) for m in session.scalars(query)]
