"""Builders shared by the products, feedback and buffers tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Expert
from plc_console.domain import WORK_STAGES, ProductKind, Role, Stage
from plc_console.services import products as pr
from plc_console.services import products_review as rv
from plc_console.services import requests as rq
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.products_views import AuthorInput, ProductForm, ProductSummary
from tests.conftest import NOW


def expert(session: Session, name: str = "Смирнова Ольга Петровна") -> int:
    """The expert of that name, added to the registry the first time."""
    known = session.scalar(select(Expert.id).where(Expert.full_name == name))
    if known is not None:
        return known
    return add_expert(session, NewExpert(full_name=name, topic_keys=("engagement",))).id


def request(
    session: Session,
    problem: str = "Ученики 7 класса не хотят работать на уроке",
    *,
    stage: Stage = Stage.RECEIVED,
    topics: tuple[str, ...] = ("engagement",),
    contact: str = "kozlov@school12.ru",
    received_on: date = date(2026, 11, 2),
    at: datetime = NOW - timedelta(days=10),
) -> rq.RequestSummary:
    """A request moved forward one stage a day from ``at`` up to ``stage``."""
    new = rq.NewRequest(
        received_on=received_on,
        full_name="Козлов Иван Петрович",
        role=Role.TEACHER,
        contact=contact,
        problem=problem,
        consent=True,
        topic_keys=topics,
    )
    made = rq.create_request(session, new, actor="t", now=at)
    for n, following in enumerate(WORK_STAGES[1 : stage.order + 1], start=1):
        made = rq.move_request(
            session, made.id, made.version, following, actor="t", now=at + timedelta(hours=n)
        )
    if stage is Stage.DONE:
        made = rq.move_request(session, made.id, made.version, Stage.DONE, actor="t", now=at)
    return made


def form(
    title: str = "Как удержать внимание класса на уроке",
    *,
    kind: ProductKind = ProductKind.RECOMMENDATIONS,
    summary: str = "Приёмы, которые помогают ученикам не отвлекаться.",
    authors: tuple[AuthorInput, ...] = (AuthorInput(name="Иванова Мария Сергеевна"),),
    topics: tuple[str, ...] = ("engagement",),
    request_ids: tuple[int, ...] = (),
    link: str | None = "https://example.org/vnimanie.pdf",
) -> ProductForm:
    return ProductForm(
        kind=kind,
        title=title,
        summary=summary,
        link=link,
        topic_keys=topics,
        authors=authors,
        request_ids=request_ids,
    )


def published(
    session: Session, product_form: ProductForm | None = None, *, reviewer: int | None = None
) -> ProductSummary:
    """A product taken through review to the methodological base."""
    made = pr.create_product(session, product_form or form(), actor="t", now=NOW)
    reviewer = reviewer if reviewer is not None else expert(session, "Рецензент Пётр Ильич")
    made = rv.assign_reviewer(session, made.id, made.version, reviewer, actor="t", now=NOW)
    made = rv.submit_for_review(session, made.id, made.version, actor="t", now=NOW)
    made = rv.approve(session, made.id, made.version, actor="t", now=NOW)
    return rv.publish(session, made.id, made.version, actor="t", now=NOW)
