"""What matching reads from the database: the experts' pool and the requests' needs.

A handful of set-based reads per call, whatever the registry's size: the pool comes as
the driver's plain tuples (a fraction of what result rows cost over 10,000s of rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from plc_console.db.models import (
    Assignment,
    Expert,
    Person,
    Request,
    Topic,
    expert_topics,
    request_topics,
)
from plc_console.domain import Stage
from plc_console.services.expert_pool import CLOSED, DONE, OPEN, ExpertPool
from plc_console.services.matching import Need


def _topic_name(lang: str) -> InstrumentedAttribute[str]:
    return Topic.name_ru if lang == "ru" else Topic.name_en


def _plain_rows(session: Session, sql: str, params: Sequence[object] = ()) -> list[Any]:
    """Rows as the driver's own tuples: a fraction of what result rows cost over 10,000s
    of rows. The SQL is plain and the values need no conversion (ids, text, stage keys)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_pool(session: Session, topic_ids: Sequence[int]) -> ExpertPool:
    """Every expert, the stage of every request they are assigned to, and their
    competences among ``topic_ids``: three set-based reads of plain rows."""
    experts = _plain_rows(
        session,
        "SELECT id, full_name, organization, contact, subjects, load_limit, availability, active"
        f" FROM {Expert.__tablename__} ORDER BY id",
    )
    work = _plain_rows(
        session,
        f"SELECT a.expert_id, CASE r.stage WHEN '{Stage.DONE.value}' THEN {DONE}"
        f" WHEN '{Stage.CLOSED.value}' THEN {CLOSED} ELSE {OPEN} END"
        f" FROM {Assignment.__tablename__} a JOIN {Request.__tablename__} r"
        " ON r.id = a.request_id",
    )
    links = []
    if topic_ids:
        mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
        links = _plain_rows(
            session,
            f"SELECT expert_id, topic_id FROM {expert_topics.name}"
            f" WHERE topic_id IN ({', '.join([mark] * len(topic_ids))})",
            list(topic_ids),
        )
    return ExpertPool(experts, work, links, topic_ids)


def load_needs(session: Session, lang: str, *, request_id: int | None, stage: Stage) -> list[Need]:
    """What the requests ask: one request by id, or every one at ``stage`` with no expert."""
    wanted = select(Request.id)
    if request_id is not None:
        wanted = wanted.where(Request.id == request_id)
    else:
        taken = select(Assignment.id).where(Assignment.request_id == Request.id).exists()
        wanted = wanted.where(Request.stage == stage, ~taken)
    query = (
        select(Request.id, Request.number, Person.full_name, Person.contact, Person.subject)
        .join(Person, Person.id == Request.person_id)
        .where(Request.id.in_(wanted))
        .order_by(Request.received_on, Request.id)
    )
    rows = session.execute(query).all()
    topics: dict[int, list[tuple[int, str]]] = {}
    assigned: dict[int, set[int]] = {}
    if rows:
        for found, topic_id, name in session.execute(
            select(request_topics.c.request_id, Topic.id, _topic_name(lang))
            .join(Topic, Topic.id == request_topics.c.topic_id)
            .where(request_topics.c.request_id.in_(wanted))
            .order_by(Topic.position, Topic.id)
        ):
            topics.setdefault(found, []).append((topic_id, name))
        if request_id is not None:
            assigned[request_id] = set(
                session.scalars(
                    select(Assignment.expert_id).where(Assignment.request_id == request_id)
                )
            )
    return [
        Need(
            request_id=found,
            number=number,
            topic_ids=tuple(t for t, _ in topics.get(found, ())),
            topic_names=tuple(n for _, n in topics.get(found, ())),
            requester_name=name,
            requester_contact=contact,
            requester_subject=subject,
            assigned=frozenset(assigned.get(found, ())),
        )
        for found, number, name, contact, subject in rows
    ]
