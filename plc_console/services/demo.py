"""Demo data: a believable school term of requests and experts, made through the real services.

Everything follows from ``random.Random(seed)`` and ``today`` (never the real clock), so the
same seed and day give the same database. Requests are registered, triaged, moved and closed
with the functions a coordinator uses, at working-hour timestamps up to ``today`` 18:00, so
every rule holds and each history is an ordinary sequence of events. The words come from
:mod:`plc_console.services.demo_vocabulary`, the experts from data/demo_experts.csv.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Expert, Request, Topic
from plc_console.domain import (
    BOARD_STAGES,
    WORK_STAGES,
    Channel,
    CloseReason,
    HelpWanted,
    PlcError,
    Role,
    Stage,
)
from plc_console.services.demo_assignments import assign_demo_expert, wants_expert
from plc_console.services.demo_meetings import add_demo_meetings
from plc_console.services.demo_products import add_demo_products
from plc_console.services.demo_terms import add_demo_terms
from plc_console.services.demo_vocabulary import (
    Person,
    Template,
    Vocabulary,
    new_person,
    problem_text,
)
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.meta import get_meta, set_meta
from plc_console.services.reference import read_csv
from plc_console.services.requests import (
    NewRequest,
    close_request,
    create_request,
    move_request,
    set_triage,
)

#: app_meta key marking a demo database; its value is the seed used.
DEMO_MARK = "demo_data"

# The shape of the term. Final stages of the 400 requests (a lively board; older requests are
# further along), then the early closures; duplicates are extra requests by the same people.
_FINAL = dict(zip(BOARD_STAGES, (40, 48, 32, 32, 24, 40, 32, 120), strict=True))
_OUT_OF_SCOPE, _WITHDRAWN, _DUPLICATES = 9, 11, 12
#: Typical working days in each stage before moving on (randomised around these).
_DWELL = dict(zip(WORK_STAGES, (1.0, 1.5, 2.5, 2.5, 1.0, 3.5, 2.0), strict=True))
_REWORK, _STUCK, _RETURNING = 0.09, 0.15, 0.06  # sent back once / stuck / a second request
_DAY_START, _DAY_HOURS = 9, 9.0  # the working day: 9:00–18:00
_HOLIDAYS = {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
_MONTH_WEIGHT = {9: 0.8, 10: 1.4, 11: 1.3, 12: 1.0, 1: 0.7, 5: 0.6, 6: 0.3, 7: 0.1, 8: 0.2}
_ROLES = {Role.TEACHER: 55, Role.PARENT: 30, Role.STUDENT: 12, Role.OTHER: 3}
_CHANNELS = {Channel.BOX: 50, Channel.WEB: 20, Channel.DNEVNIK: 13, Channel.EMAIL: 9}
_CHANNELS |= {Channel.IN_PERSON: 6, Channel.PHONE: 2}
_ASK = [HelpWanted.CONSULTATION, HelpWanted.MATERIALS, HelpWanted.MEETING]
_HELP = {
    Role.TEACHER: list(HelpWanted),
    Role.PARENT: _ASK,
    Role.STUDENT: _ASK[:2],
    Role.OTHER: _ASK,
}


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False when the demo was already there and left as it is
    requests: int  # requests in the database after the call
    experts: int


class DemoRefused(PlcError):
    """The database already holds real requests: demo data never mixes with them."""

    def __init__(self, db: str, count: int) -> None:
        super().__init__("error.demo_refused", db=db, count=count)


def create_demo(
    session: Session, *, today: date, db_label: str, seed: int = 2026, actor: str = "demo"
) -> DemoResult:
    """Fill an empty database with a demo term ending ``today``, in the caller's transaction.

    A database already marked as demo is left as it is; one holding any request is refused.
    """
    if get_meta(session, DEMO_MARK) is not None:
        return DemoResult(False, *_counts(session))
    existing = _counts(session)[0]
    if existing:
        raise DemoRefused(db_label, existing)
    known = set(session.scalars(select(Topic.key)))
    for row in read_csv("demo_experts.csv"):
        add_expert(session, _expert(row, known))
    vocab = Vocabulary.load()
    clock = _Clock(today)
    staff = vocab.words("coordinators") or [actor]
    plans = _plan_term(random.Random(seed), vocab, clock, known, staff)
    # Experts draw on their own random stream: the term itself stays as it was without them.
    experts_rng = random.Random(seed + 1)
    _plan_experts(experts_rng, plans, clock)
    _carry_out(session, plans, clock, experts_rng)
    add_demo_meetings(session, today=today, seed=seed)
    add_demo_products(session, today=today, seed=seed)
    add_demo_terms(session, today=today)
    set_meta(session, DEMO_MARK, str(seed))
    session.flush()
    return DemoResult(True, *_counts(session))


def _counts(session: Session) -> tuple[int, int]:
    requests = session.scalar(select(func.count()).select_from(Request)) or 0
    return requests, session.scalar(select(func.count()).select_from(Expert)) or 0


def _expert(row: dict[str, str], known: set[str]) -> NewExpert:
    return NewExpert(
        full_name=row["full_name"],
        organization=row["organization"] or None,
        contact=row["contact"] or None,
        subjects=row["subjects"] or None,
        load_limit=int(row["load_limit"]),
        availability=row["availability"] or None,
        topic_keys=tuple(k.strip() for k in row["topic_keys"].split(";") if k.strip() in known),
        active=row["active"].strip().lower() in ("да", "yes", "true", "1"),
    )


class _Clock:
    """Working time since 1 September, in hours: 9:00–18:00 on school days up to ``today``."""

    def __init__(self, today: date) -> None:
        start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
        span = [start + timedelta(days=n) for n in range((today - start).days + 1)]
        workdays = [d for d in span if d.weekday() < 5 and (d.month, d.day) not in _HOLIDAYS]
        self.days = workdays or span
        self.end = len(self.days) * _DAY_HOURS  # the last working day (today at latest), 18:00

    def at(self, hours: float) -> datetime:
        index = max(0, min(int(hours // _DAY_HOURS), len(self.days) - 1))
        minutes = min(int((hours - index * _DAY_HOURS) * 60), int(_DAY_HOURS * 60))
        return datetime.combine(self.days[index], time(_DAY_START)) + timedelta(minutes=minutes)


# --- the term's plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    final: Stage  # a work stage, DONE or CLOSED
    closed_from: Stage | None = None
    reason: CloseReason | None = None


@dataclass(frozen=True)
class _Action:
    at: float  # working hours since the term began
    kind: Literal["create", "move", "triage", "assign", "close"]
    stage: Stage
    note: str | None
    actor: str


@dataclass(eq=False)  # hashed by identity: plans key their requests' ids and versions
class _Plan:
    t0: float
    target: _Target
    person: Person
    template: Template
    problem: str
    topics: tuple[str, ...]
    channel: Channel
    help_wanted: HelpWanted | None
    owner: str  # the coordinator who mostly handles it
    kept: _Plan | None = None  # for a duplicate: the request kept in work
    form_no: str | None = None
    actions: list[_Action] = field(default_factory=list)


def _plan_term(
    rng: random.Random, vocab: Vocabulary, clock: _Clock, known: set[str], staff: list[str]
) -> list[_Plan]:
    """Who asks what and when, where each request ends up, and every step on the way."""
    count = sum(_FINAL.values()) + _OUT_OF_SCOPE + _WITHDRAWN
    weights = [
        0.4 if d.month == 9 and d.day <= 7 else _MONTH_WEIGHT.get(d.month, 1.0) for d in clock.days
    ]
    days = rng.choices(range(len(clock.days)), weights, k=count)
    starts = sorted(day * _DAY_HOURS + rng.uniform(0.25, 8.5) for day in days)
    used: set[str] = set()
    plans: list[_Plan] = []
    for t0, target in zip(starts, _targets(rng, count), strict=True):
        pool = vocab.out_of_scope if target.reason is CloseReason.OUT_OF_SCOPE else vocab.templates
        earlier = [p for p in plans if p.target.reason is None]
        person = rng.choice(earlier).person if earlier and rng.random() < _RETURNING else None
        role = person.role if person else rng.choices(list(_ROLES), list(_ROLES.values()))[0]
        asked = {p.template for p in plans if p.person is person}
        fitting = [t for t in pool if t not in asked and vocab.fits(t, role, person)]
        if not fitting:  # the returning requester has nothing new to ask: someone new asks
            person, fitting = None, [t for t in pool if vocab.fits(t, role, None)]
        template = rng.choice(fitting)
        person = person or new_person(rng, vocab, role, template, used)
        problem = problem_text(rng, vocab, person, template)
        plans.append(_plan(rng, t0, target, person, template, problem, known, staff))
    keepable = [p for p in plans if p.target.final is not Stage.CLOSED and p.t0 < clock.end - 4]
    for kept in rng.sample(keepable, min(_DUPLICATES, len(keepable))):
        t0 = min(kept.t0 + rng.uniform(0.2, 6) * _DAY_HOURS, (kept.t0 + clock.end) / 2)
        since = Stage.RECEIVED if rng.random() < 0.75 else Stage.TRIAGE
        target = _Target(Stage.CLOSED, since, CloseReason.DUPLICATE)
        problem = rng.choice(vocab.words("duplicate_prefixes")) + kept.problem
        dup = _plan(rng, t0, target, kept.person, kept.template, problem, known, staff)
        dup.kept, dup.topics = kept, kept.topics
        dup.channel = rng.choice([c for c in _CHANNELS if c is not kept.channel])
        plans.append(dup)
    plans.sort(key=lambda p: p.t0)
    box = [p for p in plans if p.channel is Channel.BOX]
    for serial, plan in enumerate(box, start=1):
        plan.form_no = f"Я-{serial:06d}"
    for plan in plans:
        _schedule(rng, vocab, clock, plan, staff)
    return plans


def _targets(rng: random.Random, count: int) -> list[_Target]:
    """Final states for requests sorted oldest first: the older, the further along (mostly)."""
    targets: list[_Target | None] = [None] * count
    closures = rng.sample(range(count), _OUT_OF_SCOPE + _WITHDRAWN)
    for n, index in enumerate(closures):
        if n < _OUT_OF_SCOPE:
            targets[index] = _Target(Stage.CLOSED, Stage.RECEIVED, CloseReason.OUT_OF_SCOPE)
        else:
            furthest = round((1 - index / count) * (len(WORK_STAGES) - 1))
            since = WORK_STAGES[rng.randint(0, furthest)]
            targets[index] = _Target(Stage.CLOSED, since, CloseReason.WITHDRAWN)
    ladder = [_Target(stage) for stage in reversed(_FINAL) for _ in range(_FINAL[stage])]
    rest = [i for i in range(count) if targets[i] is None]
    rest.sort(key=lambda i: i + rng.gauss(0, count * 0.06))
    for index, target in zip(rest, ladder, strict=True):
        targets[index] = target
    return [t for t in targets if t is not None]


def _plan(
    rng: random.Random,
    t0: float,
    target: _Target,
    person: Person,
    template: Template,
    problem: str,
    known: set[str],
    staff: list[str],
) -> _Plan:
    keys = [k for k in template.topics if k in known] or sorted(known)[:1]
    topics = (*keys[:1], *rng.sample(keys[1:], rng.randint(0, min(2, len(keys[1:])))))
    help_wanted = rng.choice(_HELP[person.role]) if rng.random() < 0.85 else None
    channel = rng.choices(list(_CHANNELS), list(_CHANNELS.values()))[0]
    owner = rng.choice(staff)
    return _Plan(t0, target, person, template, problem, topics, channel, help_wanted, owner)


# --- the life of each request ------------------------------------------------------------


def _schedule(
    rng: random.Random, vocab: Vocabulary, clock: _Clock, plan: _Plan, staff: list[str]
) -> None:
    """Plan the request's moves and their times, from its receipt to its final state."""
    moves = _moves(rng, vocab, plan.target)
    times = _times(rng, clock, plan, [hours for _, _, hours in moves])

    def actor() -> str:
        return plan.owner if rng.random() < 0.8 else rng.choice(staff)

    plan.actions.append(_Action(plan.t0, "create", Stage.RECEIVED, None, actor()))
    for n, ((to, note, _), at) in enumerate(zip(moves, times, strict=True)):
        if note and "{date}" in note:  # the meeting's date: when the joint work begins
            meeting = next(
                (times[k] for k in range(n, len(moves)) if moves[k][0] is Stage.SESSION), None
            )
            day = clock.at(meeting).date() if meeting else clock.at(at).date() + timedelta(days=7)
            place = rng.choice(vocab.words("meeting_places"))
            note = note.format(date=day.strftime("%d.%m.%Y"), place=place)
        plan.actions.append(
            _Action(at, "close" if to is Stage.CLOSED else "move", to, note, actor())
        )
        if to is Stage.TRIAGE and plan.template.category is not None:
            following = times[n + 1] if n + 1 < len(times) else clock.end
            edit_at = at + min(2.0, 0.3 * (following - at))
            plan.actions.append(_Action(edit_at, "triage", to, None, actor()))


def _moves(
    rng: random.Random, vocab: Vocabulary, target: _Target
) -> list[tuple[Stage, str | None, float]]:
    """The stages a request passes (with rework, if any): (moved to, note, typical hours before)."""
    last = target.closed_from or (Stage.FEEDBACK if target.final is Stage.DONE else target.final)
    moves: list[tuple[Stage, str | None, float]] = []
    here = Stage.RECEIVED

    def go(to: Stage, note: str | None = None, factor: float = 1.0) -> None:
        nonlocal here
        if note is None and to.value in vocab.raw["notes"]:
            note = rng.choice(vocab.words("notes", to.value)) or None
        moves.append((to, note, _DWELL[here] * _DAY_HOURS * rng.lognormvariate(0, 0.45) * factor))
        here = to

    for stage in WORK_STAGES[1 : last.order + 1]:
        go(stage)
    reworkable = target.reason in (None, CloseReason.WITHDRAWN)
    if last.order >= Stage.PRODUCT.order and reworkable and rng.random() < _REWORK:
        deep = last is Stage.FEEDBACK and rng.random() < 0.3
        back = Stage.PRODUCT if last is Stage.FEEDBACK and not deep else Stage.SESSION
        why = (
            "rework_product"
            if last is Stage.PRODUCT
            else "rework_deep"
            if deep
            else "rework_feedback"
        )
        go(back, rng.choice(vocab.words("notes", why)))
        for stage in WORK_STAGES[back.order + 1 : last.order + 1]:
            go(stage, factor=0.6)
    if target.final is Stage.DONE:
        go(Stage.DONE)
    elif target.reason is not None:
        go(Stage.CLOSED, rng.choice(vocab.words("notes", target.reason.value)), rng.uniform(0.2, 1))
    return moves


def _times(rng: random.Random, clock: _Clock, plan: _Plan, hours: list[float]) -> list[float]:
    """When each move happens: typical dwell times fitted into the time left until today.

    A request with time to spare mostly waited in the box before triage; a few are stuck in
    their current stage instead (red on the fever chart). Short of time, everything went faster.
    """
    target = plan.target
    is_open = not target.final.is_terminal
    hold = _DWELL.get(target.final, 0) * _DAY_HOURS * rng.uniform(0.2, 1.2) if is_open else 0.0
    window, natural = clock.end - plan.t0 - 0.2, sum(hours) + hold
    if natural >= window:
        hours = [h * window * rng.uniform(0.6, 0.9) / natural for h in hours]
    elif hours:
        slack = window - natural
        if target.reason in (CloseReason.DUPLICATE, CloseReason.OUT_OF_SCOPE):
            spread = 0.0
        elif not is_open:
            spread = slack * rng.uniform(0, 0.5)
        else:
            spread = slack * rng.uniform(0.05, 0.3) if rng.random() < _STUCK else slack
        wait = spread * (rng.uniform(0.75, 1.0) if is_open else rng.uniform(0.5, 0.9))
        hours = [h + (spread - wait) * h / natural for h in hours]
        hours[0] += wait
    t, times = plan.t0, []
    for h in hours:
        t = min(t + max(h, 0.05), clock.end - 0.05)
        times.append(t)
    return times


def _plan_experts(rng: random.Random, plans: list[_Plan], clock: _Clock) -> None:
    """An expert is looked for soon after the topics are set at triage (demo_assignments)."""
    for plan in plans:
        actions = plan.actions
        edit = next((n for n, a in enumerate(actions) if a.kind == "triage"), None)
        if edit is None or not wants_expert(rng, plan.target.final, plan.target.reason):
            continue
        following = actions[edit + 1].at if edit + 1 < len(actions) else clock.end
        at = actions[edit].at + min(1.0, 0.3 * (following - actions[edit].at))
        actions.insert(edit + 1, _Action(at, "assign", Stage.TRIAGE, None, actions[edit].actor))


def _carry_out(
    session: Session, plans: list[_Plan], clock: _Clock, experts_rng: random.Random
) -> None:
    """Run every planned action through the services, in the order they happened."""
    queue = [(a.at, n, seq, a) for n, p in enumerate(plans) for seq, a in enumerate(p.actions)]
    ids: dict[_Plan, int] = {}
    versions: dict[_Plan, int] = {}
    # The session holds its objects weakly: keeping the requests (with their events, person
    # and topics loaded) spares every later service call a reload.
    loaded: list[Request | None] = []
    for _, n, _, action in sorted(queue, key=lambda item: item[:3]):
        plan, now, who = plans[n], clock.at(action.at), action.actor
        if action.kind == "create":
            done = create_request(session, _form(plan, now.date()), actor=who, now=now)
            ids[plan] = done.id
            loaded.append(session.get(Request, done.id))
        elif action.kind == "assign":
            version = assign_demo_expert(session, ids[plan], experts_rng, actor=who, now=now)
            if version is not None:  # the request changed: its version moved on
                versions[plan] = version
            continue
        elif action.kind == "triage":
            category, topics = plan.template.category, plan.topics
            done = set_triage(
                session,
                ids[plan],
                versions[plan],
                category=category,
                topic_keys=topics,
                actor=who,
                now=now,
            )
        elif action.kind == "close":
            kept = ids[plan.kept] if plan.kept else None
            done = close_request(
                session,
                ids[plan],
                versions[plan],
                plan.target.reason,
                actor=who,
                duplicate_of=kept,
                note=action.note,
                now=now,
            )
        else:
            done = move_request(
                session,
                ids[plan],
                versions[plan],
                action.stage,
                actor=who,
                note=action.note,
                now=now,
            )
        versions[plan] = done.version


def _form(plan: _Plan, received_on: date) -> NewRequest:
    person = plan.person
    return NewRequest(
        received_on=received_on,
        full_name=person.full_name,
        role=person.role,
        contact=person.contact,
        problem=plan.problem,
        consent=True,
        channel=plan.channel,
        organization=person.organization,
        subject=person.subject,
        experience_years=person.experience,
        grade=person.grade,
        help_wanted=plan.help_wanted,
        form_no=plan.form_no,
    )
