"""A term of 100,000 requests and about a million events for the term report benchmark.

Every request follows the real stage order: created at Received, forward one stage at a
time, back to Product when feedback says "not usable" and back a stage or two now and
then elsewhere (rework), closed early from any stage for some, skipping ahead to
Feedback when a published product already answers it for a few. Triage records an
"edited" event and the experts' "assigned" ones (events that change no stage). The
requests' own fields (stage, stage_since, chain_started_at, category) are what their
events left. Around them: requesters of every role, experts with competences and
assignments, meetings with invitees and experts, products with their requests, and a
feedback record each time a request left Feedback.

Rows go in a column at a time through :func:`plc_console.db.bulk.insert_columns` (the
driver's own ``executemany``, as ``plc import`` does), on SQLite or PostgreSQL alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, select

from plc_console.db.bulk import Same, insert_columns
from plc_console.db.models import (
    Assignment,
    Event,
    Expert,
    FeedbackRecord,
    Meeting,
    MeetingExpert,
    MeetingInvitee,
    MeetingRequest,
    Person,
    Product,
    Request,
    RequestCounter,
    Term,
    Topic,
    expert_topics,
    product_requests,
    product_topics,
    request_topics,
)
from plc_console.domain import (
    WORK_STAGES,
    Category,
    Channel,
    CloseReason,
    EventKind,
    FeedbackUsable,
    MeetingStatus,
    ProductKind,
    ProductState,
    Role,
    Stage,
    request_number,
)
from plc_console.services.database import Database

#: Bump when the generated data changes, so cached files are rebuilt.
DATA_VERSION = "2"
REQUESTS = 100_000
PEOPLE = 40_000
EXPERTS = 600
MEETINGS = 8_000
PRODUCTS = 6_000
#: The term the report covers: a school half-year, stored as a term of that name.
TERM = "2026/27, I полугодие"
TERM_START, TERM_END = date(2026, 9, 1), date(2026, 12, 31)
#: Requests arrive from three weeks before the term (its opening backlog) to its end.
LEAD_IN_DAYS = 21
#: The data ends here: later moves have not happened yet (those requests are open).
HORIZON = datetime(2027, 1, 31, 18, 0)

#: Mean days in each stage (exponentially distributed).
_STAY = {
    Stage.RECEIVED: 1.5,
    Stage.TRIAGE: 3.0,
    Stage.SCHEDULED: 4.0,
    Stage.PREPARATION: 3.0,
    Stage.SESSION: 2.0,
    Stage.PRODUCT: 6.0,
    Stage.FEEDBACK: 2.5,
}
_ROLES = (Role.TEACHER, Role.PARENT, Role.STUDENT, Role.OTHER)
_ROLE_WEIGHTS = (50, 30, 15, 5)
_SURNAMES = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Орлов")
_NAMES = ("Анна", "Ольга", "Мария", "Елена", "Иван", "Пётр", "Сергей", "Алексей")
_SUBJECTS = ("математика", "физика", "русский язык", "история", "биология", "технология")
_STAGE_ORDER = {stage: index for index, stage in enumerate(WORK_STAGES)}


@dataclass
class _Columns:
    """Rows of one table, a list per column (what insert_columns takes)."""

    names: Sequence[str]
    values: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.values = {name: [] for name in self.names}

    def add(self, *row: Any) -> None:
        for name, value in zip(self.names, row, strict=True):
            self.values[name].append(value)

    def __len__(self) -> int:
        return len(self.values[self.names[0]])


@dataclass
class Built:
    """What was generated, for the benchmark to print."""

    counts: dict[str, int]


def _at(rng: random.Random, day: date) -> datetime:
    """A moment of working hours on ``day``, to the microsecond as the console stores it."""
    return datetime.combine(day, datetime.min.time()) + timedelta(
        hours=8 + 10 * rng.random(), microseconds=rng.randrange(1_000_000)
    )


def _people(rng: random.Random) -> tuple[_Columns, list[Role]]:
    people = _Columns(
        ("id", "full_name", "role", "organization", "contact", "subject", "experience_years",
         "grade", "consent_given", "consent_at", "created_at")
    )  # fmt: skip
    roles = rng.choices(_ROLES, _ROLE_WEIGHTS, k=PEOPLE)
    since = datetime(2025, 9, 1, 9, 0)
    for person_id, role in enumerate(roles, start=1):
        teacher = role is Role.TEACHER
        people.add(
            person_id,
            f"{rng.choice(_SURNAMES)} {rng.choice(_NAMES)}",
            role,
            f"МБОУ СОШ № {rng.randint(1, 60)}",
            f"+7 9{person_id:09d}",
            rng.choice(_SUBJECTS) if teacher else None,
            rng.choice((None, 0, 1, 2, 3, 5, 8, 12, 20, 30)) if teacher else None,
            None if teacher else rng.randint(1, 11),
            True,
            since,
            since,
        )
    return people, roles


class _Flow:
    """The requests and their events, assignments and feedback, one request at a time."""

    def __init__(self, rng: random.Random, topic_ids: list[int]) -> None:
        self.rng = rng
        self.topic_ids = topic_ids
        self.requests = _Columns(
            ("id", "number", "person_id", "received_on", "channel", "problem", "category",
             "stage", "stage_since", "close_reason", "chain_started_at", "search_text",
             "created_at", "updated_at", "version")
        )  # fmt: skip
        self.events = _Columns(("request_id", "at", "kind", "from_stage", "to_stage", "note"))
        self.topics = _Columns(("request_id", "topic_id"))
        self.assignments = _Columns(("request_id", "expert_id", "assigned_at"))
        self.feedback = _Columns(
            ("request_id", "contacted_on", "usable", "usefulness", "comment", "recorded_at")
        )
        self.serials: dict[int, int] = {}
        #: Requests that reached Scheduled, for meetings, and done ones, for products.
        self.scheduled: list[int] = []
        self.done: list[int] = []

    def request(self, request_id: int, person_id: int) -> None:
        rng = self.rng
        span = (TERM_END - TERM_START).days + LEAD_IN_DAYS
        received = TERM_START - timedelta(days=LEAD_IN_DAYS - rng.randrange(span + 1))
        created = _at(rng, received)
        year = received.year
        self.serials[year] = self.serials.get(year, 0) + 1
        number = request_number(year, self.serials[year])
        event = self.events.add
        event(request_id, created, EventKind.CREATED, None, Stage.RECEIVED, None)
        closes_at = rng.choice(WORK_STAGES) if rng.random() < 0.08 else None
        answered = rng.random() < 0.05
        stage, now = Stage.RECEIVED, created
        chain_started: datetime | None = None
        category: Category | None = None
        while True:
            left = now + timedelta(days=rng.expovariate(1 / _STAY[stage]) + 0.01)
            if left > HORIZON:
                break
            if stage is closes_at:
                event(request_id, left, EventKind.CLOSED, stage, Stage.CLOSED, "withdrawn")
                stage, now = Stage.CLOSED, left
                break
            target = self._next(stage, answered)
            if stage is Stage.FEEDBACK:
                self._feedback(request_id, left, target)
            note = "уточнить" if _STAGE_ORDER.get(target, 99) < _STAGE_ORDER[stage] else None
            event(request_id, left, EventKind.MOVED, stage, target, note)
            stage, now = target, left
            if stage is Stage.TRIAGE and chain_started is None:
                chain_started = now
                category = rng.choice(list(Category))
                self._triage(request_id, now)
            if stage is Stage.SCHEDULED and self.scheduled[-1:] != [request_id]:
                self.scheduled.append(request_id)
            if stage is Stage.DONE:
                self.done.append(request_id)
                break
        self.requests.add(
            request_id, number, person_id, received, rng.choice(list(Channel)),
            "Описание затруднения", category, stage, now,
            CloseReason.WITHDRAWN if stage is Stage.CLOSED else None, chain_started,
            number.lower(), created, now, 1,
        )  # fmt: skip

    def _next(self, stage: Stage, answered: bool) -> Stage:
        rng = self.rng
        order = _STAGE_ORDER[stage]
        if stage is Stage.FEEDBACK:
            return Stage.PRODUCT if rng.random() < 0.12 else Stage.DONE
        if stage is Stage.TRIAGE and answered:
            return Stage.FEEDBACK
        if order >= _STAGE_ORDER[Stage.SCHEDULED] and rng.random() < 0.04:
            return WORK_STAGES[max(order - rng.randint(1, 2), 1)]
        return WORK_STAGES[order + 1]

    def _triage(self, request_id: int, when: datetime) -> None:
        rng = self.rng
        self.events.add(
            request_id, when + timedelta(minutes=5), EventKind.EDITED,
            Stage.TRIAGE, Stage.TRIAGE, "category, topics",
        )  # fmt: skip
        for topic_id in rng.sample(self.topic_ids, rng.randint(1, 3)):
            self.topics.add(request_id, topic_id)
        for n, expert_id in enumerate(rng.sample(range(1, EXPERTS + 1), rng.choice((1, 1, 2)))):
            at = when + timedelta(hours=2 + n)
            self.assignments.add(request_id, expert_id, at)
            self.events.add(
                request_id, at, EventKind.ASSIGNED, Stage.TRIAGE, Stage.TRIAGE, "эксперт"
            )

    def _feedback(self, request_id: int, when: datetime, target: Stage) -> None:
        rng = self.rng
        if target is Stage.PRODUCT:
            usable, usefulness, comment = FeedbackUsable.NO, rng.randint(1, 2), "непонятно"
        elif rng.random() < 0.15:
            usable, usefulness, comment = FeedbackUsable.PARTLY, rng.randint(3, 4), None
        else:
            usable, usefulness, comment = FeedbackUsable.YES, rng.randint(4, 5), None
        self.feedback.add(request_id, when.date(), usable, usefulness, comment, when)


def _experts(rng: random.Random, topic_ids: list[int]) -> tuple[_Columns, _Columns]:
    experts = _Columns(("id", "full_name", "organization", "load_limit", "active"))
    competences = _Columns(("expert_id", "topic_id"))
    for expert_id in range(1, EXPERTS + 1):
        name = f"{rng.choice(_SURNAMES)} {rng.choice(_NAMES)} {expert_id:03d}"
        experts.add(expert_id, name, "ИРО", rng.randint(2, 8), rng.random() < 0.9)
        for topic_id in rng.sample(topic_ids, rng.randint(1, 4)):
            competences.add(expert_id, topic_id)
    return experts, competences


def _meetings(
    rng: random.Random, scheduled: list[int], roles: list[Role], topic_ids: list[int]
) -> dict[str, _Columns]:
    meetings = _Columns(
        ("id", "uid", "title", "topic_id", "starts_at", "duration_minutes", "status",
         "sequence", "created_at", "updated_at", "version")
    )  # fmt: skip
    links = _Columns(("meeting_id", "request_id"))
    invitees = _Columns(("meeting_id", "person_id", "role", "attended"))
    experts = _Columns(("meeting_id", "expert_id", "confirmed", "attended"))
    span = (TERM_END - TERM_START).days + LEAD_IN_DAYS + 30
    unique = list(dict.fromkeys(scheduled))
    chosen = rng.sample(unique, min(len(unique), MEETINGS * 8))
    for meeting_id in range(1, MEETINGS + 1):
        day = TERM_START - timedelta(days=LEAD_IN_DAYS - rng.randrange(span))
        starts = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(9, 18))
        if starts > HORIZON:
            status = rng.choice((MeetingStatus.PLANNED, MeetingStatus.ANNOUNCED))
        else:
            status = MeetingStatus.CANCELLED if rng.random() < 0.08 else MeetingStatus.HELD
        held = status is MeetingStatus.HELD
        meetings.add(
            meeting_id, f"bench-{meeting_id}@plc", "Встреча", rng.choice(topic_ids), starts,
            90, status, 1, starts - timedelta(days=7), starts, 1,
        )  # fmt: skip
        for request_id in chosen[(meeting_id - 1) * 8 : meeting_id * 8]:
            links.add(meeting_id, request_id)
        for person_id in rng.sample(range(1, PEOPLE + 1), rng.randint(3, 9)):
            came = (rng.random() < 0.8) if held else None
            invitees.add(meeting_id, person_id, roles[person_id - 1], came)
        for expert_id in rng.sample(range(1, EXPERTS + 1), rng.randint(1, 3)):
            experts.add(meeting_id, expert_id, True, (rng.random() < 0.85) if held else None)
    return {
        "meetings": meetings,
        "meeting_requests": links,
        "meeting_invitees": invitees,
        "meeting_experts": experts,
    }


def _products(rng: random.Random, done: list[int], topic_ids: list[int]) -> dict[str, _Columns]:
    products = _Columns(
        ("id", "kind", "title", "summary", "state", "reviewer_id", "meeting_id",
         "published_at", "search_text", "created_at", "updated_at", "version")
    )  # fmt: skip
    links = _Columns(("product_id", "request_id"))
    topics = _Columns(("product_id", "topic_id"))
    states = (ProductState.DRAFT, ProductState.IN_REVIEW, ProductState.CHANGES_REQUESTED,
              ProductState.APPROVED, ProductState.PUBLISHED)  # fmt: skip
    span = (TERM_END - TERM_START).days + LEAD_IN_DAYS + 30
    chosen = rng.sample(done, min(len(done), PRODUCTS * 6))
    for product_id in range(1, PRODUCTS + 1):
        created = _at(rng, TERM_START - timedelta(days=LEAD_IN_DAYS - rng.randrange(span)))
        state = rng.choices(states, (15, 15, 5, 10, 55))[0]
        published = created + timedelta(days=rng.uniform(3, 30))
        products.add(
            product_id, rng.choice(list(ProductKind)), f"Продукт {product_id}", "",
            state, rng.randint(1, EXPERTS), rng.randint(1, MEETINGS),
            published if state is ProductState.PUBLISHED else None, "", created,
            published, 1,
        )  # fmt: skip
        for request_id in chosen[(product_id - 1) * 6 : product_id * 6]:
            links.add(product_id, request_id)
        for topic_id in rng.sample(topic_ids, rng.randint(1, 2)):
            topics.add(product_id, topic_id)
    return {"products": products, "product_requests": links, "product_topics": topics}


def _time_ordered(events: _Columns) -> _Columns:
    """The events in the order they happened (ids rise with time, as the console writes)."""
    at = events.values["at"]
    order = sorted(range(len(at)), key=at.__getitem__)
    ordered = _Columns(events.names)
    ordered.values = {name: [values[i] for i in order] for name, values in events.values.items()}
    return ordered


def build_report_database(database: Database, *, seed: int = 20260901) -> Built:
    """Fill the (empty, migrated) ``database`` with the term's requests and all around them."""
    rng = random.Random(seed)
    with database.engine.begin() as connection:
        topic_ids = list(connection.scalars(select(Topic.id).order_by(Topic.position)))
    people, roles = _people(rng)
    flow = _Flow(rng, topic_ids)
    person_ids = rng.choices(range(1, PEOPLE + 1), k=REQUESTS)
    for request_id, person_id in enumerate(person_ids, start=1):
        flow.request(request_id, person_id)
    experts, competences = _experts(rng, topic_ids)
    tables: dict[str, tuple[Any, _Columns, dict[str, Any]]] = {
        "people": (Person.__table__, people, {}),
        "requests": (Request.__table__, flow.requests, {}),
        "request_topics": (request_topics, flow.topics, {}),
        "events": (Event.__table__, _time_ordered(flow.events), {"actor": Same("bench")}),
        "experts": (Expert.__table__, experts, {}),
        "expert_topics": (expert_topics, competences, {}),
        "assignments": (Assignment.__table__, flow.assignments, {"assigned_by": Same("bench")}),
        "feedback_records": (
            FeedbackRecord.__table__,
            flow.feedback,
            {"actor": Same("bench"), "product_id": Same(None)},
        ),
    }
    models = {
        "meetings": Meeting.__table__,
        "meeting_requests": MeetingRequest.__table__,
        "meeting_invitees": MeetingInvitee.__table__,
        "meeting_experts": MeetingExpert.__table__,
        "products": Product.__table__,
        "product_requests": product_requests,
        "product_topics": product_topics,
    }
    more = {
        **_meetings(rng, flow.scheduled, roles, topic_ids),
        **_products(rng, flow.done, topic_ids),
    }
    for name, columns in more.items():
        tables[name] = (models[name], columns, {})
    repeating = frozenset(
        {"role", "kind", "from_stage", "to_stage", "stage", "category", "channel", "status",
         "state", "usable", "received_on", "contacted_on", "close_reason", "note"}
    )  # fmt: skip
    with database.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # A page cache that holds the events' indexes while a million rows go in.
            connection.exec_driver_sql("PRAGMA cache_size = -1000000")
        for table, columns, same in tables.values():
            values = {**columns.values, **same}
            if connection.dialect.name == "postgresql":
                _copy(connection, table, values, len(columns))
            else:
                insert_columns(connection, table, values, repeating=repeating)
        counters = [{"year": year, "last": n} for year, n in flow.serials.items()]
        connection.execute(RequestCounter.__table__.insert(), counters)  # type: ignore[attr-defined]
        term = {"name": TERM, "starts_on": TERM_START, "ends_on": TERM_END}
        connection.execute(Term.__table__.insert(), [term])  # type: ignore[attr-defined]
        _sequences(connection, tables)
    with database.engine.connect() as connection:
        # VACUUM too on PostgreSQL: index-only scans need the visibility map it writes.
        command = "VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(command)
    return Built({name: len(columns) for name, (_, columns, _) in tables.items()})


def _copy(connection: Connection, table: Any, values: dict[str, Any], count: int) -> None:
    """PostgreSQL's COPY, many times faster than ``executemany`` for a million rows.
    Enum members go in as their values, as the models store them."""
    columns = [[item.value] * count if isinstance(item, Same) else item for item in values.values()]
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(values)}) FROM STDIN") as copy:
        for row in zip(*columns, strict=True):
            copy.write_row([value.value if isinstance(value, StrEnum) else value for value in row])


def _sequences(
    connection: Connection, tables: dict[str, tuple[Any, _Columns, dict[str, Any]]]
) -> None:
    """On PostgreSQL, move each id sequence past the ids given explicitly."""
    if connection.dialect.name != "postgresql":
        return
    for name, (_, columns, _) in tables.items():
        if "id" in columns.values:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
