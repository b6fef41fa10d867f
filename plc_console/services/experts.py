"""The expert registry: people with competences (topics) who work on requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Expert
from plc_console.services.errors import InvalidInput
from plc_console.services.reference import topics_by_key
from plc_console.services.views import ExpertView


@dataclass(frozen=True)
class NewExpert:
    full_name: str
    organization: str | None = None
    contact: str | None = None
    subjects: str | None = None
    load_limit: int = 3
    availability: str | None = None
    topic_keys: tuple[str, ...] = field(default=())
    active: bool = True


def add_expert(session: Session, new: NewExpert) -> ExpertView:
    if not new.full_name.strip():
        raise InvalidInput("full_name", "required")
    if new.load_limit < 1:
        raise InvalidInput("load_limit", "range", low=1, high=99, value=new.load_limit)
    expert = Expert(
        full_name=" ".join(new.full_name.split()),
        organization=new.organization,
        contact=new.contact,
        subjects=new.subjects,
        load_limit=new.load_limit,
        availability=new.availability,
        active=new.active,
        competences=topics_by_key(session, new.topic_keys),
    )
    session.add(expert)
    session.flush()
    return _view(expert)


def list_experts(session: Session) -> list[ExpertView]:
    query = select(Expert).options(selectinload(Expert.competences)).order_by(Expert.full_name)
    return [_view(e) for e in session.scalars(query)]


def _view(expert: Expert) -> ExpertView:
    return ExpertView(
        id=expert.id,
        full_name=expert.full_name,
        organization=expert.organization,
        contact=expert.contact,
        subjects=expert.subjects,
        load_limit=expert.load_limit,
        availability=expert.availability,
        active=expert.active,
        topic_keys=tuple(t.key for t in expert.competences),
    )
