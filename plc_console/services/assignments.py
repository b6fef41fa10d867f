"""Experts on requests: rank who fits, assign and unassign (each an event in the
request's history), and propose a balanced assignment of a whole stage at once.

The console is never the only writer. Assigning re-checks the expert's load inside
the transaction after taking a lock (the expert's row on PostgreSQL, the database's
write lock on SQLite), so two desks cannot both take an expert's last free slot; the
unique constraint ``uq_assignments_request_expert`` stops a double assignment.
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from plc_console.db.models import Assignment, Event, Expert, Request
from plc_console.domain import EventKind, Stage
from plc_console.services.balancing import greedy_pairs, optimal_pairs, pair_scores
from plc_console.services.errors import NotFound, PlcError, RuleViolation, StaleVersion
from plc_console.services.intake.bulk import gc_paused
from plc_console.services.matching import (
    Candidate,
    Reason,
    contact_key,
    person_key,
    rank,
    reasons_for,
)
from plc_console.services.matching_reads import load_needs, load_pool

__all__ = [
    "ApplyResult",
    "Candidate",
    "ExpertNotFound",
    "Proposal",
    "ProposedPair",
    "Reason",
    "apply_proposal",
    "assign_expert",
    "propose_balanced",
    "rank_experts",
    "unassign_expert",
]

_TERMINAL = (Stage.DONE, Stage.CLOSED)
PROBLEM_PREVIEW_CHARS = 80


class ExpertNotFound(NotFound):
    """No expert has this id (perhaps deleted at another desk)."""

    def __init__(self, ref: object) -> None:
        super().__init__(ref)
        self.code = "matching.error.no_expert"


@dataclass(frozen=True)
class ProposedPair:
    request_id: int
    number: str
    problem: str  # the first ~80 characters, on one line
    expert_id: int
    expert_name: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[tuple[int, str], ...]  # (request id, number): no expert could take it
    total_score: float
    greedy_total: float  # what taking the best pairs first would have scored
    requests: int  # requests considered
    experts: int  # experts with a free slot who could take one


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    skipped: tuple[tuple[str, Reason], ...]  # (request number, why)


def rank_experts(
    session: Session, request_id: int, *, limit: int | None = None, lang: str = "en"
) -> list[Candidate]:
    """Every expert as a candidate for the request, best first, each with its reasons.

    ``lang`` chooses the language of the topic names in the reasons.
    """
    needs = load_needs(session, lang, request_id=request_id, stage=Stage.TRIAGE)
    if not needs:
        raise NotFound(request_id)
    need = needs[0]
    # Ten thousands of rows and candidates, none in a reference cycle: the collector
    # walking them as they are made would double the time.
    with gc_paused():
        return rank(need, load_pool(session, need.topic_ids), limit=limit)


# --- assigning and unassigning ----------------------------------------------------------


def _open_request(session: Session, request_id: int) -> Request:
    request = session.get(Request, request_id)
    if request is None:
        raise NotFound(request_id)
    if request.stage.is_terminal:
        raise RuleViolation("matching.error.closed", number=request.number, stage=request.stage)
    return request


def _expert(session: Session, expert_id: int, *, lock: bool = False) -> Expert:
    query = select(Expert).where(Expert.id == expert_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    expert = session.scalars(query).first()
    if expert is None:
        raise ExpertNotFound(expert_id)
    return expert


def _take_write_lock(session: Session) -> None:
    """On SQLite, hold the database's write lock from here to the commit.

    A write starts the transaction (the driver begins one only before a write), so what
    is counted next is what is committed; no other desk can write in between.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Expert).where(false()).values(active=Expert.active),
            execution_options={"synchronize_session": False},
        )


def _is_assigned(session: Session, request_id: int, expert_id: int) -> bool:
    found = session.scalar(
        select(Assignment.id).where(
            Assignment.request_id == request_id, Assignment.expert_id == expert_id
        )
    )
    return found is not None


def _open_load(session: Session, expert_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Assignment)
            .join(Request, Request.id == Assignment.request_id)
            .where(Assignment.expert_id == expert_id, Request.stage.not_in(_TERMINAL))
        )
        or 0
    )


def _record(request: Request, kind: EventKind, expert: Expert, actor: str, now: datetime) -> None:
    """The event in the request's history; the UPDATE it causes checks and bumps the version
    (even when ``updated_at`` does not change: two changes within the same second)."""
    request.updated_at = now
    flag_modified(request, "updated_at")
    request.events.append(
        Event(
            at=now,
            actor=actor,
            kind=kind,
            from_stage=request.stage,
            to_stage=request.stage,
            note=expert.full_name,
        )
    )


def _flush(session: Session, request: Request, expert: Expert) -> None:
    number = request.number
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleVersion(number) from exc
    except IntegrityError as exc:  # another desk assigned the same expert meanwhile
        raise RuleViolation(
            "matching.error.already_assigned", expert=expert.full_name, number=number
        ) from exc


def assign_expert(
    session: Session, request_id: int, expert_id: int, *, actor: str, now: datetime
) -> None:
    """Put an expert on a request, refusing an excluded expert, a second assignment and a
    request already done or closed. The request gets an ``assigned`` event."""
    request = _open_request(session, request_id)
    expert = _expert(session, expert_id)
    person = request.person
    if person_key(expert.full_name) == person_key(person.full_name) or (
        contact_key(expert.contact) and contact_key(expert.contact) == contact_key(person.contact)
    ):
        raise RuleViolation(
            "matching.refused.requester", expert=expert.full_name, number=request.number
        )
    if not expert.active:
        raise RuleViolation("matching.refused.inactive", expert=expert.full_name)
    _take_write_lock(session)
    expert = _expert(session, expert_id, lock=True)
    if _is_assigned(session, request_id, expert_id):
        raise RuleViolation(
            "matching.error.already_assigned", expert=expert.full_name, number=request.number
        )
    load = _open_load(session, expert_id)
    if load >= expert.load_limit:
        raise RuleViolation(
            "matching.refused.full", expert=expert.full_name, load=load, limit=expert.load_limit
        )
    session.add(Assignment(request=request, expert=expert, assigned_at=now, assigned_by=actor))
    _record(request, EventKind.ASSIGNED, expert, actor, now)
    _flush(session, request, expert)


def unassign_expert(
    session: Session, request_id: int, expert_id: int, *, actor: str, now: datetime
) -> None:
    """Take an expert off a request that is still open; the request gets an ``unassigned``
    event (the assignment itself is deleted)."""
    request = _open_request(session, request_id)
    expert = _expert(session, expert_id)
    assignment = session.scalars(
        select(Assignment).where(
            Assignment.request_id == request_id, Assignment.expert_id == expert_id
        )
    ).first()
    if assignment is None:
        raise RuleViolation(
            "matching.error.not_assigned", expert=expert.full_name, number=request.number
        )
    session.delete(assignment)
    _record(request, EventKind.UNASSIGNED, expert, actor, now)
    _flush(session, request, expert)


# --- a whole stage at once -------------------------------------------------------------


def _preview(problem: str) -> str:
    line = " ".join(problem.split())
    if len(line) <= PROBLEM_PREVIEW_CHARS:
        return line
    return line[: PROBLEM_PREVIEW_CHARS - 1].rstrip() + "…"


def propose_balanced(
    session: Session, *, stage: Stage = Stage.TRIAGE, lang: str = "en", min_topics: int = 1
) -> Proposal:
    """At most one expert for every request at ``stage`` that has none, maximising the
    total score within each expert's free slots and never pairing an excluded expert.

    A pair needs at least ``min_topics`` topics in common: an expert who shares none of
    the request's topics (or a request with no topics yet) is not proposed.
    """
    needs = load_needs(session, lang, request_id=None, stage=stage)
    topic_ids = sorted({t for need in needs for t in need.topic_ids})
    with gc_paused():
        pool = load_pool(session, topic_ids)
    paired = pair_scores(needs, pool, min_topics=min_topics)
    scores, allowed = paired.scores, paired.allowed
    capacity = (pool.limit - pool.load).clip(0)
    capacity[~pool.active] = 0
    chosen = optimal_pairs(scores, allowed, capacity)
    greedy = greedy_pairs(scores, allowed, capacity)
    problems = (
        dict(
            session.execute(
                select(Request.id, Request.problem).where(
                    Request.id.in_([needs[r].request_id for r, _ in chosen])
                )
            ).all()
        )
        if chosen
        else {}
    )
    pairs = []
    for r, e in chosen:
        need = needs[r]
        reasons = reasons_for(need, pool, e, subject=bool(paired.subject[r, e]))
        pairs.append(
            ProposedPair(
                request_id=need.request_id,
                number=need.number,
                problem=_preview(problems.get(need.request_id, "")),
                expert_id=int(pool.ids[e]),
                expert_name=pool.names[e],
                score=float(scores[r, e]),
                reasons=reasons,
            )
        )
    matched = {r for r, _ in chosen}
    return Proposal(
        pairs=tuple(pairs),
        unmatched=tuple(
            (need.request_id, need.number) for r, need in enumerate(needs) if r not in matched
        ),
        total_score=round(float(sum(scores[r, e] for r, e in chosen)), 1),
        greedy_total=round(float(sum(scores[r, e] for r, e in greedy)), 1),
        requests=len(needs),
        experts=int(((capacity > 0) & allowed.any(axis=0)).sum()) if needs else 0,
    )


def apply_proposal(
    session: Session, proposal: Proposal, *, actor: str, now: datetime
) -> ApplyResult:
    """Assign the proposed pairs that still hold; skip, with the reason, those another desk
    made invalid since the proposal (the request got an expert, the expert filled up…)."""
    _take_write_lock(session)  # SQLite: the savepoints below are then inside one transaction
    applied = 0
    skipped: list[tuple[str, Reason]] = []
    # Experts are locked in id order, as every desk applying a proposal does: two desks
    # never wait on each other's locks in a circle.
    for pair in sorted(proposal.pairs, key=lambda p: (p.expert_id, p.request_id)):
        try:
            with session.begin_nested():
                taken = session.scalar(
                    select(Expert.full_name)
                    .join(Assignment, Assignment.expert_id == Expert.id)
                    .where(Assignment.request_id == pair.request_id)
                    .limit(1)
                )
                if taken is not None:
                    raise RuleViolation("matching.skipped.taken", number=pair.number, expert=taken)
                assign_expert(session, pair.request_id, pair.expert_id, actor=actor, now=now)
        except PlcError as refused:
            skipped.append((pair.number, Reason(refused.code, dict(refused.params))))
        else:
            applied += 1
    return ApplyResult(applied=applied, skipped=tuple(sorted(skipped, key=lambda s: s[0])))
