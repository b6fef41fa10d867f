"""Everything stored about one person, for their request under 152-FZ (art. 14).

:func:`export_person` finds the person by a request number, their contact or their
exact full name, and gathers their record (with consent), each of their requests with
its topics, history and feedback, the meetings they were invited to, and the products
that name them as an author (typed by name). Giving the data out is itself recorded:
a ``data_exported`` event, with the actor, on each of their requests (an event does not
change the request, so nobody's open screen turns stale).

Contacts compare with spaces collapsed and case ignored; names exactly (spaces
collapsed). A query that fits several people is refused, naming each candidate by
their requests' numbers, so the coordinator asks again by number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import (
    Event,
    FeedbackRecord,
    Meeting,
    MeetingInvitee,
    Person,
    Product,
    ProductAuthor,
    Request,
)
from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    EventKind,
    FeedbackUsable,
    HelpWanted,
    MeetingStatus,
    Role,
    Stage,
)
from plc_console.services.clock import utcnow
from plc_console.services.privacy import PrivacyInvalid
from plc_console.services.requests import find_request_id

__all__ = ["PersonExport", "export_person", "find_person"]

#: A request number as typed: З-2026-00042, also with a Latin Z.
_NUMBER = re.compile(r"^[ЗзZz]-\d{4}-\d+$")


@dataclass(frozen=True)
class EventRecord:
    at: datetime
    actor: str
    kind: EventKind
    from_stage: Stage | None
    to_stage: Stage | None
    note: str | None


@dataclass(frozen=True)
class FeedbackEntry:
    contacted_on: date
    usable: FeedbackUsable
    usefulness: int
    comment: str | None
    recorded_at: datetime
    actor: str


@dataclass(frozen=True)
class RequestRecord:
    number: str
    received_on: date
    channel: Channel
    form_no: str | None
    problem: str
    help_wanted: HelpWanted | None
    category: Category | None
    topics: tuple[str, ...]
    #: The topics' names in the export's language.
    topic_names: tuple[str, ...]
    stage: Stage
    stage_since: datetime
    close_reason: CloseReason | None
    promised_on: date | None
    created_at: datetime
    events: tuple[EventRecord, ...]
    feedback: tuple[FeedbackEntry, ...]


@dataclass(frozen=True)
class InvitationRecord:
    title: str
    starts_at: datetime
    place: str | None
    status: MeetingStatus
    role: Role
    attended: bool | None


@dataclass(frozen=True)
class PersonExport:
    """Everything stored about one person, and who gave it out when."""

    exported_at: datetime
    exported_by: str
    full_name: str
    role: Role
    organization: str | None
    contact: str
    subject: str | None
    experience_years: int | None
    grade: int | None
    consent_given: bool
    consent_at: datetime | None
    created_at: datetime
    requests: tuple[RequestRecord, ...]
    meetings: tuple[InvitationRecord, ...]
    #: Titles of products naming the person as an author (typed by name).
    products_authored: tuple[str, ...]


def find_person(session: Session, query: str) -> Person:
    """The one person a request number, contact or exact full name points at."""
    text = " ".join(query.split())
    if not text:
        raise PrivacyInvalid("empty_query")
    if _NUMBER.match(text):
        request = session.get_one(Request, find_request_id(session, text))
        return request.person
    found = session.scalars(
        select(Person)
        .where(or_(func.lower(Person.contact) == text.lower(), Person.full_name == text))
        .order_by(Person.id)
    ).all()
    if not found:
        raise PrivacyInvalid("no_person", query=text)
    if len(found) > 1:
        raise PrivacyInvalid("ambiguous", query=text, candidates=_candidates(session, found))
    return found[0]


def _candidates(session: Session, people: Sequence[Person]) -> str:
    numbers: dict[int, list[str]] = {}
    for person_id, number in session.execute(
        select(Request.person_id, Request.number)
        .where(Request.person_id.in_([p.id for p in people]))
        .order_by(Request.number)
    ):
        numbers.setdefault(person_id, []).append(number)
    return "; ".join(f"{p.full_name}: {', '.join(numbers.get(p.id, ['—']))}" for p in people)


def export_person(
    session: Session,
    query: str,
    *,
    actor: str,
    now: datetime | None = None,
    lang: str = "ru",
) -> PersonExport:
    """Gather everything about the person ``query`` names and record that it was given
    out (see the module doc); topic names in ``lang``. The caller commits."""
    now = now or utcnow()
    person = find_person(session, query)
    requests = session.scalars(
        select(Request)
        .options(selectinload(Request.events), selectinload(Request.topics))
        .where(Request.person_id == person.id)
        .order_by(Request.received_on, Request.id)
    ).all()
    feedback: dict[int, list[FeedbackEntry]] = {}
    for record in session.scalars(
        select(FeedbackRecord)
        .where(FeedbackRecord.request_id.in_([r.id for r in requests]))
        .order_by(FeedbackRecord.recorded_at, FeedbackRecord.id)
    ):
        feedback.setdefault(record.request_id, []).append(
            FeedbackEntry(
                record.contacted_on,
                record.usable,
                record.usefulness,
                record.comment,
                record.recorded_at,
                record.actor,
            )
        )
    export = PersonExport(
        exported_at=now,
        exported_by=actor,
        full_name=person.full_name,
        role=person.role,
        organization=person.organization,
        contact=person.contact,
        subject=person.subject,
        experience_years=person.experience_years,
        grade=person.grade,
        consent_given=person.consent_given,
        consent_at=person.consent_at,
        created_at=person.created_at,
        requests=tuple(_request(r, feedback.get(r.id, []), lang) for r in requests),
        meetings=_invitations(session, person.id),
        products_authored=_authored(session, person.full_name),
    )
    for request in requests:
        request.events.append(
            Event(
                at=now,
                actor=actor,
                kind=EventKind.DATA_EXPORTED,
                from_stage=request.stage,
                to_stage=request.stage,
            )
        )
    session.flush()
    return export


def _request(request: Request, feedback: list[FeedbackEntry], lang: str) -> RequestRecord:
    return RequestRecord(
        number=request.number,
        received_on=request.received_on,
        channel=request.channel,
        form_no=request.form_no,
        problem=request.problem,
        help_wanted=request.help_wanted,
        category=request.category,
        topics=tuple(t.key for t in request.topics),
        topic_names=tuple(t.name_en if lang == "en" else t.name_ru for t in request.topics),
        stage=request.stage,
        stage_since=request.stage_since,
        close_reason=request.close_reason,
        promised_on=request.promised_on,
        created_at=request.created_at,
        events=tuple(
            EventRecord(e.at, e.actor, e.kind, e.from_stage, e.to_stage, e.note)
            for e in request.events
        ),
        feedback=tuple(feedback),
    )


def _invitations(session: Session, person_id: int) -> tuple[InvitationRecord, ...]:
    rows = session.execute(
        select(Meeting, MeetingInvitee)
        .join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id)
        .where(MeetingInvitee.person_id == person_id)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return tuple(
        InvitationRecord(m.title, m.starts_at, m.place, m.status, i.role, i.attended)
        for m, i in rows
    )


def _authored(session: Session, full_name: str) -> tuple[str, ...]:
    rows = session.execute(
        select(Product.id, Product.title)
        .join(ProductAuthor, ProductAuthor.product_id == Product.id)
        .where(ProductAuthor.name == full_name, ProductAuthor.expert_id.is_(None))
        .distinct()
        .order_by(Product.id)
    )
    return tuple(title for _, title in rows)
