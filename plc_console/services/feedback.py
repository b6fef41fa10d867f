"""Answering a request with an existing product, and the requester's feedback.

- :func:`answer_with_product`: a request at ``received`` or ``triage`` that a published
  product already answers ("someone has met this before") skips ahead to ``feedback``
  with the product attached (domain rule :func:`~plc_console.domain.
  check_answer_with_product`; the one jump forward past several stages). A request
  answered straight from ``received`` starts its critical chain then, so it has a
  promised date and a zone like every other request in the chain.
- :func:`record_feedback`: on a request at ``feedback`` the coordinator records when
  the requester was contacted, whether the solution is understood and usable (yes /
  partly / no), its usefulness 1–5 and a comment. "Yes" moves the request to ``done``;
  "partly" or "no" sends it back to ``product`` with the reason (the comment) as the
  move's note, which counts as rework (a move back). The feedback also enters the
  history of the product the requester was given.

Conventions (committing, notes in ``lang``, ``now`` in UTC): see
:mod:`plc_console.services.products`. ``expected_version`` is the request's version
the caller read; when given, a request changed meanwhile is refused as stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Event, FeedbackRecord, Product, Request, product_requests
from plc_console.domain import (
    EventKind,
    FeedbackUsable,
    PlcError,
    ProductsEventKind,
    ProductState,
    RuleViolation,
    Stage,
    check_answer_with_product,
    check_feedback,
)
from plc_console.locale import Translator
from plc_console.services.buffers import promised_date
from plc_console.services.clock import utcnow
from plc_console.services.products import product_label, record
from plc_console.services.products_read import feedback_view, load_product
from plc_console.services.products_views import FeedbackView
from plc_console.services.requests import (
    _load,
    _locked_for_change,
    move_request,
    refused_if_stale,
    summarize,
)
from plc_console.services.views import RequestSummary

COMMENT_MAX_CHARS = 5000


class FeedbackInvalid(PlcError):
    """A feedback field cannot be used: ``feedback.invalid.<reason>`` says why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"feedback.invalid.{reason}", **params)
        self.reason = reason


@dataclass(frozen=True)
class FeedbackOutcome:
    """What recording feedback did: the record, the request as it is now (at ``done``,
    or back at ``product``), and whether that was rework."""

    feedback: FeedbackView
    request: RequestSummary
    rework: bool


def _request(session: Session, request_id: int, expected_version: int | None) -> Request:
    if expected_version is None:
        return _load(session, request_id)
    return _locked_for_change(session, request_id, expected_version)


def answer_with_product(
    session: Session,
    request_id: int,
    product_id: int,
    *,
    actor: str,
    now: datetime | None = None,
    expected_version: int | None = None,
    note: str | None = None,
    lang: str = "ru",
) -> RequestSummary:
    """Close a request at ``received`` or ``triage`` as answered by a published product:
    it moves to ``feedback`` with the product attached, and both histories say so."""
    now = now or utcnow()
    request = _request(session, request_id, expected_version)
    check_answer_with_product(request.stage)
    product = load_product(session, product_id, with_events=True)
    if product.state is not ProductState.PUBLISHED:
        raise RuleViolation("products.rule.answer_unpublished", state=product.state)
    # The change's queries flush it early: a lost race must still read as stale.
    with refused_if_stale(request):
        if request.chain_started_at is None:
            request.chain_started_at = now
            request.promised_on = promised_date(session, now)
        source = request.stage
        request.stage = Stage.FEEDBACK
        request.stage_since = now
        request.updated_at = now
        request.answered_by_product_id = product.id
        t = Translator(lang)
        said = t("products.note.answered", product=product_label(product))
        extra = note.strip() if note else ""
        request.events.append(
            Event(
                at=now,
                actor=actor,
                kind=EventKind.MOVED,
                from_stage=source,
                to_stage=Stage.FEEDBACK,
                note=f"{said}: {extra}" if extra else said,
            )
        )
        record(product, ProductsEventKind.ANSWERED, actor=actor, now=now, note=request.number)
        session.flush()
    return summarize(request)


def given_product(session: Session, request: Request) -> int | None:
    """The product the requester was given: the one that answered the request, else
    the newest published (else newest) product made from it; None without one."""
    if request.answered_by_product_id is not None:
        return request.answered_by_product_id
    made = select(product_requests.c.product_id).where(product_requests.c.request_id == request.id)
    query = (
        select(Product.id)
        .where(Product.id.in_(made))
        .order_by(
            (Product.state == ProductState.PUBLISHED).desc(),
            Product.published_at.desc(),
            Product.id.desc(),
        )
        .limit(1)
    )
    return session.scalar(query)


def record_feedback(
    session: Session,
    request_id: int,
    *,
    contacted_on: date,
    usable: FeedbackUsable,
    usefulness: int,
    comment: str | None,
    actor: str,
    now: datetime | None = None,
    expected_version: int | None = None,
    lang: str = "ru",
) -> FeedbackOutcome:
    """Record the requester's feedback on a request at ``feedback`` and move it on:
    to ``done`` when usable, back to ``product`` with the reason when partly or not."""
    now = now or utcnow()
    request = _request(session, request_id, expected_version)
    target = check_feedback(request.stage, usable, usefulness, comment)
    cleaned = comment.strip() or None if comment else None
    if cleaned is not None and len(cleaned) > COMMENT_MAX_CHARS:
        raise FeedbackInvalid("too_long", limit=COMMENT_MAX_CHARS)
    if contacted_on > now.date():
        raise FeedbackInvalid("contacted_future", day=contacted_on.isoformat())
    if contacted_on < request.received_on:
        raise FeedbackInvalid(
            "contacted_before_received",
            day=contacted_on.isoformat(),
            received=request.received_on.isoformat(),
        )
    product_id = given_product(session, request)
    saved = FeedbackRecord(
        request=request,
        product_id=product_id,
        contacted_on=contacted_on,
        usable=usable,
        usefulness=usefulness,
        comment=cleaned,
        recorded_at=now,
        actor=actor,
    )
    session.add(saved)
    t = Translator(lang)
    said = t("feedback.note.recorded", usable=usable, usefulness=usefulness)
    note = f"{said}: {cleaned}" if cleaned else said
    moved = move_request(
        session, request.id, request.version, target, actor=actor, note=note, now=now
    )
    if product_id is not None:
        product = load_product(session, product_id, with_events=True)
        said = t(
            "feedback.product.note", number=request.number, usable=usable, usefulness=usefulness
        )
        record(
            product,
            ProductsEventKind.FEEDBACK,
            actor=actor,
            now=now,
            note=f"{said}: {cleaned}" if cleaned else said,
        )
        session.flush()
    return FeedbackOutcome(feedback_view(saved), moved, rework=target is Stage.PRODUCT)


def feedback_of_request(session: Session, request_id: int) -> list[FeedbackView]:
    """Every feedback recorded on a request, oldest first."""
    query = (
        select(FeedbackRecord)
        .options(selectinload(FeedbackRecord.request))
        .where(FeedbackRecord.request_id == request_id)
        .order_by(FeedbackRecord.recorded_at, FeedbackRecord.id)
    )
    return [feedback_view(f) for f in session.scalars(query)]
