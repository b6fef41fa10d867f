"""Answering a request with an existing product, and feedback: "no" or "partly" sends
the request back to product with the reason (rework), "yes" closes it as done."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from plc_console.domain import (
    EventKind,
    FeedbackUsable,
    ProductsEventKind,
    RuleViolation,
    Stage,
    check_feedback,
)
from plc_console.services import products as pr
from plc_console.services.feedback import (
    FeedbackInvalid,
    answer_with_product,
    feedback_of_request,
    record_feedback,
)
from plc_console.services.products_read import get_product
from plc_console.services.requests import get_request, move_request
from plc_console.services.views import EventView
from tests.conftest import NOW
from tests.unit.product_helpers import form, published, request

U = FeedbackUsable


def _moves(events: tuple[EventView, ...]) -> list[tuple[Stage | None, Stage | None]]:
    return [(e.from_stage, e.to_stage) for e in events if e.kind is EventKind.MOVED]


def test_the_feedback_rule() -> None:
    assert check_feedback(Stage.FEEDBACK, U.YES, 5, None) is Stage.DONE
    assert check_feedback(Stage.FEEDBACK, U.PARTLY, 3, "Не понятно, как") is Stage.PRODUCT
    assert check_feedback(Stage.FEEDBACK, U.NO, 1, "Не подходит") is Stage.PRODUCT
    with pytest.raises(RuleViolation, match="reason_required"):
        check_feedback(Stage.FEEDBACK, U.NO, 1, " ")
    with pytest.raises(RuleViolation, match="usefulness"):
        check_feedback(Stage.FEEDBACK, U.YES, 6, None)
    with pytest.raises(RuleViolation, match="usefulness"):
        check_feedback(Stage.FEEDBACK, U.YES, 0, None)
    with pytest.raises(RuleViolation, match="not_at_feedback"):
        check_feedback(Stage.PRODUCT, U.YES, 5, None)


def test_answering_with_a_product_skips_to_feedback_and_yes_makes_it_done(
    session: Session,
) -> None:
    product = published(session)
    asked = request(session, stage=Stage.RECEIVED)
    answered = answer_with_product(
        session, asked.id, product.id, actor="coord", now=NOW, expected_version=asked.version
    )
    assert answered.stage is Stage.FEEDBACK
    # Answered straight from received: the chain starts now, with its promise.
    assert answered.promised_on == (NOW + timedelta(days=37.5)).date()
    detail = get_request(session, asked.id)
    assert detail.answered_by_product_id == product.id
    assert _moves(detail.events) == [(Stage.RECEIVED, Stage.FEEDBACK)]
    assert (
        detail.events[-1].note == f"Дан ответ готовым продуктом «{product.title}» (№{product.id})"
    )

    outcome = record_feedback(
        session,
        asked.id,
        contacted_on=NOW.date(),
        usable=U.YES,
        usefulness=5,
        comment="Спасибо, помогло",
        actor="coord",
        now=NOW,
        lang="en",
    )
    session.commit()
    assert outcome.request.stage is Stage.DONE and not outcome.rework
    assert outcome.feedback.product_id == product.id
    assert get_request(session, asked.id).events[-1].note == (
        "Feedback: usable — yes, usefulness 5/5: Спасибо, помогло"
    )
    kinds = [e.kind for e in get_product(session, product.id).events]
    assert kinds[-2:] == [ProductsEventKind.ANSWERED, ProductsEventKind.FEEDBACK]
    shown = get_product(session, product.id)
    assert [r.number for r in shown.answered] == [asked.number]
    assert [f.usefulness for f in shown.feedback] == [5]


@pytest.mark.parametrize("usable", [U.NO, U.PARTLY])
def test_no_or_partly_sends_the_request_back_to_product_as_rework(
    session: Session, usable: FeedbackUsable
) -> None:
    asked = request(session, stage=Stage.PRODUCT)
    product = published(session, form(request_ids=(asked.id,)))
    current = get_request(session, asked.id).summary
    current = move_request(session, asked.id, current.version, Stage.FEEDBACK, actor="t", now=NOW)
    outcome = record_feedback(
        session,
        asked.id,
        contacted_on=NOW.date(),
        usable=usable,
        usefulness=2,
        comment="Непонятно, как применить в 5 классе",
        actor="coord",
        now=NOW,
        expected_version=current.version,
    )
    session.commit()
    assert outcome.rework
    assert outcome.request.stage is Stage.PRODUCT
    assert outcome.feedback.product_id == product.id  # the product made on the request
    detail = get_request(session, asked.id)
    back = detail.events[-1]
    assert (back.from_stage, back.to_stage) == (Stage.FEEDBACK, Stage.PRODUCT)
    assert back.note is not None and back.note.endswith("Непонятно, как применить в 5 классе")
    # The move back is rework: the target comes before the source.
    reworks = [
        e
        for e in detail.events
        if e.kind is EventKind.MOVED
        and e.to_stage
        and e.from_stage
        and e.to_stage.order < e.from_stage.order
    ]
    assert len(reworks) == 1
    # Corrected, the request comes to feedback again and this time it works.
    again = move_request(
        session, asked.id, outcome.request.version, Stage.FEEDBACK, actor="t", now=NOW
    )
    done = record_feedback(
        session,
        asked.id,
        contacted_on=NOW.date(),
        usable=U.YES,
        usefulness=4,
        comment=None,
        actor="coord",
        now=NOW,
        expected_version=again.version,
    )
    assert done.request.stage is Stage.DONE
    assert [(f.usable, f.usefulness) for f in feedback_of_request(session, asked.id)] == [
        (usable, 2),
        (U.YES, 4),
    ]


def test_answering_is_refused_past_triage_or_with_an_unpublished_product(
    session: Session,
) -> None:
    product = published(session)
    later = request(session, stage=Stage.SCHEDULED, contact="a@x.ru")
    with pytest.raises(RuleViolation, match="answer_only_early"):
        answer_with_product(session, later.id, product.id, actor="t", now=NOW)
    draft = pr.create_product(session, form(), actor="t", now=NOW)
    early = request(session, stage=Stage.TRIAGE, contact="b@x.ru")
    with pytest.raises(RuleViolation, match="answer_unpublished"):
        answer_with_product(session, early.id, draft.id, actor="t", now=NOW)
    answered = answer_with_product(session, early.id, product.id, actor="t", now=NOW)
    assert answered.stage is Stage.FEEDBACK
    assert answered.promised_on == early.promised_on  # triage made the promise already


def test_feedback_fields_are_checked(session: Session) -> None:
    product = published(session)
    asked = request(session, stage=Stage.TRIAGE, received_on=date(2026, 11, 2))
    answer_with_product(session, asked.id, product.id, actor="t", now=NOW)
    with pytest.raises(FeedbackInvalid, match="contacted_future"):
        record_feedback(
            session,
            asked.id,
            contacted_on=NOW.date() + timedelta(days=1),
            usable=U.YES,
            usefulness=5,
            comment=None,
            actor="t",
            now=NOW,
        )
    with pytest.raises(FeedbackInvalid, match="contacted_before_received"):
        record_feedback(
            session,
            asked.id,
            contacted_on=date(2026, 11, 1),
            usable=U.YES,
            usefulness=5,
            comment=None,
            actor="t",
            now=NOW,
        )
    with pytest.raises(RuleViolation, match="reason_required"):
        record_feedback(
            session,
            asked.id,
            contacted_on=NOW.date(),
            usable=U.PARTLY,
            usefulness=3,
            comment="",
            actor="t",
            now=NOW,
        )
    assert feedback_of_request(session, asked.id) == []
