"""Demo data: a believable term made through the real services, on SQLite and PostgreSQL.

One demo database (SQLite) is generated per module and shared by the read-only tests;
the determinism test generates a second one on each backend and compares them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.engine import transaction
from plc_console.db.models import Event, Expert, Person, Request
from plc_console.domain import (
    BOARD_STAGES,
    CloseReason,
    EventKind,
    MeetingStatus,
    Role,
    Stage,
    Zone,
    buffer_status,
    is_young_teacher,
)
from plc_console.locale import Key
from plc_console.services import requests as rq
from plc_console.services.database import Database, open_database
from plc_console.services.demo import DEMO_MARK, DemoRefused, DemoResult, _Clock, create_demo
from plc_console.services.meta import get_meta
from plc_console.services.reference import data_dir, read_csv

TODAY = date(2026, 11, 20)
END_OF_TODAY = datetime.combine(TODAY, time(18, 0))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoResult]]:
    """One generated demo term on SQLite, shared by the tests that only read it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path}")
    try:
        with transaction(db.sessions) as session:
            result = create_demo(session, today=TODAY, db_label=db.label)
        yield db, result
    finally:
        db.engine.dispose()


@pytest.fixture
def demo_session(demo: tuple[Database, DemoResult]) -> Iterator[Session]:
    with demo[0].sessions() as session:
        yield session


def _requests(session: Session) -> list[Request]:
    query = (
        select(Request)
        .options(
            selectinload(Request.events),
            selectinload(Request.topics),
            selectinload(Request.person),
            selectinload(Request.duplicate_of),
        )
        .order_by(Request.id)
    )
    return list(session.scalars(query))


def _snapshot(session: Session) -> list[tuple[object, ...]]:
    """Everything that makes the demo what it is, in a form two databases can compare."""
    return [
        (
            r.number,
            r.stage,
            r.problem,
            r.received_on,
            r.channel,
            r.form_no,
            r.person.full_name,
            r.person.contact,
            r.category,
            tuple(t.key for t in r.topics),
            r.close_reason,
            r.duplicate_of.number if r.duplicate_of else None,
            tuple((e.at, e.actor, e.kind, e.from_stage, e.to_stage, e.note) for e in r.events),
        )
        for r in _requests(session)
    ]


def _check_histories(session: Session, today: date = TODAY) -> None:
    """Each request's stage is the replay of its events, which are in time order up to today."""
    term_start = datetime(today.year if today.month >= 9 else today.year - 1, 9, 1, 9, 0)
    end_of_today = datetime.combine(today, time(18, 0))
    for request in _requests(session):
        events = request.events
        assert events[0].kind is EventKind.CREATED and events[0].to_stage is Stage.RECEIVED
        assert events[0].at.date() == request.received_on
        stage = Stage.RECEIVED
        for event in events[1:]:
            assert event.from_stage is stage, request.number
            stage = event.to_stage or stage
        assert events[-1].to_stage is request.stage is stage, request.number
        times = [e.at for e in events]
        assert times == sorted(times), request.number
        assert term_start <= times[0] and times[-1] <= end_of_today, request.number
        for at in times:
            assert at.weekday() < 5 and time(9) <= at.time() <= time(18), (request.number, at)


def test_the_demo_fills_a_term_with_requests_in_every_stage(
    demo: tuple[Database, DemoResult], demo_session: Session
) -> None:
    assert demo[1] == DemoResult(created=True, requests=400, experts=25)
    counts = rq.stage_counts(demo_session)
    assert all(counts[stage] > 0 for stage in (*BOARD_STAGES, Stage.CLOSED)), counts
    assert counts[Stage.DONE] == max(counts.values())
    assert get_meta(demo_session, DEMO_MARK) == "2026"


def test_every_history_replays_to_the_current_stage_in_time_order(demo_session: Session) -> None:
    _check_histories(demo_session)


def test_requests_arrive_on_school_days_more_in_october_and_november(
    demo_session: Session,
) -> None:
    requests = _requests(demo_session)
    by_month = Counter(r.received_on.month for r in requests)
    assert set(by_month) == {9, 10, 11}
    assert by_month[10] > by_month[9]
    assert all(r.received_on.weekday() < 5 for r in requests)
    channels = Counter(r.channel for r in requests)
    assert len(channels) >= 5 and channels.most_common(1)[0][0].value == "box"
    forms = [r.form_no for r in requests if r.channel.value == "box"]
    assert all(f and f.startswith("Я-") for f in forms) and len(set(forms)) == len(forms)
    assert sum(r.help_wanted is not None for r in requests) > 0.7 * len(requests)


def test_requesters_are_a_believable_mix_with_names_that_agree(demo_session: Session) -> None:
    people = list(demo_session.scalars(select(Person)))
    requests = _requests(demo_session)
    roles = Counter(r.person.role for r in requests)
    assert 0.45 < roles[Role.TEACHER] / len(requests) < 0.65
    assert 0.2 < roles[Role.PARENT] / len(requests) < 0.4
    assert roles[Role.STUDENT] > 0 and roles[Role.OTHER] > 0
    teachers = [p for p in people if p.role is Role.TEACHER]
    young = [p for p in teachers if is_young_teacher(p.role, p.experience_years)]
    assert 0.2 < len(young) / len(teachers) < 0.6
    assert max(p.experience_years or 0 for p in teachers) > 20
    assert all(p.subject for p in teachers)
    assert all(p.grade and 1 <= p.grade <= 11 for p in people if p.role is Role.PARENT)
    assert all(p.grade and 5 <= p.grade <= 11 for p in people if p.role is Role.STUDENT)
    assert sum(len(p.requests) > 1 for p in people) > 5  # some people filed twice
    vocabulary = json.loads((data_dir() / "demo_vocabulary.json").read_text(encoding="utf-8"))
    for person in people:
        surname, first, patronymic = person.full_name.split()
        female = patronymic.endswith("на")
        assert first in vocabulary["female_names" if female else "male_names"], person.full_name
        assert surname in {pair[female] for pair in vocabulary["surnames"]}, person.full_name
        assert patronymic in {pair[female] for pair in vocabulary["patronymics"]}
        assert person.contact.startswith("+7 9") or "@" in person.contact


def test_requests_past_received_have_a_category_and_topics(demo_session: Session) -> None:
    for request in _requests(demo_session):
        triaged = any(e.to_stage is Stage.TRIAGE for e in request.events)
        if request.stage is not Stage.RECEIVED and (triaged or request.stage is not Stage.CLOSED):
            assert request.category is not None, request.number
            assert 1 <= len(request.topics) <= 3, request.number


def test_early_closures_have_every_reason_and_duplicates_point_to_the_same_person(
    demo_session: Session,
) -> None:
    closed = [r for r in _requests(demo_session) if r.stage is Stage.CLOSED]
    assert {r.close_reason for r in closed} == set(CloseReason)
    for request in closed:
        assert request.events[-1].note, request.number
        kept = request.duplicate_of
        if request.close_reason is not CloseReason.DUPLICATE:
            assert kept is None
            continue
        assert kept is not None and kept.stage is not Stage.CLOSED
        assert kept.person_id == request.person_id
        assert kept.id < request.id and request.problem.endswith(kept.problem)


def test_some_requests_went_back_for_rework_and_forward_again(demo_session: Session) -> None:
    reached = [
        r for r in _requests(demo_session) if any(e.to_stage is Stage.PRODUCT for e in r.events)
    ]
    reworked = [
        r
        for r in reached
        if any(
            e.from_stage and e.to_stage and e.to_stage.order < e.from_stage.order
            for e in r.events
            if e.kind is EventKind.MOVED
        )
    ]
    assert 0.03 < len(reworked) / len(reached) < 0.15
    for request in reworked:
        back = next(
            e
            for e in request.events
            if e.to_stage and e.from_stage and e.to_stage.order < e.from_stage.order
        )
        assert back.note
        assert request.events[-1].at > back.at


def test_the_fever_chart_shows_mostly_green_and_some_red(demo_session: Session) -> None:
    zones: Counter[Zone] = Counter()
    for request in _requests(demo_session):
        if request.stage.is_terminal or request.stage is Stage.RECEIVED:
            continue
        began = min(e.at for e in request.events if e.to_stage is Stage.TRIAGE)
        elapsed = (END_OF_TODAY - began).total_seconds() / 86400
        zones[buffer_status(request.stage, elapsed).zone] += 1
    total = sum(zones.values())
    assert zones[Zone.GREEN] > total / 2
    assert zones[Zone.RED] > 10


def test_experts_come_from_the_csv_with_competences(demo_session: Session) -> None:
    rows = read_csv("demo_experts.csv")
    experts = list(demo_session.scalars(select(Expert).options(selectinload(Expert.competences))))
    assert sorted(e.full_name for e in experts) == sorted(r["full_name"] for r in rows)
    assert 1 <= sum(not e.active for e in experts) <= 2
    assert all(e.competences and e.load_limit >= 1 for e in experts)
    topics = {row["key"] for row in read_csv("topics.csv")}
    assert all(set(r["topic_keys"].split(";")) <= topics for r in rows)


def test_running_it_again_leaves_the_demo_as_it_is(demo: tuple[Database, DemoResult]) -> None:
    db = demo[0]
    with db.sessions() as session:
        before = _snapshot(session)
    with transaction(db.sessions) as session:
        again = create_demo(session, today=date(2026, 12, 1), db_label=db.label, seed=7)
    assert again == DemoResult(created=False, requests=400, experts=25)
    with db.sessions() as session:
        assert _snapshot(session) == before


def test_a_database_with_real_requests_is_refused(database: Database) -> None:
    form = rq.NewRequest(
        received_on=date(2026, 11, 2),
        full_name="Козлов Иван Петрович",
        role=Role.TEACHER,
        contact="+7 937 138-21-65",
        problem="Не получается заинтересовать учеников 7 класса.",
        consent=True,
    )
    with transaction(database.sessions) as session:
        rq.create_request(session, form, actor="tester", now=datetime(2026, 11, 2, 10))
    with transaction(database.sessions) as session, pytest.raises(DemoRefused) as refused:
        create_demo(session, today=TODAY, db_label=database.label)
    assert refused.value.code == "error.demo_refused"
    assert refused.value.params == {"db": database.label, "count": 1}
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Expert)) == 0
        assert session.scalar(select(func.count()).select_from(Event)) == 1
        assert get_meta(session, DEMO_MARK) is None


def test_the_same_seed_and_day_give_the_same_term_on_each_backend(
    database: Database, demo: tuple[Database, DemoResult]
) -> None:
    with transaction(database.sessions) as session:
        result = create_demo(session, today=TODAY, db_label=database.label)
    assert result == demo[1]
    with database.sessions() as session, demo[0].sessions() as first:
        _check_histories(session)
        assert _snapshot(session) == _snapshot(first)


def test_a_term_just_begun_still_gets_a_whole_demo(tmp_path: Path) -> None:
    today = date(2026, 9, 3)  # three school days: every step squeezed in, none in the future
    db = open_database(f"sqlite:///{tmp_path / 'early.sqlite3'}")
    try:
        with transaction(db.sessions) as session:
            result = create_demo(session, today=today, db_label=db.label, seed=1)
        assert result.created and result.requests == 400
        with db.sessions() as session:
            _check_histories(session, today)
    finally:
        db.engine.dispose()


def test_in_spring_the_term_began_the_previous_september() -> None:
    clock = _Clock(date(2027, 3, 15))
    assert (clock.days[0], clock.days[-1]) == (date(2026, 9, 1), date(2027, 3, 15))
    assert date(2026, 11, 4) not in clock.days and date(2027, 1, 5) not in clock.days
    assert all(day.weekday() < 5 for day in clock.days)
    assert clock.at(clock.end) == datetime(2027, 3, 15, 18, 0)


def test_the_demo_first_quarter_gives_a_full_report(demo_session: Session) -> None:
    from plc_console.services.reports import term_report
    from plc_console.services.terms import list_terms

    terms = list_terms(demo_session)
    assert [(t.name, t.starts_on, t.ends_on) for t in terms] == [
        ("1 четверть 2026/27", date(2026, 9, 1), date(2026, 10, 26)),
        ("2 четверть 2026/27", date(2026, 11, 5), date(2026, 12, 28)),
    ]
    first = terms[0]
    report = term_report(demo_session, first.starts_on, first.ends_on, name=first.name)
    # Every table of a whole term has something to say: no empty sheet in the demo's report.
    empty = [table.key for table in report.tables if not table.rows]
    assert empty == []
    figures = dict(report.summary)
    assert figures[Key("report.summary.received")] > 100
    assert 0 < figures[Key("report.summary.done")] < figures[Key("report.summary.received")]
    assert report.table("feedback").rows[-1][1] > 10
    held = [row for row in report.table("meetings").rows if row[0] is MeetingStatus.HELD]
    assert held and held[0][1] > 0


def test_quarters_begun_by_the_day() -> None:
    from plc_console.services.demo_terms import school_quarters

    assert [q[0] for q in school_quarters(date(2026, 9, 1))] == ["1 четверть 2026/27"]
    spring = school_quarters(date(2027, 4, 2))
    assert [(q[1], q[2]) for q in spring][2:] == [
        (date(2027, 1, 12), date(2027, 3, 22)),
        (date(2027, 4, 1), date(2027, 5, 26)),
    ]
