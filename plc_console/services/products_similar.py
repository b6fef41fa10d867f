""" "Someone has met this before": the published products and past requests most like a
request, for the coordinator to answer it with an existing product
(:func:`plc_console.services.feedback.answer_with_product`) at ``received`` or
``triage``.

Texts are compared by their stems (:mod:`plc_console.services.products_text`), so word
forms match: the score is the share of the request's stems the candidate holds, each
stem weighted by how rare it is among the candidates (a shared "урок" says less than a
shared "овз"), blended with the share of topics in common when the request has topics.
Past requests are those done or closed early (not as duplicates, which repeat the
request they duplicate); the most recent few thousand are compared, those sharing a
topic with the request first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Product, Request, Topic, product_topics, request_topics
from plc_console.domain import CloseReason, ProductState, Stage
from plc_console.services.errors import NotFound
from plc_console.services.products_read import summaries
from plc_console.services.products_text import stem_set
from plc_console.services.products_views import Similar, SimilarProduct, SimilarRequest

#: Below this score a product or request is not shown as similar.
MIN_SCORE = 0.2
#: How much the topics in common weigh against the text when the request has topics.
TOPIC_WEIGHT = 0.3
#: Past requests compared at most (most recent first, those sharing a topic before).
MAX_PAST_REQUESTS = 3000


@dataclass(frozen=True)
class _Candidate:
    key: int
    stems: frozenset[str]
    topics: frozenset[str]


def _weights(query: frozenset[str], docs: Iterable[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequency of every stem of the query among the candidates."""
    frequency: Counter[str] = Counter()
    count = 1
    for doc in docs:
        count += 1
        frequency.update(doc & query)
    return {s: math.log(1 + count / (1 + frequency[s])) for s in query}


def _score(
    query: frozenset[str],
    topics: frozenset[str],
    weights: dict[str, float],
    candidate: _Candidate,
) -> float:
    """The share of the request's stems (weighted by rarity) the candidate holds,
    blended with the share of topics in common when the request has topics."""
    total = sum(weights.values())
    shared = query & candidate.stems
    text = sum(weights[s] for s in shared) / total if total else 0.0
    if not topics:
        return text
    union = topics | candidate.topics
    topic_share = len(topics & candidate.topics) / len(union) if union else 0.0
    return (1 - TOPIC_WEIGHT) * text + TOPIC_WEIGHT * topic_share


def _ranked(
    query: frozenset[str],
    topics: frozenset[str],
    candidates: Sequence[_Candidate],
    weights: dict[str, float],
    limit: int,
) -> list[tuple[float, _Candidate]]:
    scored = [(_score(query, topics, weights, c), c) for c in candidates]
    kept = [(score, c) for score, c in scored if score >= MIN_SCORE]
    kept.sort(key=lambda item: (-item[0], -item[1].key))
    return kept[:limit]


def _product_candidates(session: Session) -> list[_Candidate]:
    rows = session.execute(
        select(Product.id, Product.search_text).where(Product.state == ProductState.PUBLISHED)
    ).all()
    topics: dict[int, set[str]] = {}
    for product_id, key in session.execute(
        select(product_topics.c.product_id, Topic.key)
        .join(Topic, Topic.id == product_topics.c.topic_id)
        .join(Product, Product.id == product_topics.c.product_id)
        .where(Product.state == ProductState.PUBLISHED)
    ):
        topics.setdefault(product_id, set()).add(key)
    return [
        _Candidate(row.id, frozenset(row.search_text.split()), frozenset(topics.get(row.id, ())))
        for row in rows
    ]


def _past_requests(session: Session, request: Request, topic_ids: list[int]) -> list[Request]:
    shares_topic = Request.id.in_(
        select(request_topics.c.request_id).where(request_topics.c.topic_id.in_(topic_ids))
    )
    order: list[ColumnElement[Any]] = [Request.stage_since.desc(), Request.id.desc()]
    if topic_ids:
        order.insert(0, case((shares_topic, 0), else_=1))
    query = (
        select(Request)
        .options(selectinload(Request.topics))
        .where(
            Request.stage.in_((Stage.DONE, Stage.CLOSED)),
            Request.id != request.id,
            (Request.close_reason.is_(None)) | (Request.close_reason != CloseReason.DUPLICATE),
        )
        .order_by(*order)
        .limit(MAX_PAST_REQUESTS)
    )
    return list(session.scalars(query))


def similar_to_request(session: Session, request_id: int, limit: int = 5) -> Similar:
    """The ``limit`` published products and past requests most like the request, best
    first (each list on its own; nothing below :data:`MIN_SCORE`)."""
    request = session.get(Request, request_id, options=[selectinload(Request.topics)])
    if request is None:
        raise NotFound(request_id)
    query = stem_set(request.problem)
    topics = frozenset(t.key for t in request.topics)
    products = _product_candidates(session)
    past = _past_requests(session, request, [t.id for t in request.topics])
    by_id = {r.id: r for r in past}
    requests = [
        _Candidate(r.id, stem_set(r.problem), frozenset(t.key for t in r.topics)) for r in past
    ]
    weights = _weights(query, (c.stems for c in [*products, *requests]))
    best_products = _ranked(query, topics, products, weights, limit)
    found = summaries(session, [c.key for _, c in best_products])
    best_requests = _ranked(query, topics, requests, weights, limit)
    return Similar(
        products=tuple(
            SimilarProduct(found[c.key], round(score, 3), tuple(sorted(topics & c.topics)))
            for score, c in best_products
        ),
        requests=tuple(
            _similar_request(by_id[c.key], round(score, 3), tuple(sorted(topics & c.topics)))
            for score, c in best_requests
        ),
    )


def _similar_request(request: Request, score: float, shared: tuple[str, ...]) -> SimilarRequest:
    problem = request.problem.strip()
    return SimilarRequest(
        id=request.id,
        number=request.number,
        stage=request.stage,
        close_reason=request.close_reason,
        first_line=problem.splitlines()[0].strip() if problem else "",
        topic_keys=tuple(t.key for t in request.topics),
        answered_by_product_id=request.answered_by_product_id,
        score=score,
        shared_topic_keys=shared,
    )
