"""Assigning experts on SQLite and PostgreSQL: history events, refusals, load limits held
against a second desk, and the balanced proposal."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plc_console.db.models import Assignment, Event, Expert, Request
from plc_console.domain import WORK_STAGES, CloseReason, EventKind, Role, Stage
from plc_console.services import requests as rq
from plc_console.services.assignments import (
    ExpertNotFound,
    apply_proposal,
    assign_expert,
    propose_balanced,
    rank_experts,
    unassign_expert,
)
from plc_console.services.database import Database
from plc_console.services.errors import NotFound, PlcError
from plc_console.services.reference import topics_by_key
from tests.conftest import NOW

FORM = rq.NewRequest(
    received_on=date(2026, 11, 2),
    full_name="Козлов Иван Петрович",
    role=Role.TEACHER,
    contact="+7 937 138-21-65",
    problem="Ученики 7 класса не хотят работать на уроках.\nРодители не отвечают в Дневник.ру.",
    consent=True,
    subject="математика",
)


def _request(
    session: Session,
    topics: tuple[str, ...] = ("engagement", "parents"),
    stage: Stage = Stage.TRIAGE,
    form: rq.NewRequest = FORM,
) -> int:
    """A request at ``stage`` (moved there one stage at a time) with these topics."""
    created = rq.create_request(session, form, actor="t", now=NOW)
    version = created.version
    for target in WORK_STAGES[1:] + (Stage.DONE,):
        if target.order > stage.order:
            break
        version = rq.move_request(session, created.id, version, target, actor="t", now=NOW).version
        if target is Stage.TRIAGE:
            version = rq.set_triage(
                session, created.id, version, category=None, topic_keys=topics, actor="t", now=NOW
            ).version
    session.commit()
    return created.id


def _expert(
    session: Session,
    name: str,
    topics: tuple[str, ...] = ("engagement",),
    *,
    limit: int = 3,
    active: bool = True,
    contact: str | None = None,
    subjects: str | None = None,
    availability: str | None = None,
) -> int:
    expert = Expert(
        full_name=name,
        contact=contact,
        subjects=subjects,
        availability=availability,
        load_limit=limit,
        active=active,
        competences=topics_by_key(session, topics),
    )
    session.add(expert)
    session.commit()
    return expert.id


def _assign(session: Session, request_id: int, expert_id: int) -> None:
    assign_expert(session, request_id, expert_id, actor="coordinator", now=NOW)
    session.commit()


def _events(session: Session, request_id: int) -> list[tuple[EventKind, str | None, str]]:
    return [
        (e.kind, e.note, e.actor)
        for e in session.scalars(
            select(Event).where(Event.request_id == request_id).order_by(Event.id)
        )
        if e.kind in (EventKind.ASSIGNED, EventKind.UNASSIGNED)
    ]


def _version(session: Session, request_id: int) -> int:
    return session.scalar(select(Request.version).where(Request.id == request_id)) or 0


def test_assign_and_unassign_are_events_in_the_requests_history(session: Session) -> None:
    request_id = _request(session)
    expert_id = _expert(session, "Соколова Ирина Викторовна")
    before = _version(session, request_id)
    later = NOW + timedelta(hours=2)
    assign_expert(session, request_id, expert_id, actor="coordinator", now=later)
    session.commit()
    assert _version(session, request_id) == before + 1
    detail = rq.get_request(session, request_id)
    last = detail.events[-1]
    assert (last.kind, last.note, last.actor, last.at) == (
        EventKind.ASSIGNED,
        "Соколова Ирина Викторовна",
        "coordinator",
        later,
    )
    assert last.from_stage is last.to_stage is Stage.TRIAGE
    (candidate,) = rank_experts(session, request_id)
    assert candidate.assigned and candidate.load == 1

    unassign_expert(session, request_id, expert_id, actor="other desk", now=later)
    session.commit()
    assert _version(session, request_id) == before + 2
    assert _events(session, request_id) == [
        (EventKind.ASSIGNED, "Соколова Ирина Викторовна", "coordinator"),
        (EventKind.UNASSIGNED, "Соколова Ирина Викторовна", "other desk"),
    ]
    (candidate,) = rank_experts(session, request_id)
    assert not candidate.assigned and candidate.load == 0


def _refused(session: Session, request_id: int, expert_id: int, *, unassign: bool = False) -> str:
    """The refusal's message key; and nothing was written."""
    version = _version(session, request_id) if request_id > 0 else 0
    events = session.scalar(select(func.count()).select_from(Event))
    change = unassign_expert if unassign else assign_expert
    with pytest.raises(PlcError) as refused:
        change(session, request_id, expert_id, actor="coordinator", now=NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Event)) == events
    if request_id > 0:
        assert _version(session, request_id) == version
    return refused.value.code


def test_what_cannot_be_assigned_is_refused_and_nothing_is_written(session: Session) -> None:
    request_id = _request(session)
    ok = _expert(session, "Белов Андрей")
    inactive = _expert(session, "Орлов Виктор", active=False)
    busy = _expert(session, "Фомин Сергей", limit=1)
    _assign(session, _request(session), busy)
    requester = _expert(session, "Другое Имя", contact="+7 (937) 138 21 65")
    _assign(session, request_id, ok)

    assert _refused(session, request_id, ok) == "matching.error.already_assigned"
    assert _refused(session, request_id, inactive) == "matching.refused.inactive"
    assert _refused(session, request_id, busy) == "matching.refused.full"
    assert _refused(session, request_id, requester) == "matching.refused.requester"
    assert _refused(session, request_id, 9999) == "matching.error.no_expert"
    assert _refused(session, -5, ok) == "error.not_found"
    assert _refused(session, request_id, busy, unassign=True) == "matching.error.not_assigned"
    with pytest.raises(ExpertNotFound):
        assign_expert(session, request_id, 9999, actor="c", now=NOW)
    with pytest.raises(NotFound):
        assign_expert(session, 123456, ok, actor="c", now=NOW)


@pytest.mark.parametrize("final", [Stage.DONE, Stage.CLOSED])
def test_a_finished_request_keeps_its_experts(session: Session, final: Stage) -> None:
    request_id = _request(session, stage=Stage.DONE if final is Stage.DONE else Stage.TRIAGE)
    expert_id = _expert(session, "Белов Андрей")
    other = _expert(session, "Соколова Ирина")
    if final is Stage.CLOSED:
        _assign(session, request_id, expert_id)
        version = _version(session, request_id)
        rq.close_request(session, request_id, version, CloseReason.WITHDRAWN, actor="t", now=NOW)
        session.commit()
        assert _refused(session, request_id, expert_id, unassign=True) == "matching.error.closed"
    assert _refused(session, request_id, other) == "matching.error.closed"


def test_only_open_requests_count_against_the_load_limit(session: Session) -> None:
    expert_id = _expert(session, "Фомин Сергей", limit=1)
    first, second = _request(session), _request(session)
    _assign(session, first, expert_id)
    assert _refused(session, second, expert_id) == "matching.refused.full"
    rq.close_request(
        session, first, _version(session, first), CloseReason.WITHDRAWN, actor="t", now=NOW
    )
    session.commit()
    _assign(session, second, expert_id)
    candidate = next(c for c in rank_experts(session, second) if c.expert_id == expert_id)
    assert (candidate.load, candidate.assigned, candidate.excluded) == (1, True, None)
    # The closed one is in the track record: finished, but not Done.
    assert candidate.reasons[-1].params == {"done": 0, "finished": 1}


def test_two_desks_cannot_both_take_the_last_slot(database: Database) -> None:
    """Desk B assigns while desk A's assignment is uncommitted: B waits, then sees the
    expert full. Without the lock both would count a load of 0 and both would write."""
    with database.sessions() as setup:
        expert_id = _expert(setup, "Фомин Сергей", limit=1)
        first, second = _request(setup), _request(setup)
    outcome: list[object] = []

    def desk_b() -> None:
        with database.sessions() as session:
            try:
                assign_expert(session, second, expert_id, actor="b", now=NOW)
                session.commit()
                outcome.append("assigned")
            except PlcError as refused:
                outcome.append(refused.code)

    with database.sessions() as desk_a:
        assign_expert(desk_a, first, expert_id, actor="a", now=NOW)
        racer = threading.Thread(target=desk_b)
        racer.start()
        time.sleep(0.5)
        assert racer.is_alive(), "desk B did not wait for desk A"
        desk_a.commit()
    racer.join(timeout=20)
    assert outcome == ["matching.refused.full"]
    with database.sessions() as check:
        assigned = check.scalars(select(Assignment.request_id)).all()
        assert assigned == [first]


def test_ranking_reads_topics_in_the_readers_language_and_the_track_record(
    session: Session,
) -> None:
    expert_id = _expert(
        session,
        "Соколова Ирина",
        ("engagement", "parents"),
        subjects="Математика",
        availability="вт, чт",
    )
    done = _request(session, stage=Stage.DONE)
    request_id = _request(session)
    session.execute(
        update(Request)
        .where(Request.id == done)
        .values(stage=Stage.DONE)
        .execution_options(synchronize_session=False)
    )
    session.add(Assignment(request_id=done, expert_id=expert_id, assigned_at=NOW, assigned_by="t"))
    session.commit()
    (candidate,) = rank_experts(session, request_id, lang="ru")
    topics, subject, load, _, record = candidate.reasons
    assert topics.params["topics"] == ("мотивация обучающихся", "работа с родителями")
    assert subject.key == "matching.reason.subject"
    assert load.params == {"load": 0, "limit": 3}  # the Done request is not open work
    assert record.params == {"done": 1, "finished": 1}
    assert candidate.score == 100.0
    with pytest.raises(NotFound):
        rank_experts(session, 424242)


# --- the balanced proposal -------------------------------------------------------------

TOPICS = ("engagement", "task_choice", "parents", "psychology", "dnevnik")


def _random_registry(session: Session, seed: int) -> tuple[list[int], list[int]]:
    """A registry and a triage column drawn at random (some experts busy or inactive, one
    of them a requester), with a few requests already taken and some in other stages."""
    rng = random.Random(seed)
    experts = [
        _expert(
            session,
            f"Эксперт {n}",
            tuple(rng.sample(TOPICS, rng.randint(1, 3))),
            limit=rng.randint(1, 3),
            active=rng.random() > 0.15,
            subjects=rng.choice(["математика", "история", None]),
        )
        for n in range(8)
    ]
    requester = _expert(session, "Козлов Иван Петрович", ("engagement", "parents"))
    requests = []
    for n in range(14):
        form = replace(
            FORM,
            full_name=f"Учитель {n}" if n % 3 else FORM.full_name,
            contact=f"+7 900 000-00-{n:02d}" if n % 3 else FORM.contact,
            subject=rng.choice(["математика", "история", None]),
        )
        topics = tuple(rng.sample(TOPICS, rng.randint(0, 2)))
        requests.append(_request(session, topics, form=form))
    for request_id in rng.sample(requests, 3):  # some work the experts already have
        expert_id = rng.choice(experts)
        try:
            _assign(session, request_id, expert_id)
        except PlcError:
            session.rollback()
    _request(session, ("engagement",), stage=Stage.SCHEDULED)  # not at triage: not proposed
    return [*experts, requester], requests


@pytest.mark.parametrize("seed", [1, 2])
def test_a_balanced_proposal_respects_every_limit_and_exclusion(
    session: Session, seed: int
) -> None:
    _, requests = _random_registry(session, seed)
    taken = set(session.scalars(select(Assignment.request_id)))
    proposal = propose_balanced(session)
    assert proposal.requests == len(set(requests) - taken)
    proposed = [p.request_id for p in proposal.pairs]
    assert len(proposed) == len(set(proposed))
    assert set(proposed) | {r for r, _ in proposal.unmatched} == set(requests) - taken
    assert proposal.total_score >= proposal.greedy_total
    assert proposal.total_score == pytest.approx(sum(p.score for p in proposal.pairs), abs=0.05)
    per_expert = Counter(p.expert_id for p in proposal.pairs)
    for pair in proposal.pairs:
        candidate = next(
            c for c in rank_experts(session, pair.request_id) if c.expert_id == pair.expert_id
        )
        assert candidate.excluded is None, (pair, candidate.excluded)
        assert candidate.score == pair.score
        assert pair.reasons == candidate.reasons
        assert pair.reasons[0].key == "matching.reason.topics"  # a topic in common
        assert per_expert[pair.expert_id] <= candidate.load_limit - candidate.load

    result = apply_proposal(session, proposal, actor="coordinator", now=NOW)
    session.commit()
    assert (result.applied, result.skipped) == (len(proposal.pairs), ())
    loads = dict(
        session.execute(
            select(Assignment.expert_id, func.count())
            .join(Request)
            .where(Request.stage.not_in([Stage.DONE, Stage.CLOSED]))
            .group_by(Assignment.expert_id)
        ).all()
    )
    for expert in session.scalars(select(Expert)):
        assert loads.get(expert.id, 0) <= expert.load_limit
    assert len(_events(session, proposal.pairs[0].request_id)) == 1 if proposal.pairs else True
    assert propose_balanced(session).pairs == ()  # what could be assigned, was


def test_applying_skips_pairs_another_desk_made_invalid(session: Session) -> None:
    experts = [_expert(session, f"Эксперт {n}", ("engagement",), limit=2) for n in range(3)]
    requests = [_request(session, ("engagement",)) for _ in range(4)]
    proposal = propose_balanced(session)
    assert len(proposal.pairs) == 4
    by_request = {p.request_id: p for p in proposal.pairs}
    # Meanwhile, at other desks: one request gets an expert, another expert fills up,
    # a third is made inactive.
    taken = by_request[requests[0]]
    other = next(e for e in experts if e != taken.expert_id)
    _assign(session, requests[0], other)
    session.execute(
        update(Expert).values(active=False).where(Expert.id == by_request[requests[1]].expert_id)
    )
    session.commit()

    result = apply_proposal(session, proposal, actor="coordinator", now=NOW)
    session.commit()
    skipped = dict(result.skipped)
    assert skipped[taken.number].key == "matching.skipped.taken"
    assert skipped[by_request[requests[1]].number].key == "matching.refused.inactive"
    assert result.applied + len(result.skipped) == 4
    assert session.scalar(select(func.count()).select_from(Assignment)) == 1 + result.applied
    # The pairs applied are in the history; the skipped ones left no trace.
    for pair in proposal.pairs:
        events = _events(session, pair.request_id)
        if pair.number in skipped:
            assert (EventKind.ASSIGNED, pair.expert_name, "coordinator") not in events
        else:
            assert events == [(EventKind.ASSIGNED, pair.expert_name, "coordinator")]


def test_nothing_to_propose(session: Session) -> None:
    _request(session, ())  # no topics yet: nobody shares one
    _expert(session, "Эксперт", ("engagement",))
    proposal = propose_balanced(session)
    assert proposal.pairs == () and len(proposal.unmatched) == 1
    assert (proposal.total_score, proposal.greedy_total, proposal.requests) == (0.0, 0.0, 1)
    assert apply_proposal(session, proposal, actor="c", now=NOW).applied == 0


def test_the_caller_owns_the_transaction(session: Session) -> None:
    """Applying a proposal and then rolling back leaves no assignment and no event (each
    pair's savepoint lies inside the caller's transaction, on SQLite too)."""
    _expert(session, "Эксперт", ("engagement",), limit=3)
    for _ in range(3):
        _request(session, ("engagement",))
    events = session.scalar(select(func.count()).select_from(Event))
    proposal = propose_balanced(session)
    assert apply_proposal(session, proposal, actor="c", now=NOW).applied == 3
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0
    assert session.scalar(select(func.count()).select_from(Event)) == events
