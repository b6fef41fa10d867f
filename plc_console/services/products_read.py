"""Reading products: one with its history and feedback, lists, a request's products.

Every function returns frozen views (:mod:`plc_console.services.products_views`) built
inside the session, so a screen may keep them after it closed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TypeVarTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import (
    FeedbackRecord,
    Product,
    Request,
    Topic,
    product_requests,
    product_topics,
)
from plc_console.domain import ProductKind, ProductState
from plc_console.services.products_views import (
    AuthorView,
    FeedbackView,
    ProductDetail,
    ProductEventView,
    ProductNotFound,
    ProductSummary,
    RequestRef,
)

_Ts = TypeVarTuple("_Ts")

_SUMMARY_OPTIONS = (
    selectinload(Product.authors),
    selectinload(Product.topics),
    selectinload(Product.requests),
    selectinload(Product.reviewer),
)


def load_product(session: Session, product_id: int, *, with_events: bool = False) -> Product:
    """The product with what its summary shows loaded; ProductNotFound if there is none."""
    options = [*_SUMMARY_OPTIONS]
    if with_events:
        options.append(selectinload(Product.events))
    product = session.get(Product, product_id, options=options)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def summarize(product: Product) -> ProductSummary:
    return ProductSummary(
        id=product.id,
        version=product.version,
        kind=product.kind,
        title=product.title,
        state=product.state,
        summary=product.summary,
        link=product.link,
        authors=tuple(AuthorView(a.name, a.expert_id) for a in product.authors),
        topic_keys=tuple(t.key for t in product.topics),
        reviewer=product.reviewer.full_name if product.reviewer else None,
        reviewer_id=product.reviewer_id,
        request_numbers=tuple(r.number for r in product.requests),
        published_at=product.published_at,
        updated_at=product.updated_at,
    )


def summaries(session: Session, product_ids: Iterable[int]) -> dict[int, ProductSummary]:
    """Summaries of the given products in a few IN queries, by id."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    query = select(Product).options(*_SUMMARY_OPTIONS).where(Product.id.in_(ids))
    return {p.id: summarize(p) for p in session.scalars(query)}


def feedback_view(record: FeedbackRecord) -> FeedbackView:
    return FeedbackView(
        id=record.id,
        request_id=record.request_id,
        request_number=record.request.number,
        product_id=record.product_id,
        contacted_on=record.contacted_on,
        usable=record.usable,
        usefulness=record.usefulness,
        comment=record.comment,
        recorded_at=record.recorded_at,
        actor=record.actor,
    )


def get_product(session: Session, product_id: int) -> ProductDetail:
    """One product with its requests, the requests it answered, its history and feedback."""
    product = load_product(session, product_id, with_events=True)
    answered = session.scalars(
        select(Request).where(Request.answered_by_product_id == product_id).order_by(Request.id)
    )
    feedback = session.scalars(
        select(FeedbackRecord)
        .options(selectinload(FeedbackRecord.request))
        .where(FeedbackRecord.product_id == product_id)
        .order_by(FeedbackRecord.recorded_at, FeedbackRecord.id)
    )
    return ProductDetail(
        summary=summarize(product),
        meeting_id=product.meeting_id,
        meeting_title=product.meeting.title if product.meeting else None,
        requests=tuple(RequestRef(r.id, r.number, r.stage) for r in product.requests),
        answered=tuple(RequestRef(r.id, r.number, r.stage) for r in answered),
        events=tuple(
            ProductEventView(e.at, e.actor, e.kind, e.from_state, e.to_state, e.note)
            for e in product.events
        ),
        feedback=tuple(feedback_view(f) for f in feedback),
    )


def list_products(
    session: Session,
    *,
    states: Collection[ProductState] = (),
    kinds: Collection[ProductKind] = (),
    topic_keys: Collection[str] = (),
    limit: int | None = None,
) -> list[ProductSummary]:
    """Products newest first (by last change), narrowed to any of the given states,
    kinds and topics (empty: any)."""
    query = filtered(select(Product), states=states, kinds=kinds, topic_keys=topic_keys)
    query = query.options(*_SUMMARY_OPTIONS).order_by(Product.updated_at.desc(), Product.id.desc())
    return [summarize(p) for p in session.scalars(query.limit(limit))]


def filtered(
    query: Select[*_Ts],
    *,
    states: Collection[ProductState],
    kinds: Collection[ProductKind],
    topic_keys: Collection[str],
) -> Select[*_Ts]:
    """``query`` over products narrowed to any of the states, kinds and topics given."""
    if states:
        query = query.where(Product.state.in_(sorted(states)))
    if kinds:
        query = query.where(Product.kind.in_(sorted(kinds)))
    if topic_keys:
        with_topic = (
            select(product_topics.c.product_id)
            .join(Topic, Topic.id == product_topics.c.topic_id)
            .where(Topic.key.in_(sorted(topic_keys)))
        )
        query = query.where(Product.id.in_(with_topic))
    return query


def products_of_request(session: Session, request_id: int) -> list[ProductSummary]:
    """The products a request came to: those made from it and the one that answered it."""
    answered = select(Request.answered_by_product_id).where(Request.id == request_id)
    made = select(product_requests.c.product_id).where(product_requests.c.request_id == request_id)
    query = (
        select(Product)
        .options(*_SUMMARY_OPTIONS)
        .where(or_(Product.id.in_(made), Product.id == answered.scalar_subquery()))
        .order_by(Product.id)
    )
    return [summarize(p) for p in session.scalars(query)]


def author_names(product: Product) -> list[str]:
    return [a.name for a in product.authors]


def author_expert_ids(product: Product) -> set[int]:
    return {a.expert_id for a in product.authors if a.expert_id is not None}
