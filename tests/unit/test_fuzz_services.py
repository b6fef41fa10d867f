"""Fuzz: the service layer's public functions answer bad input with a clear error.

Whatever a form, a command line or a spreadsheet hands a service (control characters,
NUL, very long or right-to-left text, emoji, a leading "=", numbers out of any range,
unknown ids, wrong versions, odd dates), the call either succeeds or raises a
:class:`PlcError` (which the CLI and the TUI show as one line), never anything else.
After a refusal the session is rolled back, as the CLI and the TUI do, and must still
work. Each example runs on one database of each backend and rolls its work back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    FeedbackUsable,
    HelpWanted,
    MeetingStep,
    PlcError,
    ProductKind,
    Role,
    Stage,
)
from plc_console.services import board as board_service
from plc_console.services import buffers, experts, lookup, meetings_plan, privacy, terms
from plc_console.services.availability import AvailabilityError, parse_availability
from plc_console.services.board import BoardFilter, CardOrder
from plc_console.services.database import Database
from plc_console.services.experts import NewExpert
from plc_console.services.feedback import record_feedback
from plc_console.services.intake import values
from plc_console.services.intake.values import ValueProblem
from plc_console.services.meetings import create_meeting
from plc_console.services.meetings_views import MeetingForm
from plc_console.services.products import create_product
from plc_console.services.products_views import AuthorInput, ProductForm
from plc_console.services.request_edit import edit_request
from plc_console.services.requests import (
    NewRequest,
    close_request,
    create_request,
    find_request_id,
    get_request,
    list_requests,
    move_request,
    set_triage,
)
from tests.conftest import NOW

#: Text a user or a file can hand over: anything, and the known troublemakers.
_NASTY = [
    "\x00",
    "a\x00b",
    "=cmd|' /C calc'!A0",
    "=1+1",
    "\u202eевитамрон\u202c",
    "שלום עולם",
    "👩‍🏫📚🔥",
    "\r\n\t\x0b\x0c\x1b[31m",
    " ",
    "",
    "З-2026-00001",
    "z-2026-00001",
    "x" * 6000,
    "ё" * 300,
    "\ud7ff\ue000\uffff",
    "'; DROP TABLE requests; --",
    "%_\\",
]
texts = st.one_of(
    st.sampled_from(_NASTY), st.text(max_size=60), st.text("\x00 =a\u202e", max_size=8)
)
optional_texts = st.none() | texts
#: Numbers that fit nothing: negative, zero, huge (beyond 64 bits too).
numbers = st.one_of(
    st.integers(-3, 3),
    st.integers(-(2**70), 2**70),
    st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1]),
)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([-1.0, 0.0, 1e308])
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)) | st.sampled_from(
    [NOW.date(), NOW.date() - timedelta(days=30), NOW.date() + timedelta(days=1)]
)
moments = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
topic_keys = st.lists(texts | st.sampled_from(["didactics", "assessment"]), max_size=3)


Body = Callable[..., None]
Test = Callable[..., None]


def fuzz(**strategies: st.SearchStrategy[Any]) -> Callable[[Body], tuple[Test, Test]]:
    """The body as two tests: many examples on SQLite, a few on PostgreSQL (where each
    statement is a round trip), each on one database whose examples roll back."""

    def both(body: Body) -> tuple[Test, Test]:
        def variant(backend: str, examples: int) -> Test:
            test = settings(
                max_examples=examples,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            )(given(**strategies)(body))
            return pytest.mark.parametrize("db_url", [backend], indirect=True)(test)

        return variant("sqlite", 40), pytest.mark.postgres(variant("postgresql", 8))

    return both


@pytest.fixture
def fuzz_session(database: Database) -> Iterator[Session]:
    """A session over a database holding one request at received and one at feedback."""
    with database.sessions() as session:
        first = create_request(session, _good_form(), actor="seed", now=NOW)
        second = create_request(session, _good_form(full_name="Второй"), actor="seed", now=NOW)
        version = second.version
        for stage in Stage.__members__.values():
            if Stage.TRIAGE.order <= stage.order <= Stage.FEEDBACK.order:
                moved = move_request(session, second.id, version, stage, actor="seed", now=NOW)
                version = moved.version
        session.commit()
        assert (first.id, second.id) == (1, 2)
        yield session


def _good_form(**changes: object) -> NewRequest:
    fields: dict[str, object] = {
        "received_on": NOW.date(),
        "full_name": "Петрова Анна",
        "role": Role.TEACHER,
        "contact": "anna@mail.ru",
        "problem": "Как готовить к олимпиаде?",
        "consent": True,
    }
    fields.update(changes)
    return NewRequest(**fields)  # type: ignore[arg-type]


def _refused_or_done(session: Session, call: Callable[[], object]) -> None:
    """Run one service call the way the CLI does: a PlcError rolls back, nothing else may
    escape; the session answers a query afterwards either way."""
    try:
        call()
        session.flush()
    except PlcError:
        session.rollback()
    session.execute(select(1))


@pytest.fixture
def rollback_each(fuzz_session: Session) -> Iterator[Callable[[Callable[[], object]], None]]:
    """Calls one example's service calls, and rolls the example's work back after it."""

    def run(call: Callable[[], object]) -> None:
        try:
            _refused_or_done(fuzz_session, call)
        finally:
            fuzz_session.rollback()

    yield run


Run = Callable[[Callable[[], object]], None]


# --- requests -------------------------------------------------------------------------


@fuzz(
    received_on=days,
    full_name=texts,
    contact=texts,
    problem=texts,
    organization=optional_texts,
    subject=optional_texts,
    experience=st.none() | numbers,
    grade=st.none() | numbers,
    form_no=optional_texts,
    keys=topic_keys,
    consent=st.booleans(),
)
def _create_request(
    fuzz_session: Session,
    rollback_each: Run,
    received_on: date,
    full_name: str,
    contact: str,
    problem: str,
    organization: str | None,
    subject: str | None,
    experience: int | None,
    grade: int | None,
    form_no: str | None,
    keys: list[str],
    consent: bool,
) -> None:
    form = NewRequest(
        received_on=received_on,
        full_name=full_name,
        role=Role.PARENT,
        contact=contact,
        problem=problem,
        consent=consent,
        channel=Channel.WEB,
        organization=organization,
        subject=subject,
        experience_years=experience,
        grade=grade,
        help_wanted=HelpWanted.MATERIALS,
        form_no=form_no,
        topic_keys=tuple(keys),
    )
    rollback_each(lambda: create_request(fuzz_session, form, actor="fuzz", now=NOW))


test_create_request, test_create_request_pg = _create_request


@fuzz(
    request_id=numbers,
    version=numbers,
    full_name=texts,
    contact=texts,
    problem=texts,
    organization=optional_texts,
    experience=st.none() | numbers,
    received_on=days,
)
def _edit_request(
    fuzz_session: Session,
    rollback_each: Run,
    request_id: int,
    version: int,
    full_name: str,
    contact: str,
    problem: str,
    organization: str | None,
    experience: int | None,
    received_on: date,
) -> None:
    form = _good_form(
        full_name=full_name,
        contact=contact,
        problem=problem,
        organization=organization,
        experience_years=experience,
        received_on=received_on,
    )
    rollback_each(
        lambda: edit_request(fuzz_session, request_id, version, form, actor="fuzz", now=NOW)
    )


test_edit_request, test_edit_request_pg = _edit_request


ids = st.sampled_from([1, 2]) | numbers


@fuzz(
    request_id=ids,
    version=st.sampled_from([1, 2, 7]) | numbers,
    target=st.sampled_from(list(Stage)),
    note=optional_texts,
    reason=st.none() | st.sampled_from(list(CloseReason)),
    duplicate_of=st.none() | ids,
    category=st.none() | st.sampled_from(list(Category)),
    keys=topic_keys,
)
def _move_close_and_triage(
    fuzz_session: Session,
    rollback_each: Run,
    request_id: int,
    version: int,
    target: Stage,
    note: str | None,
    reason: CloseReason | None,
    duplicate_of: int | None,
    category: Category | None,
    keys: list[str],
) -> None:
    s = fuzz_session
    rollback_each(
        lambda: move_request(s, request_id, version, target, actor="fuzz", note=note, now=NOW)
    )
    rollback_each(
        lambda: close_request(
            s, request_id, version, reason, actor="f", duplicate_of=duplicate_of, note=note
        )
    )
    rollback_each(
        lambda: set_triage(s, request_id, version, category=category, topic_keys=keys, actor="f")
    )


test_move_close_and_triage, test_move_close_and_triage_pg = _move_close_and_triage


@fuzz(
    ref=texts | numbers.map(str),
    request_id=ids,
    limit=st.none() | numbers,
    offset=numbers,
)
def _reading_requests(
    fuzz_session: Session,
    rollback_each: Run,
    ref: str,
    request_id: int,
    limit: int | None,
    offset: int,
) -> None:
    s = fuzz_session
    rollback_each(lambda: find_request_id(s, ref))
    rollback_each(lambda: get_request(s, request_id))
    rollback_each(lambda: list_requests(s, Stage.RECEIVED, limit=limit, offset=offset))
    rollback_each(lambda: lookup.lookup_requests(s, ref, limit=8))


test_reading_requests, test_reading_requests_pg = _reading_requests


# --- board ----------------------------------------------------------------------------


@fuzz(
    search=texts,
    keys=topic_keys,
    expert_ids=st.frozensets(numbers, max_size=3),
    offset=numbers,
    limit=numbers,
    order=st.sampled_from(list(CardOrder)),
    stage=st.sampled_from(list(Stage)),
    wip=st.none() | numbers,
    card=ids,
)
def _board(
    fuzz_session: Session,
    rollback_each: Run,
    search: str,
    keys: list[str],
    expert_ids: frozenset[int],
    offset: int,
    limit: int,
    order: CardOrder,
    stage: Stage,
    wip: int | None,
    card: int,
) -> None:
    s = fuzz_session
    flt = BoardFilter(search=search, topic_keys=frozenset(keys), expert_ids=expert_ids)
    rollback_each(lambda: board_service.column_counts(s, flt, now=NOW))
    rollback_each(
        lambda: board_service.column_window(
            s, stage, flt, order=order, offset=offset, limit=limit, now=NOW
        )
    )
    rollback_each(lambda: board_service.get_card(s, card, now=NOW))
    rollback_each(lambda: board_service.set_wip_limit(s, stage, wip))


test_board, test_board_pg = _board


# --- experts, terms, meetings, products, feedback -----------------------------------------


@fuzz(
    full_name=texts,
    organization=optional_texts,
    contact=optional_texts,
    subjects=optional_texts,
    load=numbers,
    availability=optional_texts,
    keys=topic_keys,
    expert_id=st.just(1) | numbers,
    search=texts,
)
def _experts(
    fuzz_session: Session,
    rollback_each: Run,
    full_name: str,
    organization: str | None,
    contact: str | None,
    subjects: str | None,
    load: int,
    availability: str | None,
    keys: list[str],
    expert_id: int,
    search: str,
) -> None:
    s = fuzz_session
    new = NewExpert(full_name, organization, contact, subjects, load, availability, tuple(keys))
    rollback_each(lambda: experts.add_expert(s, new))
    rollback_each(lambda: experts.edit_expert(s, expert_id, new))
    rollback_each(lambda: experts.set_active(s, expert_id, False))
    rollback_each(lambda: experts.delete_expert(s, expert_id))
    rollback_each(lambda: experts.search_experts(s, search))


test_experts, test_experts_pg = _experts


@fuzz(name=texts, typed=texts, starts=days, ends=days)
def _terms(
    fuzz_session: Session, rollback_each: Run, name: str, typed: str, starts: date, ends: date
) -> None:
    s = fuzz_session
    rollback_each(lambda: terms.parse_day(typed))
    rollback_each(lambda: terms.add_term(s, name, starts, ends))
    rollback_each(lambda: terms.get_term(s, name))


test_terms, test_terms_pg = _terms


@fuzz(
    title=texts,
    starts_at=moments,
    duration=numbers,
    place=optional_texts,
    link=optional_texts,
    capacity=st.none() | numbers,
    topic=optional_texts,
    lead=st.none() | numbers,
    email=texts,
)
def _meetings(
    fuzz_session: Session,
    rollback_each: Run,
    title: str,
    starts_at: datetime,
    duration: int,
    place: str | None,
    link: str | None,
    capacity: int | None,
    topic: str | None,
    lead: int | None,
    email: str,
) -> None:
    s = fuzz_session
    form = MeetingForm(title, starts_at, duration, place, link, capacity, topic)
    rollback_each(lambda: create_meeting(s, form, actor="fuzz", now=NOW))
    rollback_each(lambda: meetings_plan.set_lead_time(s, MeetingStep.EXPERTS_CONFIRMED, lead))
    rollback_each(lambda: meetings_plan.set_organizer_email(s, email))


test_meetings, test_meetings_pg = _meetings


@fuzz(
    kind=st.sampled_from(list(ProductKind)),
    title=texts,
    summary=texts,
    link=optional_texts,
    keys=topic_keys,
    author=st.builds(AuthorInput, expert_id=st.none() | numbers, name=optional_texts),
    request_ids=st.lists(ids, max_size=3),
    meeting_id=st.none() | numbers,
)
def _products(
    fuzz_session: Session,
    rollback_each: Run,
    kind: ProductKind,
    title: str,
    summary: str,
    link: str | None,
    keys: list[str],
    author: AuthorInput,
    request_ids: list[int],
    meeting_id: int | None,
) -> None:
    form = ProductForm(kind, title, summary, link, tuple(keys), (author,), tuple(request_ids),
                       meeting_id)  # fmt: skip
    rollback_each(lambda: create_product(fuzz_session, form, actor="fuzz", now=NOW))


test_products, test_products_pg = _products


@fuzz(
    request_id=ids,
    contacted_on=days,
    usable=st.sampled_from(list(FeedbackUsable)),
    usefulness=numbers,
    comment=optional_texts,
    version=st.none() | numbers,
)
def _feedback(
    fuzz_session: Session,
    rollback_each: Run,
    request_id: int,
    contacted_on: date,
    usable: FeedbackUsable,
    usefulness: int,
    comment: str | None,
    version: int | None,
) -> None:
    rollback_each(
        lambda: record_feedback(
            fuzz_session,
            request_id,
            contacted_on=contacted_on,
            usable=usable,
            usefulness=usefulness,
            comment=comment,
            actor="fuzz",
            now=NOW,
            expected_version=version,
        )
    )


test_feedback, test_feedback_pg = _feedback


# --- settings and privacy -------------------------------------------------------------


@fuzz(
    stage=st.sampled_from(list(Stage)),
    days_=st.none() | floats,
    band=texts | st.sampled_from(list(buffers.BAND_NAMES)),
    value=st.none() | floats,
    closed_before=days,
    dry_run=st.booleans(),
)
def _buffers_and_privacy(
    fuzz_session: Session,
    rollback_each: Run,
    stage: Stage,
    days_: float | None,
    band: str,
    value: float | None,
    closed_before: date,
    dry_run: bool,
) -> None:
    s = fuzz_session
    rollback_each(lambda: buffers.set_planned_days(s, stage, days_))
    rollback_each(lambda: buffers.set_band(s, band, value))
    rollback_each(lambda: buffers.buffer_settings(s))
    rollback_each(
        lambda: privacy.purge_closed(s, closed_before, dry_run=dry_run, actor="f", now=NOW)
    )


test_buffers_and_privacy, test_buffers_and_privacy_pg = _buffers_and_privacy


# --- parsing without a database -------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(typed=texts, cell=st.one_of(texts, numbers, floats, days, moments, st.booleans()))
def test_parsers_refuse_with_their_own_error(typed: str, cell: object) -> None:
    """Text parsers refuse with the error their callers turn into a message."""
    try:
        parse_availability(typed)
    except AvailabilityError:
        pass
    for parse in values.PARSERS.values():
        try:
            parse(cell)
        except ValueProblem:
            pass
    try:
        terms.parse_day(typed)
    except PlcError:
        pass


def test_a_refusal_leaves_the_session_usable(fuzz_session: Session) -> None:
    """The helper's own promise: after a refused call the same session still writes."""
    _refused_or_done(fuzz_session, lambda: get_request(fuzz_session, 999))
    fuzz_session.execute(text("SELECT 1"))
    assert get_request(fuzz_session, 1).summary.id == 1
