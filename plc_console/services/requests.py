"""Requests: register, read, move through the stages, close early, set triage fields.

Every change checks the version the caller read (so a stale screen never overwrites
another coordinator's work) and writes its event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Executable, func, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from plc_console.db.models import Event, Person, Request, RequestCounter
from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    EventKind,
    HelpWanted,
    Role,
    Stage,
    check_close,
    check_move,
    request_number,
    request_search_text,
    typed_request_number,
)
from plc_console.services.buffers import promised_date
from plc_console.services.clock import utcnow
from plc_console.services.errors import InvalidInput, NotFound, PlcError, StaleVersion
from plc_console.services.reference import topics_by_key
from plc_console.services.views import EventView, RequestDetail, RequestSummary

PROBLEM_MAX_CHARS = 5000
EXPERIENCE_RANGE = (0, 60)
GRADE_RANGE = (1, 11)


@dataclass(frozen=True)
class NewRequest:
    """A request as typed on a form (web, phone, walk-in or paper), before it is stored."""

    received_on: date
    full_name: str
    role: Role
    contact: str
    problem: str
    consent: bool
    channel: Channel = Channel.BOX
    organization: str | None = None
    subject: str | None = None
    experience_years: int | None = None
    grade: int | None = None
    help_wanted: HelpWanted | None = None
    form_no: str | None = None
    topic_keys: tuple[str, ...] = field(default=())


def validate_new_request(new: NewRequest, today: date) -> None:
    """Refuse what the paper form does not allow (DESIGN.md section 3), field by field."""
    for name in ("full_name", "contact", "problem"):
        if not str(getattr(new, name) or "").strip():
            raise InvalidInput(name, "required")
    if not new.consent:
        raise InvalidInput("consent", "no_consent")
    if new.received_on > today:
        raise InvalidInput("received_on", "future", value=new.received_on.isoformat())
    if len(new.problem) > PROBLEM_MAX_CHARS:
        raise InvalidInput("problem", "too_long", limit=PROBLEM_MAX_CHARS)
    _check_range("experience_years", new.experience_years, EXPERIENCE_RANGE)
    _check_range("grade", new.grade, GRADE_RANGE)


def _check_range(name: str, value: int | None, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise InvalidInput(name, "range", low=low, high=high, value=value)


def create_request(
    session: Session,
    new: NewRequest,
    *,
    actor: str,
    now: datetime | None = None,
    import_batch_id: int | None = None,
    import_row: int | None = None,
) -> RequestSummary:
    """Register a request at ``received`` with its requester and a ``created`` event."""
    now = now or utcnow()
    validate_new_request(new, today=now.date())
    person = _find_or_add_person(session, new, now)
    topics = topics_by_key(session, new.topic_keys)
    request = Request(
        number=request_number(new.received_on.year, _next_serial(session, new.received_on.year)),
        person=person,
        received_on=new.received_on,
        channel=new.channel,
        form_no=_clean(new.form_no),
        problem=new.problem.strip(),
        help_wanted=new.help_wanted,
        stage=Stage.RECEIVED,
        stage_since=now,
        topics=topics,
        import_batch_id=import_batch_id,
        import_row=import_row,
        created_at=now,
        updated_at=now,
    )
    request.search_text = request_search_text(request.number, person.full_name, request.problem)
    session.add(request)
    request.events.append(
        Event(at=now, actor=actor, kind=EventKind.CREATED, to_stage=Stage.RECEIVED)
    )
    session.flush()
    return summarize(request)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _find_or_add_person(session: Session, new: NewRequest, now: datetime) -> Person:
    """The same name and contact is the same person: their requests share one record."""
    name = " ".join(new.full_name.split())
    contact = " ".join(new.contact.split())
    person = session.scalars(
        select(Person).where(Person.contact == contact, Person.full_name == name).limit(1)
    ).first()
    if person is None:
        person = Person(full_name=name, contact=contact, role=new.role, created_at=now)
        session.add(person)
    person.role = new.role
    person.organization = _clean(new.organization) or person.organization
    person.subject = _clean(new.subject) or person.subject
    if new.experience_years is not None:
        person.experience_years = new.experience_years
    if new.grade is not None:
        person.grade = new.grade
    person.consent_given = True
    person.consent_at = now
    return person


def _next_serial(session: Session, year: int) -> int:
    """Hand out the next number of the year atomically, whoever else is writing.

    The UPDATE locks the counter row until commit, so two desks never get one number.
    """
    return reserve_serials(session, year, 1)


def reserve_serials(session: Session, year: int, count: int) -> int:
    """Reserve ``count`` consecutive serials of ``year`` in one UPDATE; the last one is
    returned (they are ``last - count + 1 … last``). A bulk import numbers its rows so."""
    bump = (
        update(RequestCounter)
        .where(RequestCounter.year == year)
        .values(last=RequestCounter.last + count)
        .returning(RequestCounter.last)
        .execution_options(synchronize_session=False)
    )
    serial = session.execute(bump).scalar_one_or_none()
    if serial is None:
        session.execute(_insert_counter_if_missing(session, year))
        serial = session.execute(bump).scalar_one()
    return serial


def _insert_counter_if_missing(session: Session, year: int) -> Executable:
    # Two desks may start a new year at once: the loser's insert does nothing.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(RequestCounter).values(year=year, last=0).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(RequestCounter).values(year=year, last=0).on_conflict_do_nothing()


# --- reading ------------------------------------------------------------------------


def _load(session: Session, request_id: int) -> Request:
    request = session.get(Request, request_id, options=[selectinload(Request.topics)])
    if request is None:
        raise NotFound(request_id)
    return request


def find_request_id(session: Session, ref: str | int) -> int:
    """A request's id from its id or its number (``З-2026-00042``, also typed with a Latin Z)."""
    if isinstance(ref, int) or str(ref).strip().isdigit():
        request_id = int(ref)
        if session.get(Request, request_id) is None:
            raise NotFound(ref)
        return request_id
    number = typed_request_number(str(ref))
    found = session.scalar(select(Request.id).where(Request.number == number))
    if found is None:
        raise NotFound(ref)
    return found


def summarize(request: Request) -> RequestSummary:
    person = request.person
    return RequestSummary(
        id=request.id,
        number=request.number,
        version=request.version,
        stage=request.stage,
        stage_since=request.stage_since,
        received_on=request.received_on,
        channel=request.channel,
        requester=person.full_name,
        role=person.role,
        experience_years=person.experience_years,
        problem=request.problem,
        category=request.category,
        topic_keys=tuple(t.key for t in request.topics),
        promised_on=request.promised_on,
        close_reason=request.close_reason,
    )


def get_request(session: Session, request_id: int) -> RequestDetail:
    """One request with every field and its whole history."""
    request = session.get(
        Request,
        request_id,
        options=[
            selectinload(Request.topics),
            selectinload(Request.events),
            selectinload(Request.person),
            selectinload(Request.duplicate_of),
        ],
    )
    if request is None:
        raise NotFound(request_id)
    person = request.person
    return RequestDetail(
        summary=summarize(request),
        form_no=request.form_no,
        help_wanted=request.help_wanted,
        organization=person.organization,
        contact=person.contact,
        subject=person.subject,
        grade=person.grade,
        consent_given=person.consent_given,
        duplicate_of_number=request.duplicate_of.number if request.duplicate_of else None,
        answered_by_product_id=request.answered_by_product_id,
        import_batch_id=request.import_batch_id,
        import_row=request.import_row,
        events=tuple(
            EventView(e.at, e.actor, e.kind, e.from_stage, e.to_stage, e.note)
            for e in request.events
        ),
    )


def list_requests(
    session: Session, stage: Stage | None = None, *, limit: int | None = None, offset: int = 0
) -> list[RequestSummary]:
    """Requests oldest first (by received date, then number), optionally of one stage.

    A negative ``limit`` or ``offset`` counts as 0 (PostgreSQL refuses them, SQLite not).
    """
    query = (
        select(Request)
        .options(selectinload(Request.topics), selectinload(Request.person))
        .order_by(Request.received_on, Request.id)
        .offset(max(0, offset))
        .limit(None if limit is None else max(0, limit))
    )
    if stage is not None:
        query = query.where(Request.stage == stage)
    return [summarize(r) for r in session.scalars(query)]


def stage_counts(session: Session) -> dict[Stage, int]:
    """How many requests each stage holds (every stage present, zero included)."""
    counts = dict.fromkeys(Stage, 0)
    for stage, count in session.execute(
        select(Request.stage, func.count()).group_by(Request.stage)
    ):
        counts[stage] = count
    return counts


# --- changing ------------------------------------------------------------------------


def _locked_for_change(session: Session, request_id: int, expected_version: int) -> Request:
    request = _load(session, request_id)
    if request.version != expected_version:
        raise StaleVersion(request.number)
    return request


@contextmanager
def refused_if_stale(request: Request) -> Iterator[None]:
    """Report a writer who committed since the version check as :class:`StaleVersion`.

    The check in :func:`_locked_for_change` reads; a change committed after it is caught
    by the UPDATE's ``WHERE version = …``, which then matches no row (StaleDataError).
    That UPDATE runs at the unit's first flush, which is often not its own: SQLAlchemy
    flushes before any query of the session, e.g. the history loaded to append an event,
    the promised date's read, an edit's look-up of the requester. So the whole change
    runs inside this guard, or a stale write reaches its writer as an unexpected error
    (the board would not show it as "someone else changed the request").
    """
    number = request.number
    try:
        yield
    except StaleDataError as exc:
        raise StaleVersion(number) from exc


def move_request(
    session: Session,
    request_id: int,
    expected_version: int,
    target: Stage,
    *,
    actor: str,
    note: str | None = None,
    now: datetime | None = None,
) -> RequestSummary:
    """Move a request one stage forward, or back any number of stages with a note."""
    now = now or utcnow()
    request = _locked_for_change(session, request_id, expected_version)
    with refused_if_stale(request):
        move = check_move(request.stage, target, note)
        if move.target is Stage.TRIAGE and request.chain_started_at is None:
            # The critical-chain promise is made when a request first enters triage.
            request.chain_started_at = now
            request.promised_on = promised_date(session, now)
        request.stage = move.target
        request.stage_since = now
        request.updated_at = now
        request.events.append(
            Event(
                at=now,
                actor=actor,
                kind=EventKind.MOVED,
                from_stage=move.source,
                to_stage=move.target,
                note=_clean_note(note),
            )
        )
        session.flush()
    return summarize(request)


def close_request(
    session: Session,
    request_id: int,
    expected_version: int,
    reason: CloseReason | None,
    *,
    actor: str,
    duplicate_of: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> RequestSummary:
    """Close a request early from any open stage, with a reason (and the kept request)."""
    now = now or utcnow()
    request = _locked_for_change(session, request_id, expected_version)
    with refused_if_stale(request):
        check_close(request.stage, reason, duplicate_of, request.id)
        if duplicate_of is not None:
            kept = session.get(Request, duplicate_of)
            if kept is None:
                raise NotFound(duplicate_of)
            if kept.stage is Stage.CLOSED:
                raise PlcError("error.kept_is_closed", number=kept.number)
            request.duplicate_of = kept
        source = request.stage
        request.stage = Stage.CLOSED
        request.close_reason = reason
        request.stage_since = now
        request.updated_at = now
        detail = f"{reason.value}" if reason else ""
        request.events.append(
            Event(
                at=now,
                actor=actor,
                kind=EventKind.CLOSED,
                from_stage=source,
                to_stage=Stage.CLOSED,
                note=_clean_note(note) or detail,
            )
        )
        session.flush()
    return summarize(request)


def set_triage(
    session: Session,
    request_id: int,
    expected_version: int,
    *,
    category: Category | None,
    topic_keys: Sequence[str],
    actor: str,
    now: datetime | None = None,
) -> RequestSummary:
    """Set the difficulty category and topics (decided at triage), recorded as an edit."""
    now = now or utcnow()
    request = _locked_for_change(session, request_id, expected_version)
    with refused_if_stale(request):
        topics = topics_by_key(session, topic_keys)
        before = (request.category, [t.key for t in request.topics])
        request.category = category
        request.topics = topics
        request.updated_at = now
        after = (category, [t.key for t in topics])
        if before != after:
            record_edit(request, actor=actor, now=now, note=_describe_triage(*after))
        session.flush()
    return summarize(request)


def record_edit(request: Request, *, actor: str, now: datetime, note: str) -> None:
    """An "edited" event on ``request``, which stays at its stage; ``note`` says what."""
    request.events.append(
        Event(
            at=now,
            actor=actor,
            kind=EventKind.EDITED,
            from_stage=request.stage,
            to_stage=request.stage,
            note=note,
        )
    )


def _describe_triage(category: Category | None, topic_keys: list[str]) -> str:
    return f"category={category.value if category else '-'}; topics={','.join(topic_keys) or '-'}"


def _clean_note(note: str | None) -> str | None:
    return note.strip() or None if note else None
